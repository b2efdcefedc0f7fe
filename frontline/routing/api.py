"""The routing API under /api/v1: presence, team strategies, capacities, and why a ticket
was routed where it was."""

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from frontline.accounts.api_auth import staff_actor
from frontline.accounts.models import Team, User
from frontline.core.api_support import responses
from frontline.core.errors import NotFound
from frontline.routing import presence, services
from frontline.routing.models import RoutingDecision, TeamRouting
from frontline.tickets.queries import get_ticket_for

router = Router(tags=["routing"])

PresenceValue = Literal["online", "away", "offline"]


class PresenceIn(Schema):
    status: PresenceValue


class PresenceOut(Schema):
    status: PresenceValue
    since: datetime


class AgentRefOut(Schema):
    id: int
    name: str


class CandidateOut(Schema):
    agent: AgentRefOut
    score: float
    skipped: str | None
    load: int
    capacity: int
    proficiency: dict[str, int]
    idle_seconds: int | None


class DecisionOut(Schema):
    at: datetime
    strategy: str
    trigger: str
    assignee: AgentRefOut | None
    reason: str
    candidates: list[CandidateOut]
    relaxations: list[str]


class TicketRoutingOut(Schema):
    ticket_id: int
    decisions: list[DecisionOut]


class TeamRoutingOut(Schema):
    team: AgentRefOut
    strategy: str
    queue_order: str
    mode: str
    relax_after_seconds: int
    fallback_team_id: int | None
    escalates_to_id: int | None


class TeamRoutingPageOut(Schema):
    items: list[TeamRoutingOut]
    next: str | None


class TeamRoutingIn(Schema):
    strategy: str | None = None
    queue_order: str | None = None
    relax_after_seconds: int | None = None
    fallback_team_id: int | None = Field(None, description="null to keep; 0 to clear")


class CapacityIn(Schema):
    capacity: dict[str, int | None] = Field(
        description="Per channel the most open tickets at once; null returns to the default."
    )


class CapacityOut(Schema):
    user_id: int
    capacity: dict[str, int]


def _presence_out(user: User) -> PresenceOut:
    row = presence.presence_of(user)
    return PresenceOut(status=row.status, since=row.since)  # type: ignore[arg-type]


@router.get("/me/presence", response=responses({200: PresenceOut}), summary="Your routing presence")
def my_presence(request: HttpRequest) -> PresenceOut:
    actor = staff_actor(request)
    assert actor.user is not None  # noqa: S101 - staff_actor guarantees it
    return _presence_out(actor.user)


@router.put("/me/presence", response=responses({200: PresenceOut}), summary="Set your presence")
def set_my_presence(request: HttpRequest, payload: PresenceIn) -> PresenceOut:
    actor = staff_actor(request)
    assert actor.user is not None  # noqa: S101
    row = presence.set_presence(actor.user, status=payload.status, actor=actor)
    return PresenceOut(status=row.status, since=row.since)  # type: ignore[arg-type]


@router.put(
    "/routing/agents/{user_id}/presence",
    response=responses({200: PresenceOut}),
    summary="Set an agent's presence (supervisors)",
)
def set_agent_presence(request: HttpRequest, user_id: int, payload: PresenceIn) -> PresenceOut:
    actor = staff_actor(request)
    services.ensure_router(actor)
    user = _staff(user_id)
    row = presence.set_presence(user, status=payload.status, actor=actor)
    return PresenceOut(status=row.status, since=row.since)  # type: ignore[arg-type]


def _staff(user_id: int) -> User:
    user = User.objects.filter(pk=user_id, is_active=True).exclude(role="customer").first()
    if user is None:
        raise NotFound(f"Agent {user_id} does not exist.")
    return user


