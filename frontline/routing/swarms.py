"""Swarming: the ticket's owner keeps it and asks colleagues in to help.

Starting a swarm or inviting to one makes each invitee a collaborator on the ticket (so
they may open it, add notes and @mention others) and notifies them. The swarm is written
on the ticket as internal notes — who started it, on what question, whom they asked, how
it ended — and ends when its owner closes it, when the ticket is solved or closed
(``tiers_handlers``), or when the ticket moves to another tier. Collaborators stay on the
ticket after the swarm: they keep the history of what they wrote; the "Swarming" page
lists active swarms only.
"""

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from frontline.accounts.models import AgentSkill, NotificationKind, User
from frontline.accounts.permissions import can_manage_routing, can_write_tickets
from frontline.accounts.services import notify
from frontline.core.actors import Actor
from frontline.core.errors import (
    Conflict,
    InvalidAssignee,
    InvalidTransition,
    PermissionDenied,
    ValidationFailed,
)
from frontline.routing.models import Swarm, SwarmMember
from frontline.tickets import services as ticket_services
from frontline.tickets.models import Status, Ticket
from frontline.tickets.queries import ensure_can_work

MAX_MEMBERS = 12
MAX_TEXT = 2000
_FINISHED = (Status.SOLVED, Status.CLOSED)


def active_swarm(ticket: Ticket) -> Swarm | None:
    """The ticket's running swarm with its members (and their users) read alongside."""
    rows = Swarm.objects.filter(ticket_id=ticket.pk, ended_at__isnull=True).select_related("owner")
    return rows.prefetch_related("members__user").first()


def may_lead(user: User | None, ticket: Ticket) -> bool:
    """The ticket's owner (its assignee) leads its swarm; supervisors may step in."""
    if user is None or not can_write_tickets(user):
        return False
    return ticket.assignee_id == user.pk or can_manage_routing(user)


@transaction.atomic
def start_swarm(
    ticket: Ticket,
    *,
    question: str,
    invite: Sequence[User],
    actor: Actor,
    reasons: dict[int, str] | None = None,
) -> Swarm:
    """Open a swarm on the ticket led by its assignee, inviting ``invite``."""
    ticket = _locked(ticket)
    _ensure_leads(actor, ticket)
    owner = ticket.assignee
    if owner is None:
        raise InvalidTransition(
            "Assign the ticket first: a swarm needs an owner who keeps the ticket.",
            field="assignee_id",
        )
    question = _text(question, field="question", empty="Say what the swarm should help with.")
    invitees = _invitees(invite, exclude={owner.pk}, field="invite")
    if not invitees:
        raise ValidationFailed("Invite at least one colleague.", field="invite")
    now = timezone.now()
    try:
        with transaction.atomic():
            swarm = Swarm.objects.create(
                ticket=ticket, owner=owner, question=question, started_at=now
            )
    except IntegrityError:
        raise Conflict(
            f"A swarm is already running on #{ticket.number}; invite more people to it.",
            field="question",
        ) from None
    SwarmMember.objects.create(
        swarm=swarm, user=owner, is_owner=True, invited_at=now, acknowledged_at=now
    )
    _add_members(ticket, swarm, invitees, actor=actor, reasons=reasons or {})
    names = ", ".join(str(u) for u in invitees)
    ticket_services.add_note(
        ticket, body=f"{actor.user} started a swarm: {question}\nInvited {names}.", actor=actor
    )
    return swarm


@transaction.atomic
def invite_to_swarm(
    ticket: Ticket,
    *,
    users: Sequence[User],
    actor: Actor,
    reasons: dict[int, str] | None = None,
) -> list[SwarmMember]:
    """Add colleagues to the ticket's running swarm; those already in it are skipped."""
    ticket = _locked(ticket)
    _ensure_leads(actor, ticket)
    swarm = _running(ticket)
    present = set(swarm.members.values_list("user_id", flat=True))
    invitees = _invitees(users, exclude=present, field="user_ids")
    if len(present) + len(invitees) > MAX_MEMBERS:
        raise ValidationFailed(
            f"A swarm takes at most {MAX_MEMBERS} people, its owner included.", field="user_ids"
        )
    if not invitees:
        return []
    members = _add_members(ticket, swarm, invitees, actor=actor, reasons=reasons or {})
    names = ", ".join(str(u) for u in invitees)
    ticket_services.add_note(
        ticket, body=f"{actor.user} invited {names} to the swarm.", actor=actor
    )
    return members


