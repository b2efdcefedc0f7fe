"""The routing engine: choose an agent for waiting tickets and claim them safely.

One pass (``route_team``) takes a team's waiting tickets in queue order, locks the
presence rows of the team's members (in id order, so passes never deadlock), reads their
load under that lock, then chooses and claims ticket after ticket in memory, keeping the
loads current. A claim is a conditional update (``assignee IS NULL``), so a ticket is never
assigned twice, and the presence lock serialises every pass that could give one agent
work, so nobody exceeds their capacity. Assignments are recorded as ``assigned`` events
(with a system actor: audit, notifications and live updates as for a person's change)
and a ``RoutingDecision`` each, written in bulk.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone

from frontline.accounts.models import AgentSkill, Team, TeamMembership, User
from frontline.core.actors import Actor
from frontline.routing.models import (
    AgentCapacity,
    AgentPresence,
    ChannelCapacity,
    PresenceStatus,
    QueueOrder,
    RequirementKind,
    RoutingDecision,
    SkillRequirement,
    Strategy,
    TeamRouting,
)
from frontline.routing.models.capacity import default_capacity
from frontline.tickets import events
from frontline.tickets.events import NewEvent
from frontline.tickets.models import EventType, Status, Ticket, TicketEvent
from frontline.triage.models import MessageSignal

# Only these count toward an agent's load: pending and on-hold tickets wait on others.
WORKABLE = (Status.NEW, Status.OPEN)
BATCH = 500
# Passes that re-try the queue record a ticket that still waits only when a step relaxed.
QUIET_TRIGGERS = frozenset({"sweep", "offer"})


@dataclass(frozen=True)
class Need:
    skill_id: int
    skill: str
    min_proficiency: int


@dataclass
class AgentState:
    user_id: int
    name: str
    user: User
    online: bool
    idle_since: datetime | None
    skills: dict[int, int] = field(default_factory=dict)
    caps: dict[str, int] = field(default_factory=dict)
    load: dict[str, int] = field(default_factory=dict)

    def capacity(self, channel: str) -> int:
        return self.caps.get(channel, default_capacity(channel))

    def has_room(self, channel: str) -> bool:
        return self.load.get(channel, 0) < self.capacity(channel)

    def score(self, weights: dict[str, Decimal]) -> float:
        return float(sum(weights.get(ch, Decimal(1)) * n for ch, n in self.load.items()))

    def idle_seconds(self, now: datetime) -> float:
        return (now - self.idle_since).total_seconds() if self.idle_since else float("inf")


@dataclass
class TeamState:
    team: Team
    settings: TeamRouting
    agents: list[AgentState]
    weights: dict[str, Decimal]
    requirements: dict[tuple[str, Any], list[Need]]


@dataclass
class Choice:
    agent: AgentState | None
    candidates: list[dict[str, Any]]
    reason: str
    relaxations: list[str]


def default_settings(team: Team) -> TeamRouting:
    return TeamRouting(team=team, strategy=Strategy.MANUAL)


def load_team(team: Team, *, now: datetime, lock: bool) -> TeamState:
    """The team's settings and each member's presence, skills, limits and load; with
    ``lock``, the members' presence rows are locked first (call inside a transaction)."""
    settings = TeamRouting.objects.filter(team=team).first() or default_settings(team)
    member_ids = list(
        TeamMembership.objects.filter(team=team, user__is_active=True)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    presences = AgentPresence.objects.filter(user_id__in=member_ids).order_by("user_id")
    if lock:
        presences = presences.select_for_update()
    rows = {p.user_id: p for p in presences}
    users = {u.pk: u for u in User.objects.filter(pk__in=member_ids)}
    agents = [
        AgentState(
            user_id=uid,
            name=users[uid].name or users[uid].email,
            user=users[uid],
            online=uid in rows and _is_online(rows[uid], now),
            idle_since=rows[uid].last_assigned_at if uid in rows else None,
        )
        for uid in member_ids
    ]
    _fill(agents, team)
    weights = {
        row.channel: row.weight
        for row in ChannelCapacity.objects.filter(Q(team=team) | Q(team__isnull=True)).order_by(
            F("team_id").asc(nulls_first=True)
        )
    }
    return TeamState(team, settings, agents, weights, _requirements())


def _is_online(presence: AgentPresence, now: datetime) -> bool:
    if presence.status != PresenceStatus.ONLINE:
        return False
    if presence.shift_calendar_id is None:
        return True
    from frontline.sla.schedules import compile_calendar

    assert presence.shift_calendar is not None  # noqa: S101 - id checked above
    return compile_calendar(presence.shift_calendar).is_open(now)


def _fill(agents: list[AgentState], team: Team) -> None:
    by_id = {a.user_id: a for a in agents}
    ids = list(by_id)
    for row in AgentSkill.objects.filter(user_id__in=ids).values(
        "user_id", "skill_id", "proficiency"
    ):
        by_id[row["user_id"]].skills[row["skill_id"]] = row["proficiency"]
    defaults = dict(
        ChannelCapacity.objects.filter(Q(team=team) | Q(team__isnull=True))
        .order_by(F("team_id").asc(nulls_first=True))
        .values_list("channel", "max_concurrent")
    )
    for agent in agents:
        agent.caps.update(defaults)
    for uid, channel, cap in AgentCapacity.objects.filter(user_id__in=ids).values_list(
        "user_id", "channel", "max_concurrent"
    ):
        by_id[uid].caps[channel] = cap
    loads = (
        Ticket.objects.filter(assignee_id__in=ids, status__in=WORKABLE)
        .values("assignee_id", "channel")
        .annotate(n=Count("id"))
    )
    for load in loads:
        by_id[load["assignee_id"]].load[load["channel"]] = load["n"]


def _requirements() -> dict[tuple[str, Any], list[Need]]:
    found: dict[tuple[str, Any], list[Need]] = {}
    rows = SkillRequirement.objects.select_related("skill").order_by("id")
    for row in rows:
        key = (row.kind, row.category_id if row.kind == RequirementKind.CATEGORY else row.value)
        found.setdefault(key, []).append(Need(row.skill_id, row.skill.name, row.min_proficiency))
    return found


def needs_of(ticket: Ticket, state: TeamState, *, language: str | None) -> list[Need]:
    needs: list[Need] = []
    if ticket.category_id is not None:
        needs += state.requirements.get((RequirementKind.CATEGORY, ticket.category_id), [])
    if language:
        needs += state.requirements.get((RequirementKind.LANGUAGE, language), [])
    tier = getattr(ticket.organisation, "tier", None) if ticket.organisation_id else None
    if tier:
        needs += state.requirements.get((RequirementKind.TIER, tier), [])
    return needs


def choose(
    ticket: Ticket,
    state: TeamState,
    *,
    now: datetime,
    relax: int = 0,
    language: str | None = None,
) -> Choice:
    """Pick an agent for the ticket from the team's state, with every candidate's reason."""
    strategy = state.settings.strategy
    needs = needs_of(ticket, state, language=language) if strategy == Strategy.SKILLS else []
    relaxations = ["proficiency lowered to 1"] if relax >= 1 and needs else []
    minimum = {n.skill_id: (1 if relax >= 1 else n.min_proficiency) for n in needs}
    candidates: list[dict[str, Any]] = []
    fit: list[tuple[tuple[float, ...], AgentState]] = []
    for agent in state.agents:
        entry = _entry(agent, ticket.channel, needs, state.weights, now)
        entry["skipped"] = _skip(agent, ticket.channel, minimum)
        candidates.append(entry)
        if entry["skipped"] is None:
            fit.append((_rank(agent, strategy, needs, state, now, entry), agent))
    if strategy == Strategy.MANUAL:
        return Choice(None, [], "Manual routing: the ticket waits in the queue.", [])
    if not fit:
        return Choice(None, candidates, "Nobody available with free capacity fits.", relaxations)
    fit.sort(key=lambda pair: pair[0])
    agent = fit[0][1]
    entry = next(c for c in candidates if c["agent_id"] == agent.user_id)
    return Choice(agent, candidates, _why(agent, entry, needs, strategy), relaxations)


def _entry(
    agent: AgentState,
    channel: str,
    needs: Sequence[Need],
    weights: dict[str, Decimal],
    now: datetime,
) -> dict[str, Any]:
    idle = agent.idle_seconds(now)
    return {
        "agent_id": agent.user_id,
        "name": agent.name,
        "load": agent.load.get(channel, 0),
        "capacity": agent.capacity(channel),
        "load_score": agent.score(weights),
        "proficiency": {n.skill: agent.skills.get(n.skill_id, 0) for n in needs},
        "idle_s": None if idle == float("inf") else int(idle),
        "score": 0.0,
    }


def _skip(agent: AgentState, channel: str, minimum: dict[int, int]) -> str | None:
    if not agent.online:
        return "not online"
    if not agent.has_room(channel):
        return "at capacity"
    for skill_id, level in minimum.items():
        if agent.skills.get(skill_id, 0) < level:
            return "missing skill" if skill_id not in agent.skills else "proficiency too low"
    return None


def _rank(
    agent: AgentState,
    strategy: str,
    needs: Sequence[Need],
    state: TeamState,
    now: datetime,
    entry: dict[str, Any],
) -> tuple[float, ...]:
    load = agent.score(state.weights)
    idle = -min(agent.idle_seconds(now), 10**9)
    if strategy == Strategy.ROUND_ROBIN:
        last = state.settings.round_robin_last or 0
        # The next id after the last one given a ticket, wrapping round.
        order = agent.user_id - last if agent.user_id > last else agent.user_id + 10**12
        entry["score"] = float(-order)
        return (float(order),)
    if strategy == Strategy.SKILLS:
        match = sum(agent.skills.get(n.skill_id, 0) for n in needs)
        entry["score"] = float(match * 1000 - load)
        return (-float(match), load, idle)
    entry["score"] = -load
    return (load, idle)


def _why(agent: AgentState, entry: dict[str, Any], needs: Sequence[Need], strategy: str) -> str:
    parts = [f"skill {n.skill} {agent.skills.get(n.skill_id, 0)}/5" for n in needs]
    parts.append(f"{entry['load']} of {entry['capacity']} open")
    if entry["idle_s"] is not None:
        parts.append(f"idle {entry['idle_s'] // 60} min")
    if strategy == Strategy.ROUND_ROBIN:
        parts.insert(0, "next in turn")
    return f"Routed to {agent.name}: " + ", ".join(parts)


@dataclass
class PassResult:
    assigned: int = 0
    waiting: int = 0
    fallbacks: list[int] = field(default_factory=list)


def waiting_tickets(
    team: Team, settings: TeamRouting, *, limit: int, only: Sequence[int] | None = None
) -> list[Ticket]:
    queue = Ticket.objects.filter(
        team=team, assignee__isnull=True, status__in=WORKABLE, merged_into__isnull=True
    ).select_related("organisation")
    if only is not None:
        queue = queue.filter(pk__in=only)
    if settings.queue_order == QueueOrder.SLA_SOONEST:
        from frontline.sla.contributions import DUE_TIME

        never = timezone.now() + timedelta(days=36500)
        queue = DUE_TIME.annotate(queue, name="routing_due", never=never)
        queue = queue.order_by("routing_due", "created_at", "id")  # type: ignore[misc]
    else:
        queue = queue.order_by("created_at", "id")
    # The tickets stay locked until the pass commits; on PostgreSQL a concurrent pass skips
    # them rather than waiting (SQLite runs one writer at a time anyway).
    return list(queue.select_for_update(skip_locked=True, of=("self",))[:limit])


@transaction.atomic
def route_team(
    team: Team,
    *,
    now: datetime | None = None,
    only: Sequence[int] | None = None,
    trigger: str = "new",
    limit: int = BATCH,
) -> PassResult:
    """Route the team's waiting tickets (or just ``only``) in queue order."""
    now = now or timezone.now()
    state = load_team(team, now=now, lock=True)
    result = PassResult()
    if state.settings.strategy == Strategy.MANUAL:
        return result
    tickets = waiting_tickets(team, state.settings, limit=limit, only=only)
    languages = _languages([t.pk for t in tickets])
    entered = _entered_team([t.pk for t in tickets])
    moved_before = (
        _fallen_back([t.pk for t in tickets]) if state.settings.fallback_team_id else set()
    )
    assigned: list[tuple[Ticket, AgentState, Choice]] = []
    decisions: list[RoutingDecision] = []
    for ticket in tickets:
        relax = _relax_level(entered.get(ticket.pk, ticket.created_at), state.settings, now)
        trigger_here = trigger
        choice = choose(
            ticket, state, now=now, relax=min(relax, 1), language=languages.get(ticket.pk)
        )
        fallback = state.settings.fallback_team_id and ticket.pk not in moved_before
        if choice.agent is None and relax >= 2 and fallback:
            choice.relaxations.append(f"moved to the fallback team {state.settings.fallback_team}")
            choice.reason = "Nobody fitted within the wait: moved to the fallback team."
            result.fallbacks.append(ticket.pk)
            trigger_here = "fallback"
        elif choice.agent is not None:
            assigned.append((ticket, choice.agent, choice))
            choice.agent.load[ticket.channel] = choice.agent.load.get(ticket.channel, 0) + 1
            choice.agent.idle_since = now
            state.settings.round_robin_last = choice.agent.user_id
        else:
            result.waiting += 1
            if trigger in QUIET_TRIGGERS and not choice.relaxations:
                continue  # still waiting as before: the first attempt said why
        decisions.append(
            _decision(ticket, team, state.settings.strategy, choice, trigger_here, now)
        )
    assigned = _claim(assigned, now)
    kept = {t.pk for t, _, _ in assigned}
    RoutingDecision.objects.bulk_create(
        d for d in decisions if d.assignee_id is None or d.ticket_id in kept
    )
    _record(assigned, now)
    if assigned and state.settings.strategy == Strategy.ROUND_ROBIN and state.settings.pk:
        TeamRouting.objects.filter(pk=state.settings.pk).update(
            round_robin_last=state.settings.round_robin_last
        )
    result.assigned = len(assigned)
    _move_to_fallback(result.fallbacks, state.settings)
    return result


def route_ticket(ticket_id: int, *, trigger: str = "new", now: datetime | None = None) -> bool:
    """Route one ticket if it still waits; True when it was assigned."""
    ticket = Ticket.objects.filter(pk=ticket_id).select_related("team").first()
    if ticket is None or ticket.team is None or ticket.assignee_id is not None:
        return False
    return route_team(ticket.team, now=now, only=[ticket_id], trigger=trigger).assigned == 1


def offer_to_agent(user_id: int, *, now: datetime | None = None) -> int:
    """The agent came online or freed capacity: route the waiting work of their teams."""
    teams = Team.objects.filter(memberships__user_id=user_id, routing__isnull=False).exclude(
        routing__strategy=Strategy.MANUAL
    )
    return sum(route_team(team, now=now, trigger="offer").assigned for team in teams)


def sweep(*, now: datetime | None = None) -> int:
    """The safety net: every routed team's queue, relaxing steps as tickets wait."""
    teams = Team.objects.filter(routing__isnull=False).exclude(routing__strategy=Strategy.MANUAL)
    return sum(route_team(team, now=now, trigger="sweep").assigned for team in teams)


def _relax_level(waiting_since: datetime, settings: TeamRouting, now: datetime) -> int:
    wait = max(settings.relax_after_seconds, 1)
    return int((now - waiting_since).total_seconds() // wait)


def _entered_team(ticket_ids: list[int]) -> dict[int, datetime]:
    """When each ticket last moved team (an escalation, a fallback, a person's change): it
    waits in its team from then, not from when it was opened."""
    if not ticket_ids:
        return {}
    rows = (
        TicketEvent.objects.filter(ticket_id__in=ticket_ids, type=EventType.TEAM_CHANGED)
        .values("ticket_id")
        .annotate(at=Max("created_at"))
        .values_list("ticket_id", "at")
    )
    return dict(rows)


def _fallen_back(ticket_ids: list[int]) -> set[int]:
    """Tickets already sent to a fallback team once: they wait rather than bounce back."""
    rows = RoutingDecision.objects.filter(ticket_id__in=ticket_ids, trigger="fallback")
    return set(rows.values_list("ticket_id", flat=True))


def _languages(ticket_ids: list[int]) -> dict[int, str]:
    """The language triage detected on each ticket's first customer message."""
    if not ticket_ids:
        return {}
    rows = (
        MessageSignal.objects.filter(ticket_id__in=ticket_ids)
        .exclude(language="")
        .order_by("-created_at", "-id")
        .values_list("ticket_id", "language")
    )
    # Newest first, so each ticket ends on its oldest reading: the first message's.
    return dict(rows)


def _claim(
    assigned: list[tuple[Ticket, AgentState, Choice]], now: datetime
) -> list[tuple[Ticket, AgentState, Choice]]:
    """Write the assignments, one conditional update per agent: only tickets still
    unassigned in their team are claimed (they are locked, so all are, but the condition
    keeps a ticket from ever being assigned twice whatever else runs)."""
    by_agent: dict[int, list[Ticket]] = {}
    for ticket, agent, _ in assigned:
        by_agent.setdefault(agent.user_id, []).append(ticket)
    lost: set[int] = set()
    for user_id, tickets in by_agent.items():
        ids = [t.pk for t in tickets]
        rows = Ticket.objects.filter(pk__in=ids, assignee__isnull=True, status__in=WORKABLE)
        if rows.update(assignee_id=user_id, updated_at=now) != len(ids):
            mine = Ticket.objects.filter(pk__in=ids, assignee_id=user_id, updated_at=now)
            lost |= set(ids) - set(mine.values_list("pk", flat=True))
    kept = []
    for ticket, agent, choice in assigned:
        if ticket.pk not in lost:
            ticket.assignee, ticket.updated_at = agent.user, now
            kept.append((ticket, agent, choice))
    return kept


def _record(assigned: list[tuple[Ticket, AgentState, Choice]], now: datetime) -> None:
    if not assigned:
        return
    actor = Actor.system()
    events.record_many(
        [
            NewEvent(
                t, EventType.ASSIGNED, actor, {"from": None, "to": a.user_id, "routed": True}, now
            )
            for t, a, _ in assigned
        ]
    )
    AgentPresence.objects.filter(user_id__in={a.user_id for _, a, _ in assigned}).update(
        last_assigned_at=now
    )


def _decision(
    ticket: Ticket, team: Team, strategy: str, choice: Choice, trigger: str, now: datetime
) -> RoutingDecision:
    return RoutingDecision(
        ticket=ticket,
        team=team,
        assignee_id=choice.agent.user_id if choice.agent else None,
        strategy=strategy,
        trigger=trigger,
        reason=choice.reason[:500],
        candidates=choice.candidates,
        relaxations=choice.relaxations,
        created_at=now,
    )


def _move_to_fallback(ticket_ids: list[int], settings: TeamRouting) -> None:
    if not ticket_ids or settings.fallback_team is None:
        return
    from frontline.tickets.services import change_team

    for ticket in Ticket.objects.filter(pk__in=ticket_ids):
        change_team(ticket, team=settings.fallback_team, actor=Actor.system())
