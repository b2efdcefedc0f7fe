"""Reactions of SLA clocks to ticket events (registered in ``frontline/events.py``).

They run inside the transaction of the change, so a public reply meets the first-response
target in the same commit. Events caused by SLA actions are held back and replayed once
(``services.clocks.refresh_once``).
"""

from dataclasses import replace

from frontline.sla.clock import fact_from_event
from frontline.sla.services.clocks import (
    CLOCK_EVENTS,
    REMATCH_EVENTS,
    collected_replay,
    refresh_ticket_sla,
)
from frontline.tickets.models import EventType, Ticket, TicketEvent


def on_ticket_event(*, event: TicketEvent, ticket: Ticket) -> None:
    rematch = event.type in REMATCH_EVENTS
    fact = fact_from_event(event.type, event.data, at=event.created_at, by="")
    if not rematch and (event.type not in CLOCK_EVENTS or fact is None):
        return
    why = describe(event)
    if collected_replay(why):
        return
    if event.type == EventType.CREATED and fact is not None:
        # The first event of a new ticket: its log is this one fact, nothing is stored yet.
        opening = replace(fact, by=_actor(event))
        refresh_ticket_sla(ticket, rematch=True, why=why, opening=opening)
        return
    cause = fact.kind if fact is not None else None
    refresh_ticket_sla(ticket, rematch=rematch, why=why, cause=cause)


def describe(event: TicketEvent) -> str:
    """Why the clocks are replayed, in words for the SLA history."""
    by = _actor(event)
    data = event.data
    if event.type == EventType.PRIORITY_CHANGED:
        return f"priority changed from {data.get('from')} to {data.get('to')} by {by}"
    labels = {
        EventType.TEAM_CHANGED: "team changed",
        EventType.CATEGORY_CHANGED: "category changed",
        EventType.TAGS_CHANGED: "tags changed",
        EventType.CUSTOMER_CHANGED: "customer changed",
    }
    label = labels.get(EventType(event.type))
    return f"{label} by {by}" if label else ""


def _actor(event: TicketEvent) -> str:
    user = event.actor_user
    if user is not None:
        return user.name or user.email
    return str(event.actor_type)
