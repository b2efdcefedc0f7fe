"""Reactions of SLA clocks to ticket events (registered in ``frontline/events.py``).

They run inside the transaction of the change, so a public reply meets the first-response
target in the same commit. Events caused by SLA actions are held back and replayed once
(``services.clocks.refresh_once``).
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from frontline.sla.clock import Fact, fact_from_event
from frontline.sla.models import TicketSla
from frontline.sla.services.clocks import (
    CLOCK_EVENTS,
    REMATCH_EVENTS,
    cannot_move,
    collected_replay,
    refresh_ticket_sla,
)
from frontline.tickets.models import EventType, Ticket, TicketEvent


def on_ticket_event(*, event: TicketEvent, ticket: Ticket) -> None:
    rematch = event.type in REMATCH_EVENTS
    fact = _clock_fact(event)
    if not rematch and fact is None:
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


def on_ticket_events(pairs: Sequence[tuple[TicketEvent, Ticket]]) -> None:
    """``on_ticket_event`` for many events at once (batch imports): one locked read of the
    stored SLA state of all their tickets, and only the events that can move a clock are
    replayed, one by one and in order."""
    relevant: dict[int, list[tuple[TicketEvent, Ticket]]] = defaultdict(list)
    for event, ticket in pairs:
        if event.type in REMATCH_EVENTS or _clock_fact(event) is not None:
            relevant[ticket.pk].append((event, ticket))
    if not relevant:
        return
    stored = TicketSla.objects.select_for_update().filter(ticket_id__in=relevant)
    summaries = {s.ticket_id: s for s in stored.order_by("ticket_id")}
    for ticket_id, events in relevant.items():
        # Events that cannot move a clock leave the stored state as it is, so the next one
        # is judged against the same state; from the first that can, all replay in order.
        summary = summaries.get(ticket_id)
        waiting = list(events)
        while waiting and _cannot_move_now(waiting[0][0], summary):
            waiting.pop(0)
        for event, ticket in waiting:
            on_ticket_event(event=event, ticket=ticket)


def _clock_fact(event: TicketEvent) -> Fact | None:
    if event.type not in CLOCK_EVENTS:
        return None
    return fact_from_event(event.type, event.data, at=event.created_at, by="")


def _cannot_move_now(event: TicketEvent, summary: TicketSla | None) -> bool:
    """What ``refresh_ticket_sla`` would find before replaying anything."""
    fact = _clock_fact(event)
    if summary is None or event.type in REMATCH_EVENTS or fact is None:
        return False
    return cannot_move(summary, fact.kind)


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