@transaction.atomic
def end_swarm(ticket: Ticket, *, outcome: str, actor: Actor) -> Swarm:
    """Close the running swarm with what came of it."""
    ticket = _locked(ticket)
    _ensure_leads(actor, ticket)
    swarm = _running(ticket)
    outcome = _text(outcome, field="outcome", empty="Say what came of the swarm.")
    _close(swarm, outcome=outcome, ended_by=actor.user)
    ticket_services.add_note(ticket, body=f"{actor.user} ended the swarm: {outcome}", actor=actor)
    return swarm


def end_active_swarm(ticket: Ticket, *, outcome: str, actor: Actor) -> Swarm | None:
    """End the ticket's swarm, if one runs, because the ticket itself moved on (solved,
    closed, escalated): no owner check, since whoever moved the ticket may not lead it."""
    swarm = Swarm.objects.select_for_update().filter(ticket_id=ticket.pk, ended_at=None).first()
    if swarm is None:
        return None
    _close(swarm, outcome=outcome, ended_by=actor.user)
    ticket_services.add_note(ticket, body=f"The swarm ended: {outcome}", actor=actor)
    return swarm


def acknowledge_swarm(ticket: Ticket, *, actor: Actor) -> bool:
    """The invitee opened the swarm: mark their invitation seen. True if it was unseen."""
    user = actor.user
    if user is None:
        return False
    seen = SwarmMember.objects.filter(
        swarm__ticket_id=ticket.pk, user_id=user.pk, active=True, acknowledged_at=None
    ).update(acknowledged_at=timezone.now())
    return seen > 0


def _close(swarm: Swarm, *, outcome: str, ended_by: User | None) -> None:
    swarm.ended_at = timezone.now()
    swarm.ended_by = ended_by
    swarm.outcome = outcome
    swarm.save(update_fields=["ended_at", "ended_by", "outcome"])
    SwarmMember.objects.filter(swarm=swarm).update(active=False)


def _add_members(
    ticket: Ticket,
    swarm: Swarm,
    users: list[User],
    *,
    actor: Actor,
    reasons: dict[int, str],
) -> list[SwarmMember]:
    now = timezone.now()
    members = SwarmMember.objects.bulk_create(
        SwarmMember(
            swarm=swarm,
            user=user,
            invited_by=actor.user,
            invited_at=now,
            reason=reasons.get(user.pk, "")[:200],
        )
        for user in users
    )
    url = reverse("routing:swarm-open", args=[ticket.number])
    for user in users:
        ticket_services.add_collaborator(ticket, user=user, actor=actor)
        notify(
            user,
            kind=NotificationKind.SWARM_INVITE,
            title=f"{actor.user} asked you to swarm on #{ticket.number}",
            excerpt=swarm.question[:200],
            url=url,
            actor=actor.user,
        )
    return members


def _invitees(users: Sequence[User], *, exclude: set[int], field: str) -> list[User]:
    chosen: dict[int, User] = {}
    for user in users:
        if not can_write_tickets(user):
            raise InvalidAssignee(f"{user} cannot work tickets, so cannot swarm.", field=field)
        if user.pk not in exclude:
            chosen.setdefault(user.pk, user)
    if len(chosen) + 1 > MAX_MEMBERS:
        raise ValidationFailed(
            f"A swarm takes at most {MAX_MEMBERS} people, its owner included.", field=field
        )
    return list(chosen.values())


def _ensure_leads(actor: Actor, ticket: Ticket) -> None:
    ensure_can_work(actor, ticket)
    if not may_lead(actor.user, ticket):
        raise PermissionDenied(
            "Only the ticket's owner (its assignee) or a supervisor may lead its swarm."
        )
    if ticket.status in _FINISHED:
        raise InvalidTransition(
            f"#{ticket.number} is {ticket.get_status_display().lower()}: nothing to swarm on.",
            field="status",
        )


def _running(ticket: Ticket) -> Swarm:
    swarm = Swarm.objects.select_for_update().filter(ticket_id=ticket.pk, ended_at=None).first()
    if swarm is None:
        raise InvalidTransition(f"No swarm is running on #{ticket.number}.", field="swarm")
    return swarm


def _text(value: str, *, field: str, empty: str) -> str:
    value = value.strip()
    if not value:
        raise ValidationFailed(empty, field=field)
    if len(value) > MAX_TEXT:
        raise ValidationFailed(f"Keep it under {MAX_TEXT} characters.", field=field)
    return value


def _locked(ticket: Ticket) -> Ticket:
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("team", "assignee")
        .get(pk=ticket.pk)
    )


