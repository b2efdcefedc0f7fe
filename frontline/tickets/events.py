"""Appending to a ticket's audit log. Every change a service makes goes through ``record``."""

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from django.utils import timezone
from django.utils.module_loading import import_string

from frontline.core.actors import Actor, ActorKind
from frontline.core.dispatch import dispatch
from frontline.tickets.models import AuthorType, EventType, Ticket, TicketEvent
from frontline.tickets.services.rows import insert_rows

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


@dataclass(frozen=True)
class NewEvent:
    ticket: Ticket
    type: EventType
    actor: Actor
    data: dict[str, Any] = field(default_factory=dict)
    at: datetime | None = None


def record_many(
    entries: Sequence[NewEvent], *, deferred: Collection[str] = ()
) -> list[TicketEvent]:
    """``record`` for many events: one insert, then each event's handlers in order; a
    handler with a batch form (``BATCH_FORMS`` in ``frontline/events.py``) runs once for
    all of them, after the others.

    ``deferred`` names handlers (dotted paths, as in ``frontline/events.py``) that the
    caller runs afterwards in a batch form for all the tickets at once, e.g. the SLA
    replay; they are skipped here."""
    now = timezone.now()
    rows = insert_rows(
        TicketEvent(
            ticket=entry.ticket,
            type=entry.type,
            actor_type=_ACTOR_TYPES[entry.actor.kind],
            actor_user=entry.actor.user if entry.actor.kind is ActorKind.AGENT else None,
            actor_customer=entry.actor.customer,
            data=entry.data,
            created_at=entry.at or now,
        )
        for entry in entries
    )
    skipped = frozenset(deferred)
    batches: dict[str, list[tuple[TicketEvent, Ticket]]] = {}
    for entry, event in zip(entries, rows, strict=True):
        for path, handler in _handlers(f"ticket.{entry.type.value}", skipped):
            if path in _batch_forms():
                batches.setdefault(path, []).append((event, entry.ticket))
            else:
                handler(event=event, ticket=entry.ticket)
    for path, pairs in batches.items():
        _batch_forms()[path](pairs)
    return rows


@cache
def _handlers(
    event_name: str, skipped: frozenset[str]
) -> tuple[tuple[str, Callable[..., Any]], ...]:
    """The handlers ``dispatch`` runs for the event, in its order, but those skipped."""
    from frontline import events as registry

    family = event_name.partition(".")[0]
    paths = (*registry.HANDLERS.get(event_name, ()), *registry.HANDLERS.get(f"{family}.*", ()))
    return tuple((path, import_string(path)) for path in paths if path not in skipped)


@cache
def _batch_forms() -> dict[str, Callable[[list[tuple[TicketEvent, Ticket]]], Any]]:
    from frontline import events as registry

    return {path: import_string(form) for path, form in registry.BATCH_FORMS.items()}


def author_type_for(actor: Actor) -> AuthorType:
    return _ACTOR_TYPES[actor.kind]
