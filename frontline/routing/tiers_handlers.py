"""Reactions of tiers and swarming to ticket events (listed in ``frontline/events.py``)."""

from frontline.core.actors import Actor
from frontline.routing import swarms
from frontline.tickets.models import Status, Ticket, TicketEvent

_FINISHED = frozenset({Status.SOLVED, Status.CLOSED})


def end_swarm_when_solved(*, event: TicketEvent, ticket: Ticket) -> None:
    """A solved or closed ticket needs no more help: its swarm ends with it."""
    status = event.data.get("to")
    if status not in _FINISHED:
        return
    user = event.actor_user
    # A customer marking their ticket solved may not write internal notes; the system does.
    staff = user is not None and not user.is_customer
    actor = Actor.for_user(user) if user is not None and staff else Actor.system()
    label = Status(status).label.lower()
    swarms.end_active_swarm(ticket, outcome=f"The ticket was {label}.", actor=actor)