# --- Suggested collaborators -------------------------------------------------------------

SIMILAR_DAYS = 90
SIMILAR_SCAN = 500
SUGGESTIONS = 8
_STOPWORDS = frozenset(
    {
        "about",
        "after",
        "again",
        "cannot",
        "could",
        "does",
        "doesn",
        "from",
        "have",
        "help",
        "issue",
        "need",
        "please",
        "problem",
        "still",
        "their",
        "there",
        "these",
        "they",
        "this",
        "ticket",
        "using",
        "when",
        "where",
        "which",
        "while",
        "with",
        "would",
        "your",
    }
)


@dataclass(frozen=True)
class Suggestion:
    """A colleague worth asking, and why: ``["billing 5/5", "solved 4 similar tickets"]``."""

    user: User
    reasons: tuple[str, ...]
    score: int


def suggest_collaborators(ticket: Ticket, *, limit: int = SUGGESTIONS) -> list[Suggestion]:
    """Colleagues with skills matching the ticket's category and tags, and those who solved
    similar tickets (same category, organisation or subject words) in the last 90 days.
    The owner and people already in the running swarm are left out. Four bounded queries."""
    exclude = {ticket.assignee_id} | set(
        SwarmMember.objects.filter(swarm__ticket_id=ticket.pk, active=True).values_list(
            "user_id", flat=True
        )
    )
    found: dict[int, tuple[User, list[str], int]] = {}
    for user, reason, score in (*_by_skill(ticket), *_by_similar_solved(ticket)):
        if user.pk in exclude or not can_write_tickets(user):
            continue
        _, reasons, total = found.get(user.pk, (user, [], 0))
        found[user.pk] = (user, [*reasons, reason], total + score)
    ranked = sorted(found.values(), key=lambda item: (-item[2], str(item[0])))
    return [Suggestion(user=u, reasons=tuple(r), score=s) for u, r, s in ranked[:limit]]


def ticket_skill_slugs(ticket: Ticket) -> list[str]:
    """The skills a ticket asks for: its category's slug and its tags (a tag ``billing``
    or ``skill:billing`` names the skill ``billing``)."""
    slugs = [t.removeprefix("skill:") for t in ticket.tags.values_list("name", flat=True)]
    if ticket.category is not None:
        slugs.insert(0, ticket.category.slug)
    return list(dict.fromkeys(slugs))


def _by_skill(ticket: Ticket) -> list[tuple[User, str, int]]:
    slugs = ticket_skill_slugs(ticket)
    if not slugs:
        return []
    rows = (
        AgentSkill.objects.filter(skill__slug__in=slugs, user__is_active=True)
        .select_related("user", "skill")
        .order_by("-proficiency", "user_id")[:50]
    )
    return [(r.user, f"{r.skill.name.lower()} {r.proficiency}/5", 2 * r.proficiency) for r in rows]


def _by_similar_solved(ticket: Ticket) -> list[tuple[User, str, int]]:
    similar = _similar_condition(ticket)
    if similar is None:
        return []
    since = timezone.now() - timedelta(days=SIMILAR_DAYS)
    # The (status, updated_at) index bounds the walk; the scan stops after SIMILAR_SCAN rows.
    solvers = list(
        Ticket.objects.filter(
            similar,
            status__in=_FINISHED,
            updated_at__gte=since,
            assignee__isnull=False,
            merged_into__isnull=True,
        )
        .exclude(pk=ticket.pk)
        .order_by("-updated_at")
        .values_list("assignee_id", flat=True)[:SIMILAR_SCAN]
    )
    counts = Counter(solvers).most_common(SUGGESTIONS)
    users = User.objects.in_bulk([user_id for user_id, _ in counts])
    return [
        (users[user_id], f"solved {n} similar ticket{'s' if n != 1 else ''}", n)
        for user_id, n in counts
        if user_id in users
    ]


def _similar_condition(ticket: Ticket) -> Q | None:
    condition = Q()
    if ticket.category_id is not None:
        condition |= Q(category_id=ticket.category_id)
    if ticket.organisation_id is not None:
        condition |= Q(organisation_id=ticket.organisation_id)
    for word in subject_words(ticket.subject):
        condition |= Q(subject__icontains=word)
    return condition if condition else None


def subject_words(subject: str, *, count: int = 3) -> list[str]:
    """The longest few words of a subject that say what it is about."""
    words = {w for w in re.findall(r"[^\W\d_]{5,}", subject.lower()) if w not in _STOPWORDS}
    return sorted(words, key=lambda w: (-len(w), w))[:count]
