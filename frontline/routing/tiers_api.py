"""Tiers and swarming under /api/v1 (mounted at "", so paths are written in full):
escalating a ticket up its tier path and back, its escalation history, and its swarm.

Staff who may work the ticket escalate and read; only the ticket's owner (its assignee) or
a supervisor starts, grows and ends its swarm. Customers are refused everywhere.
"""

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from frontline.accounts.api_auth import staff_actor
from frontline.accounts.models import Team, User
from frontline.core.actors import Actor
from frontline.core.api_support import NO_NUL, InputSchema, ObjectId, responses
from frontline.core.errors import NotFound, PermissionDenied
from frontline.core.pagination import PageParams, paginate
from frontline.routing import escalation, swarms
from frontline.routing.models import Swarm, SwarmMember, TicketEscalation
from frontline.routing.tiers_contributions import TierOut
from frontline.tickets.models import Ticket
from frontline.tickets.queries import ensure_can_work, get_ticket_for

router = Router(tags=["tiers and swarming"])


class TierTeamOut(Schema):
    id: int
    name: str
    tier: int


class UserRefOut(Schema):
    id: int
    name: str


class ReasonIn(InputSchema):
    reason: str = Field(max_length=2000, pattern=NO_NUL, description="Why it moves; required.")


class MoveOut(Schema):
    ticket_id: int
    team: TierTeamOut | None
    assignee: UserRefOut | None
    tier: TierOut
    escalation_id: int


class EscalationOut(Schema):
    id: int
    direction: str = Field(description="up (escalated) or down (de-escalated)")
    from_team: TierTeamOut | None
    to_team: TierTeamOut | None
    from_tier: int
    to_tier: int
    reason: str
    actor: UserRefOut | None
    created_at: datetime


class EscalationPageOut(Schema):
    items: list[EscalationOut]
    next: str | None


class SwarmStartIn(InputSchema):
    question: str = Field(max_length=2000, pattern=NO_NUL)
    invite: list[ObjectId] = Field(max_length=50, description="User ids to invite.")


class SwarmInviteIn(InputSchema):
    user_ids: list[ObjectId] = Field(min_length=1, max_length=50)


class SwarmEndIn(InputSchema):
    outcome: str = Field(max_length=2000, pattern=NO_NUL)


class MemberOut(Schema):
    user: UserRefOut
    is_owner: bool
    reason: str
    invited_at: datetime
    acknowledged_at: datetime | None


class SuggestionOut(Schema):
    user: UserRefOut
    reasons: list[str] = Field(description='Why, e.g. ["billing 5/5", "solved 4 similar tickets"]')


class SwarmOut(Schema):
    id: int
    question: str
    owner: UserRefOut
    started_at: datetime
    ended_at: datetime | None
    outcome: str
    members: list[MemberOut]


class TicketSwarmOut(Schema):
    ticket_id: int
    swarm: SwarmOut | None = Field(description="The running swarm, or null.")
    suggestions: list[SuggestionOut]


@router.post(
    "/tickets/{ticket_id}/escalate",
    response=responses({200: MoveOut}),
    summary="Escalate a ticket to its team's next tier",
)
def escalate(request: HttpRequest, ticket_id: ObjectId, payload: ReasonIn) -> MoveOut:
    actor = staff_actor(request)
    ticket = get_ticket_for(actor, ticket_id)
    return _move_out(escalation.escalate(ticket, reason=payload.reason, actor=actor))


@router.post(
    "/tickets/{ticket_id}/de-escalate",
    response=responses({200: MoveOut}),
    summary="Return an escalated ticket to the tier it came from",
)
def de_escalate(request: HttpRequest, ticket_id: ObjectId, payload: ReasonIn) -> MoveOut:
    actor = staff_actor(request)
    ticket = get_ticket_for(actor, ticket_id)
    return _move_out(escalation.de_escalate(ticket, reason=payload.reason, actor=actor))


@router.get(
    "/tickets/{ticket_id}/escalations",
    response=responses({200: EscalationPageOut}),
    summary="A ticket's escalations and de-escalations, newest first",
)
def escalations(
    request: HttpRequest, ticket_id: ObjectId, paging: Query[PageParams]
) -> EscalationPageOut:
    actor = staff_actor(request)
    ticket = get_ticket_for(actor, ticket_id)
    rows = TicketEscalation.objects.filter(ticket_id=ticket.pk).select_related(
        "from_team", "to_team", "actor"
    )
    page = paginate(
        rows,
        request,
        order=("-created_at", "-id"),
        cursor=paging.cursor,
        page_size=paging.page_size,
    )
    return EscalationPageOut(items=[_escalation_out(r) for r in page.items], next=page.next)


@router.get(
    "/tickets/{ticket_id}/swarm",
    response=responses({200: TicketSwarmOut}),
    summary="The ticket's running swarm, its members and suggested collaborators",
)
def ticket_swarm(request: HttpRequest, ticket_id: ObjectId) -> TicketSwarmOut:
    actor = staff_actor(request)
    ticket = get_ticket_for(actor, ticket_id)
    return _swarm_answer(ticket)


