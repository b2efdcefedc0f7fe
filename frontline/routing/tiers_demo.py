"""Tiers and swarming in the demo (after the people and tickets exist): the tier path
Tier 1 General → Tier 2 Technical → Tier 3 Engineering, VIP Accounts working
collaboratively, a few tickets escalated (one back down again), and one running swarm with
its members and notes.

Only ``mode`` and ``escalates_to`` are set on the teams' routing rows (``update_or_create``):
the routing engine's demo sets the strategies on the same rows.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.db.models import QuerySet

from frontline.accounts.models import Role, Team, User
from frontline.core.actors import Actor
from frontline.core.demo_clock import DemoClock, demo_clock
from frontline.routing import escalation, swarms
from frontline.routing.models import Swarm, TeamMode, TeamRouting, TicketEscalation
from frontline.tickets import services as ticket_services
from frontline.tickets.mentions import handle_for
from frontline.tickets.models import UNSOLVED_STATUSES, Ticket

PATH = ("tier-1", "tier-2", "tier-3")
# The escalations and the swarm happen in the quarter hour before the demo's "now", on
# tickets nobody touched in it.
STORY_LENGTH = timedelta(minutes=15)
STEP = timedelta(seconds=20)
COLLABORATIVE = "vip"
WORKERS = (Role.ASSOCIATE, Role.ENGINEER)
# Where the swarm's helpers come from when suggestions find fewer than two.
HELPERS = ("billing", "tier-2")
REASONS_UP = (
    "Terminal keeps rebooting after the firmware update; the usual reset did not help.",
    "The payout file is rejected by the bank with an unknown code.",
    "API webhook signatures fail for this merchant only.",
    "Card reader pairs but every contactless payment times out.",
)
REASON_T3 = "Reproduced on a test terminal: looks like a firmware bug, needs engineering."
REASON_DOWN = "Engineering shipped a fix; Tier 1 can confirm with the merchant."
QUESTION = "The merchant sees a refund twice in their report. Has anyone seen this before?"


def load_demo(*, now: datetime) -> None:
    slugs = (*PATH, COLLABORATIVE, *HELPERS)
    teams = {t.slug: t for t in Team.objects.filter(slug__in=slugs)}
    _set_paths(teams)
    if TicketEscalation.objects.exists():
        return  # already loaded: the history is not written twice
    quiet_since = now - STORY_LENGTH
    with _demo_clock(quiet_since):
        _escalate_some(teams, quiet_since=quiet_since)
        _start_a_swarm(teams, quiet_since=quiet_since)


_clock: DemoClock | None = None


@contextmanager
def _demo_clock(start: datetime) -> Iterator[None]:
    global _clock
    with demo_clock(start, step=STEP) as clock:
        _clock = clock
        try:
            yield
        finally:
            _clock = None


def _tick() -> None:
    if _clock is not None:
        _clock.tick()


def _set_paths(teams: dict[str, Team]) -> None:
    for slug, next_slug in zip(PATH, (*PATH[1:], None), strict=True):
        if slug in teams:
            TeamRouting.objects.update_or_create(
                team=teams[slug],
                defaults={"mode": TeamMode.TIERED, "escalates_to": teams.get(next_slug or "")},
            )
    if COLLABORATIVE in teams:
        TeamRouting.objects.update_or_create(
            team=teams[COLLABORATIVE], defaults={"mode": TeamMode.COLLABORATIVE}
        )


def _escalate_some(teams: dict[str, Team], *, quiet_since: datetime) -> None:
    tier1, tier2 = teams.get("tier-1"), teams.get("tier-2")
    if tier1 is None or tier2 is None:
        return
    tickets = list(_open_tickets(tier1, quiet_since=quiet_since)[: len(REASONS_UP)])
    for n, (ticket, reason) in enumerate(zip(tickets, REASONS_UP, strict=False)):
        owner = _held_by_member(ticket, tier1)
        if owner is None:
            continue
        _tick()
        moved = escalation.escalate(ticket, reason=reason, actor=Actor.for_user(owner)).ticket
        if n < 2:
            _escalate_again(moved, tier2, last=n == 0)
        else:
            _held_by_member(moved, tier2)  # what the routing engine would have done


def _escalate_again(ticket: Ticket, tier2: Team, *, last: bool) -> None:
    specialist = _held_by_member(ticket, tier2)
    if specialist is None:
        return
    _tick()
    moved = escalation.escalate(ticket, reason=REASON_T3, actor=Actor.for_user(specialist)).ticket
    engineer = _held_by_member(moved, moved.team) if moved.team else None
    if last and engineer is not None:
        _tick()
        escalation.de_escalate(moved, reason=REASON_DOWN, actor=Actor.for_user(engineer))


def _start_a_swarm(teams: dict[str, Team], *, quiet_since: datetime) -> None:
    team = teams.get(COLLABORATIVE) or teams.get("tier-2")
    if team is None or Swarm.objects.exists():
        return
    ticket = _open_tickets(team, quiet_since=quiet_since).first()
    owner = _held_by_member(ticket, team) if ticket else None
    if ticket is None or owner is None:
        return
    helpers = [s.user for s in swarms.suggest_collaborators(ticket)][:2]
    for slug in HELPERS:
        if slug in teams:
            helpers += _members(teams[slug])[:2]
    helpers = list({u.pk: u for u in helpers if u.pk != owner.pk}.values())[:2]
    if not helpers:
        return
    _tick()
    swarms.start_swarm(ticket, question=QUESTION, invite=helpers, actor=Actor.for_user(owner))
    _tick()
    ticket_services.add_note(
        ticket,
        body=f"@{handle_for(owner)} yes: the report counts a refund once per retry. "
        "Check the refund ids; if they match, it is one refund shown twice.",
        actor=Actor.for_user(helpers[0]),
    )


def _open_tickets(team: Team, *, quiet_since: datetime) -> QuerySet[Ticket]:
    """Unsolved tickets of ``team`` untouched since ``quiet_since``, so what the demo adds
    comes after everything already on them."""
    return Ticket.objects.filter(
        team=team,
        status__in=UNSOLVED_STATUSES,
        merged_into__isnull=True,
        updated_at__lt=quiet_since,
    ).order_by("number")


def _held_by_member(ticket: Ticket | None, team: Team) -> User | None:
    """The ticket's assignee if they are in ``team``, else it is given to the first member."""
    if ticket is None:
        return None
    members = _members(team)
    if ticket.assignee_id in {m.pk for m in members}:
        return next(m for m in members if m.pk == ticket.assignee_id)
    if not members:
        return None
    _tick()
    ticket_services.assign_ticket(ticket, assignee=members[0], actor=Actor.for_user(members[0]))
    return members[0]


def _members(team: Team) -> list[User]:
    """The team's front-line people (associates and engineers, then anyone who works
    tickets there), in a stable order."""
    people = User.objects.filter(memberships__team=team, is_active=True).order_by("pk")
    workers = [u for u in people if u.role in WORKERS]
    return workers or [u for u in people if u.role == Role.ACCOUNT_MANAGER]
