"""Escalating a ticket up its team's tier path (T1 → T2 → T3) and back down.

The move itself goes through ``tickets.services.update_ticket`` (team changed, assignee
cleared), so the audit log and every reaction to ``ticket.team_changed`` — the routing
engine offering it to the new team — see an ordinary team change. The reason is an
internal note on the ticket; ``TicketEscalation`` keeps the path, ``TicketTier`` the
summary (tier reached, escalation count).

De-escalating returns the ticket to the team it came from, and to the agent who held it
when it went up if they are still a member of that team (they know the customer); else it
goes back unassigned and is routed there like any new arrival.
"""

from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from frontline.accounts.models import NotificationKind, Team, TeamMembership, User
from frontline.accounts.permissions import can_write_tickets
from frontline.accounts.services import notify
from frontline.core.actors import Actor
from frontline.core.errors import InvalidTransition, ValidationFailed
from frontline.routing.models import Direction, TeamRouting, TicketEscalation, TicketTier
from frontline.tickets import services as ticket_services
from frontline.tickets.models import Status, Ticket
from frontline.tickets.queries import ensure_can_work

MAX_REASON = 2000
_FINISHED = (Status.SOLVED, Status.CLOSED)


@dataclass(frozen=True)
class TierSummary:
    current: int | None
    highest: int | None
    escalations: int


@dataclass(frozen=True)
class Move:
    """What an escalation or de-escalation did."""

    escalation: TicketEscalation
    ticket: Ticket
    summary: TierSummary


def next_tier(team_id: int | None) -> Team | None:
    """The team a ticket of ``team_id`` escalates to, if its routing names one."""
    if team_id is None:
        return None
    rows = TeamRouting.objects.filter(team_id=team_id).select_related("escalates_to")
    routing = rows.first()
    return routing.escalates_to if routing is not None else None


@transaction.atomic
def escalate(ticket: Ticket, *, reason: str, actor: Actor) -> Move:
    """Move the ticket to its team's next tier, unassigned, with the reason as a note."""
    ticket = _locked(ticket)
    reason = _checked(ticket, reason, actor=actor, verb="escalated")
    from_team = ticket.team
    if from_team is None:
        raise InvalidTransition(
            f"#{ticket.number} has no team, so no tier path to escalate along.", field="team"
        )
    to_team = next_tier(from_team.pk)
    if to_team is None:
        raise InvalidTransition(
            f"{from_team.name} is the last tier: it has no next tier to escalate to.",
            field="team",
        )
    _end_swarm_before_move(ticket, to_team, actor=actor)
    ticket_services.add_note(
        ticket, body=f"Escalated to {to_team.name} (tier {to_team.tier}): {reason}", actor=actor
    )
    previous_assignee = ticket.assignee
    changes = ticket_services.TicketChanges(team=to_team, unassign=True)
    ticket = ticket_services.update_ticket(ticket, changes=changes, actor=actor)
    row = _record(
        ticket,
        from_team=from_team,
        to_team=to_team,
        direction=Direction.UP,
        reason=reason,
        actor=actor,
        previous_assignee=previous_assignee,
    )
    _notify_leads(ticket, to_team, reason=reason, actor=actor)
    return Move(escalation=row, ticket=ticket, summary=tier_summary(ticket))


@transaction.atomic
def de_escalate(ticket: Ticket, *, reason: str, actor: Actor) -> Move:
    """Return the ticket to the team it was escalated from (see the module's docstring)."""
    ticket = _locked(ticket)
    reason = _checked(ticket, reason, actor=actor, verb="de-escalated")
    up = _last_escalation_into(ticket)
    if up is None or up.from_team is None or ticket.team is None:
        team = ticket.team.name if ticket.team else "no team"
        raise InvalidTransition(
            f"#{ticket.number} was not escalated to {team}, so there is no tier to return it to.",
            field="team",
        )
    to_team, from_team = up.from_team, ticket.team
    back_to = _returning_agent(up.previous_assignee, to_team)
    _end_swarm_before_move(ticket, to_team, actor=actor)
    ticket_services.add_note(
        ticket, body=f"De-escalated to {to_team.name} (tier {to_team.tier}): {reason}", actor=actor
    )
    changes = ticket_services.TicketChanges(
        team=to_team, assignee=back_to, unassign=back_to is None
    )
    ticket = ticket_services.update_ticket(ticket, changes=changes, actor=actor)
    row = _record(
        ticket,
        from_team=from_team,
        to_team=to_team,
        direction=Direction.DOWN,
        reason=reason,
        actor=actor,
        previous_assignee=None,
        reverses=up,
    )
    return Move(escalation=row, ticket=ticket, summary=tier_summary(ticket))