@router.post(
    "/tickets/{ticket_id}/swarm",
    response=responses({200: TicketSwarmOut}),
    summary="Start a swarm on the ticket, inviting colleagues",
)
def start_swarm(request: HttpRequest, ticket_id: ObjectId, payload: SwarmStartIn) -> TicketSwarmOut:
    actor = staff_actor(request)
    ticket = get_ticket_for(actor, ticket_id)
    _ensure_leads(actor, ticket)
    invite = _users(payload.invite, field="invite")
    swarms.start_swarm(ticket, question=payload.question, invite=invite, actor=actor)
    return _swarm_answer(ticket)


@router.post(
    "/tickets/{ticket_id}/swarm/members",
    response=responses({200: TicketSwarmOut}),
    summary="Invite more colleagues to the running swarm",
)
def invite_to_swarm(
    request: HttpRequest, ticket_id: ObjectId, payload: SwarmInviteIn
) -> TicketSwarmOut:
    actor = staff_actor(request)
    ticket = get_ticket_for(actor, ticket_id)
    _ensure_leads(actor, ticket)
    users = _users(payload.user_ids, field="user_ids")
    swarms.invite_to_swarm(ticket, users=users, actor=actor)
    return _swarm_answer(ticket)


@router.post(
    "/tickets/{ticket_id}/swarm/end",
    response=responses({200: SwarmOut}),
    summary="End the running swarm with its outcome",
)
def end_swarm(request: HttpRequest, ticket_id: ObjectId, payload: SwarmEndIn) -> SwarmOut:
    actor = staff_actor(request)
    ticket = get_ticket_for(actor, ticket_id)
    swarm = swarms.end_swarm(ticket, outcome=payload.outcome, actor=actor)
    members = swarm.members.select_related("user").order_by("-is_owner", "invited_at", "id")
    return _swarm_out(swarm, list(members))


def _ensure_leads(actor: Actor, ticket: Ticket) -> None:
    """Refuse before looking up the invitees, so a refused caller learns nothing of them."""
    ensure_can_work(actor, ticket)
    if not swarms.may_lead(actor.user, ticket):
        raise PermissionDenied(
            "Only the ticket's owner (its assignee) or a supervisor may lead its swarm."
        )


def _users(ids: list[int], *, field: str) -> list[User]:
    found = User.objects.in_bulk(ids)
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(f"There is no user {missing[0]}.", field=field)
    return [found[i] for i in dict.fromkeys(ids)]


def _swarm_answer(ticket: Ticket) -> TicketSwarmOut:
    swarm = swarms.active_swarm(ticket)
    fresh = Ticket.objects.select_related("category").get(pk=ticket.pk)
    suggestions = swarms.suggest_collaborators(fresh)
    return TicketSwarmOut(
        ticket_id=ticket.pk,
        swarm=_swarm_out(swarm, list(swarm.members.all())) if swarm else None,
        suggestions=[
            SuggestionOut(user=_user(s.user), reasons=list(s.reasons)) for s in suggestions
        ],
    )


def _swarm_out(swarm: Swarm, members: list[SwarmMember]) -> SwarmOut:
    return SwarmOut(
        id=swarm.pk,
        question=swarm.question,
        owner=_user(swarm.owner),
        started_at=swarm.started_at,
        ended_at=swarm.ended_at,
        outcome=swarm.outcome,
        members=[
            MemberOut(
                user=_user(m.user),
                is_owner=m.is_owner,
                reason=m.reason,
                invited_at=m.invited_at,
                acknowledged_at=m.acknowledged_at,
            )
            for m in members
        ],
    )


def _move_out(move: escalation.Move) -> MoveOut:
    ticket, summary = move.ticket, move.summary
    return MoveOut(
        ticket_id=ticket.pk,
        team=_team(ticket.team),
        assignee=_user(ticket.assignee) if ticket.assignee else None,
        tier=TierOut(
            current=summary.current, highest=summary.highest, escalations=summary.escalations
        ),
        escalation_id=move.escalation.pk,
    )


def _escalation_out(row: TicketEscalation) -> EscalationOut:
    return EscalationOut(
        id=row.pk,
        direction=row.direction,
        from_team=_team(row.from_team),
        to_team=_team(row.to_team),
        from_tier=row.from_tier,
        to_tier=row.to_tier,
        reason=row.reason,
        actor=_user(row.actor) if row.actor else None,
        created_at=row.created_at,
    )


def _team(team: Team | None) -> TierTeamOut | None:
    if team is None:
        return None
    return TierTeamOut(id=team.pk, name=team.name, tier=team.tier)


def _user(user: User) -> UserRefOut:
    return UserRefOut(id=user.pk, name=str(user))
