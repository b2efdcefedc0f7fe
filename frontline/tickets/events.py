"""Appending to a ticket's audit log. Every change a service makes goes through ``record``."""

from datetime import datetime
from typing import Any

from django.utils import timezone

from frontline.core.actors import Actor, ActorKind
from frontline.core.dispatch import dispatch
from frontline.tickets.models import AuthorType, EventType, Ticket, TicketEvent

_ACTOR_TYPES = {
    ActorKind.AGENT: AuthorType.AGENT,
    ActorKind.CUSTOMER: AuthorType.CUSTOMER,
    ActorKind.SYSTEM: AuthorType.SYSTEM,
    ActorKind.BOT: AuthorType.BOT,
}


def record(
    ticket: Ticket,
    event_type: EventType,
    *,
    actor: Actor,
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> TicketEvent:
    event = TicketEvent.objects.create(
        ticket=ticket,
        type=event_type,
        actor_type=_ACTOR_TYPES[actor.kind],
        actor_user=actor.user if actor.kind is ActorKind.AGENT else None,
        actor_customer=actor.customer,
        data=data or {},
        created_at=at or timezone.now(),
    )
    dispatch(f"ticket.{event_type.value}", event=event, ticket=ticket)
    return event


def author_type_for(actor: Actor) -> AuthorType:
    return _ACTOR_TYPES[actor.kind]