def tier_summary(ticket: Ticket, *, row: TicketTier | None = None) -> TierSummary:
    """Where the ticket stands: its team's tier now, the highest it reached, how often it
    was escalated. ``row`` is the summary if the caller read it already."""
    if row is None:
        row = TicketTier.objects.filter(ticket_id=ticket.pk).first()
    current = ticket.team.tier if ticket.team is not None else None
    if row is None:
        return TierSummary(current=current, highest=current, escalations=0)
    highest = max(row.highest_tier, current or 0)
    return TierSummary(current=current, highest=highest, escalations=row.escalations)


def can_de_escalate(ticket: Ticket) -> bool:
    return ticket.status not in _FINISHED and _last_escalation_into(ticket) is not None


def _checked(ticket: Ticket, reason: str, *, actor: Actor, verb: str) -> str:
    ensure_can_work(actor, ticket)
    if ticket.status in _FINISHED:
        raise InvalidTransition(
            f"A {ticket.get_status_display().lower()} ticket cannot be {verb}; reopen it first.",
            field="status",
        )
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(f"Say why the ticket is {verb}.", field="reason")
    if len(reason) > MAX_REASON:
        raise ValidationFailed(f"Keep the reason under {MAX_REASON} characters.", field="reason")
    return reason


def _last_escalation_into(ticket: Ticket) -> TicketEscalation | None:
    """The latest move up into the ticket's current team that no move down reversed."""
    rows = TicketEscalation.objects.filter(
        ticket_id=ticket.pk,
        direction=Direction.UP,
        to_team_id=ticket.team_id,
        reversed_by__isnull=True,
    ).select_related("from_team", "previous_assignee")
    return rows.order_by("-created_at", "-id").first()


def _returning_agent(previous: User | None, team: Team) -> User | None:
    if previous is None or not can_write_tickets(previous):
        return None
    is_member = TeamMembership.objects.filter(user_id=previous.pk, team_id=team.pk).exists()
    return previous if is_member else None


def _record(
    ticket: Ticket,
    *,
    from_team: Team,
    to_team: Team,
    direction: Direction,
    reason: str,
    actor: Actor,
    previous_assignee: User | None,
    reverses: TicketEscalation | None = None,
) -> TicketEscalation:
    now = timezone.now()
    row = TicketEscalation.objects.create(
        ticket=ticket,
        from_team=from_team,
        to_team=to_team,
        from_tier=from_team.tier,
        to_tier=to_team.tier,
        direction=direction,
        reason=reason,
        actor=actor.user,
        previous_assignee=previous_assignee,
        reverses=reverses,
        created_at=now,
    )
    _update_summary(ticket, row)
    return row


def _update_summary(ticket: Ticket, row: TicketEscalation) -> None:
    summary = TicketTier.objects.select_for_update().filter(ticket_id=ticket.pk).first()
    if summary is None:
        summary = TicketTier(ticket=ticket, current_tier=row.from_tier, highest_tier=row.from_tier)
    summary.current_tier = row.to_tier
    summary.highest_tier = max(summary.highest_tier, row.to_tier)
    if row.direction == Direction.UP:
        summary.escalations += 1
    else:
        summary.de_escalations += 1
    summary.last_moved_at = row.created_at
    summary.save()


def _end_swarm_before_move(ticket: Ticket, to_team: Team, *, actor: Actor) -> None:
    # Its owner gives the ticket up with the move, so the swarm they lead ends with it.
    from frontline.routing import swarms

    swarms.end_active_swarm(ticket, outcome=f"Moved to {to_team.name}.", actor=actor)


def _notify_leads(ticket: Ticket, team: Team, *, reason: str, actor: Actor) -> None:
    leads = User.objects.filter(
        memberships__team_id=team.pk, memberships__is_lead=True, is_active=True
    )
    url = reverse("tickets:ticket", args=[ticket.number])
    for lead in leads:
        notify(
            lead,
            kind=NotificationKind.ESCALATED,
            title=f"{actor.user or 'Frontline'} escalated #{ticket.number} to {team.name}",
            excerpt=reason[:200],
            url=url,
            actor=actor.user,
        )


def _locked(ticket: Ticket) -> Ticket:
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("team", "assignee", "category")
        .get(pk=ticket.pk)
    )
