"""What the help centre and the request form remember in a visitor's session: articles
whose view was counted, votes given (so a comment can follow its vote, and a reload does
not vote twice), suggestions opened from the request form, and the request being typed."""

from typing import Any

from django.http import HttpRequest

VIEWED = "help.viewed"
VOTES = "help.votes"
DEFLECTIONS = "portal.deflections"
DRAFT = "portal.request_draft"
MAX_REMEMBERED = 200
DRAFT_FIELDS = ("subject", "description")
MAX_DRAFT_CHARS = 10_000


def first_view(request: HttpRequest, article_id: int) -> bool:
    """True once per session and article: the first time its page is shown."""
    viewed: list[int] = request.session.get(VIEWED, [])
    if article_id in viewed:
        return False
    request.session[VIEWED] = [*viewed, article_id][-MAX_REMEMBERED:]
    return True


def vote_for(request: HttpRequest, translation_id: int) -> dict[str, Any] | None:
    """``{"feedback": id, "helpful": bool, "commented": bool}`` if this session voted."""
    found: dict[str, Any] | None = request.session.get(VOTES, {}).get(str(translation_id))
    return found


def remember_vote(
    request: HttpRequest, translation_id: int, *, feedback_id: int, helpful: bool
) -> None:
    votes = dict(request.session.get(VOTES, {}))
    votes[str(translation_id)] = {"feedback": feedback_id, "helpful": helpful, "commented": False}
    request.session[VOTES] = dict(list(votes.items())[-MAX_REMEMBERED:])


def voted_translation(request: HttpRequest, feedback_id: int) -> int | None:
    """The translation this session's vote ``feedback_id`` was for; None if not ours."""
    for translation_id, vote in request.session.get(VOTES, {}).items():
        if vote["feedback"] == feedback_id:
            return int(translation_id)
    return None


def remember_comment(request: HttpRequest, translation_id: int) -> None:
    votes = dict(request.session.get(VOTES, {}))
    if str(translation_id) in votes:
        votes[str(translation_id)] = {**votes[str(translation_id)], "commented": True}
        request.session[VOTES] = votes


def deflection_for(request: HttpRequest, article_id: int) -> int | None:
    found: int | None = request.session.get(DEFLECTIONS, {}).get(str(article_id))
    return found


def remember_deflection(request: HttpRequest, article_id: int, deflection_id: int) -> None:
    deflections = dict(request.session.get(DEFLECTIONS, {}))
    deflections[str(article_id)] = deflection_id
    request.session[DEFLECTIONS] = dict(list(deflections.items())[-MAX_REMEMBERED:])


def deflection_ids(request: HttpRequest) -> list[int]:
    return list(request.session.get(DEFLECTIONS, {}).values())


def owns_deflection(request: HttpRequest, deflection_id: int) -> bool:
    return deflection_id in deflection_ids(request)


def keep_draft(request: HttpRequest, data: dict[str, str]) -> None:
    request.session[DRAFT] = {name: data.get(name, "")[:MAX_DRAFT_CHARS] for name in DRAFT_FIELDS}


def draft(request: HttpRequest) -> dict[str, str]:
    kept: dict[str, str] = request.session.get(DRAFT, {})
    return kept


def forget_request(request: HttpRequest) -> None:
    """The request was sent: its draft and the suggestions opened for it are done."""
    request.session.pop(DRAFT, None)
    request.session.pop(DEFLECTIONS, None)
