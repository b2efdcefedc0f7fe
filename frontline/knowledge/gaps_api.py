"""The knowledge gaps report: GET /api/v1/knowledge/gaps (whoever sees all tickets)."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from frontline.accounts.api_auth import staff_actor
from frontline.accounts.permissions import can_see_knowledge_gaps
from frontline.core.api_support import responses
from frontline.core.errors import FrontlineError, PermissionDenied
from frontline.knowledge.gaps import PERIODS, GapsReport, knowledge_gaps

router = Router(tags=["knowledge"])


class SearchGapOut(Schema):
    query: str
    count: int
    last_seen: datetime
    by_scope: dict[str, int]


class UnhelpfulArticleOut(Schema):
    article_id: int
    translation_id: int
    language: str
    title: str
    unhelpful: int
    helpful: int
    comments: list[str]


class DeflectionFiguresOut(Schema):
    read: int
    answered: int
    not_answered: int
    submitted: int
    deflected: int
    rate: float | None


class KnowledgeGapsOut(Schema):
    days: int
    searches: list[SearchGapOut]
    unhelpful: list[UnhelpfulArticleOut]
    deflection: DeflectionFiguresOut


def _out(report: GapsReport) -> KnowledgeGapsOut:
    figures = report.deflection
    return KnowledgeGapsOut(
        days=report.days,
        searches=[
            SearchGapOut(query=g.query, count=g.count, last_seen=g.last_seen, by_scope=g.by_scope)
            for g in report.searches
        ],
        unhelpful=[
            UnhelpfulArticleOut(
                article_id=a.translation.article_id,
                translation_id=a.translation.pk,
                language=a.translation.language,
                title=a.translation.title,
                unhelpful=a.unhelpful,
                helpful=a.helpful,
                comments=a.comments,
            )
            for a in report.unhelpful
        ],
        deflection=DeflectionFiguresOut(
            read=figures.read,
            answered=figures.answered,
            not_answered=figures.not_answered,
            submitted=figures.submitted,
            deflected=figures.deflected,
            rate=figures.rate,
        ),
    )


@router.get(
    "/gaps",
    response=responses({200: KnowledgeGapsOut}),
    summary="Knowledge gaps: failed searches, unhelpful articles, deflection",
)
def gaps(request: HttpRequest, days: int = 30) -> KnowledgeGapsOut:
    """Over the last ``days`` (7, 30 or 90): searches that found nothing, grouped by their
    normalised text; articles voted unhelpful; and deflection figures."""
    actor = staff_actor(request)
    if actor.user is None or not can_see_knowledge_gaps(actor.user):
        raise PermissionDenied("The knowledge gaps report is for the head of support.")
    if days not in PERIODS:
        raise FrontlineError("days is 7, 30 or 90.", field="days")
    return _out(knowledge_gaps(days=days))
