"""Reactions to domain events (listed in frontline/events.py): a delivery for every
subscription that listens, written in the event's transaction and sent after commit.
With no subscription listening they cost no query."""

from typing import Any

from django.db import models

from frontline.integrations.webhooks import deliver_event
from frontline.tickets.models import Ticket, TicketEvent


def on_ticket_event(*, event: TicketEvent, ticket: Ticket) -> None:
    data = {
        "event_id": event.pk,
        "type": event.type,
        "actor_type": event.actor_type,
        "actor_id": event.actor_user_id or event.actor_customer_id,
        "changes": event.data,
    }
    deliver_event(f"ticket.{event.type}", ticket=ticket, data=data, at=event.created_at)


def on_sla_warned(*, ticket: Ticket, target: Any = None, **extra: Any) -> None:
    deliver_event("sla.warned", ticket=ticket, data={"target": _plain(target), **_rest(extra)})


def on_sla_breached(*, ticket: Ticket, target: Any = None, **extra: Any) -> None:
    deliver_event("sla.breached", ticket=ticket, data={"target": _plain(target), **_rest(extra)})


def on_survey_answered(*, ticket: Ticket, response: Any = None, **extra: Any) -> None:
    data = {"response": _plain(response), **_rest(extra)}
    deliver_event("survey.answered", ticket=ticket, data=data)


def _rest(extra: dict[str, Any]) -> dict[str, Any]:
    return {key: _plain(value) for key, value in extra.items() if key != "actor"}


def _plain(value: Any) -> Any:
    """What a receiver can read of an object another app passes: a model's own fields."""
    if isinstance(value, models.Model):
        return {
            f.attname: _plain(getattr(value, f.attname))
            for f in value._meta.concrete_fields
            if not f.name.endswith(("secret", "password", "token", "token_hash"))
        }
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
