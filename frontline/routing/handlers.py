"""Routing's reactions to ticket events (registered in ``frontline/events.py``).

They run inside the ticket's transaction and only queue work on commit, so opening a
ticket costs no query here; the job reads the ticket afresh and routes it if it waits.
"""

from typing import Any

from django.db import transaction

from frontline.tickets.models import Status, Ticket, TicketEvent

FREES_CAPACITY = frozenset({Status.PENDING, Status.ON_HOLD, Status.SOLVED, Status.CLOSED})


def route_new_ticket(*, event: TicketEvent, ticket: Ticket, **_: Any) -> None:
    """A new ticket, or one moved to another team (an escalation), waits to be routed."""
    if ticket.team_id is None or (ticket.assignee_id is not None and event.type == "created"):
        return
    ticket_id, trigger = ticket.pk, "new" if event.type == "created" else "team_changed"
    transaction.on_commit(lambda: _route(ticket_id, trigger))


def offer_freed_capacity(*, event: TicketEvent, ticket: Ticket, **_: Any) -> None:
    """A ticket leaving an agent's workable load frees room for the next in line; a ticket
    left without an assignee waits to be routed."""
    freed: int | None = None
    if event.type == "status_changed" and event.data.get("to") in FREES_CAPACITY:
        freed = ticket.assignee_id
    elif event.type == "assigned" and not event.data.get("routed"):
        freed = event.data.get("from")
        if event.data.get("to") is None and ticket.team_id is not None:
            ticket_id = ticket.pk
            transaction.on_commit(lambda: _route(ticket_id, "unassigned"))
    if freed is not None:
        user_id = int(freed)
        transaction.on_commit(lambda: _offer(user_id))


def _route(ticket_id: int, trigger: str) -> None:
    from frontline.routing import tasks

    tasks.route_ticket(ticket_id, trigger)


def _offer(user_id: int) -> None:
    from frontline.routing import tasks

    tasks.offer_to_agent(user_id)