@router.get(
    "/tickets/{ticket_id}/routing",
    response=responses({200: TicketRoutingOut}),
    summary="Why the ticket was routed where it was",
)
def ticket_routing(request: HttpRequest, ticket_id: int) -> TicketRoutingOut:
    actor = staff_actor(request)
    ticket = get_ticket_for(actor, ticket_id)
    rows = RoutingDecision.objects.filter(ticket=ticket).select_related("assignee")
    return TicketRoutingOut(ticket_id=ticket.pk, decisions=[_decision(r) for r in rows])


def _decision(row: RoutingDecision) -> DecisionOut:
    assignee = row.assignee
    return DecisionOut(
        at=row.created_at,
        strategy=row.strategy,
        trigger=row.trigger,
        assignee=AgentRefOut(id=assignee.pk, name=assignee.name) if assignee else None,
        reason=row.reason,
        candidates=[
            CandidateOut(
                agent=AgentRefOut(id=c["agent_id"], name=c["name"]),
                score=c.get("score", 0.0),
                skipped=c.get("skipped"),
                load=c.get("load", 0),
                capacity=c.get("capacity", 0),
                proficiency=c.get("proficiency", {}),
                idle_seconds=c.get("idle_s"),
            )
            for c in row.candidates
        ],
        relaxations=row.relaxations,
    )


def _team_out(team: Team, row: TeamRouting | None) -> TeamRoutingOut:
    row = row or TeamRouting(team=team)
    return TeamRoutingOut(
        team=AgentRefOut(id=team.pk, name=team.name),
        strategy=row.strategy,
        queue_order=row.queue_order,
        mode=row.mode,
        relax_after_seconds=row.relax_after_seconds,
        fallback_team_id=row.fallback_team_id,
        escalates_to_id=row.escalates_to_id,
    )


@router.get(
    "/routing/teams", response=responses({200: TeamRoutingPageOut}), summary="Teams' routing"
)
def list_team_routing(request: HttpRequest) -> TeamRoutingPageOut:
    staff_actor(request)
    rows = {r.team_id: r for r in TeamRouting.objects.all()}
    teams = Team.objects.order_by("name")
    return TeamRoutingPageOut(items=[_team_out(t, rows.get(t.pk)) for t in teams], next=None)


@router.patch(
    "/routing/teams/{team_id}",
    response=responses({200: TeamRoutingOut}),
    summary="Change a team's routing",
)
def update_team_routing(
    request: HttpRequest, team_id: int, payload: TeamRoutingIn
) -> TeamRoutingOut:
    actor = staff_actor(request)
    services.ensure_router(actor)
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise NotFound(f"Team {team_id} does not exist.")
    changes = services.TeamRoutingChanges(
        strategy=payload.strategy,
        queue_order=payload.queue_order,
        relax_after_seconds=payload.relax_after_seconds,
        fallback_team_id=payload.fallback_team_id or None,
        clear_fallback=payload.fallback_team_id == 0,
    )
    row = services.update_team_routing(team, changes=changes, actor=actor)
    return _team_out(team, row)


@router.get(
    "/routing/agents/{user_id}/capacity",
    response=responses({200: CapacityOut}),
    summary="An agent's own capacity per channel",
)
def agent_capacity(request: HttpRequest, user_id: int) -> CapacityOut:
    actor = staff_actor(request)
    if actor.user is not None and actor.user.pk != user_id:
        services.ensure_router(actor)
    user = _staff(user_id)
    return CapacityOut(user_id=user.pk, capacity=services.own_capacities(user))


@router.put(
    "/routing/agents/{user_id}/capacity",
    response=responses({200: CapacityOut}),
    summary="Set an agent's capacity per channel",
)
def set_agent_capacity(request: HttpRequest, user_id: int, payload: CapacityIn) -> CapacityOut:
    actor = staff_actor(request)
    services.ensure_router(actor)
    user = _staff(user_id)
    limits = services.set_capacities(user, limits=payload.capacity, actor=actor)
    return CapacityOut(user_id=user.pk, capacity=limits)
