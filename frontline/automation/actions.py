"""What a time-based rule does to a ticket: remind the customer, change the status (close
it), notify people, add a tag, post an internal note. Changes go through the tickets
services as the system actor, so they are audited like any other change."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from frontline.core.actors import Actor
from frontline.core.errors import ValidationFailed
from frontline.sla.models import NotificationKind
from frontline.sla.services.actions import TAG_PATTERN
from frontline.sla.services.notifications import notify, recipients
from frontline.tickets import services as ticket_services
from frontline.tickets.models import Status, Ticket

_TEXT = r"^[^\x00]*$"


class _Action(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RemindCustomer(_Action):
    type: Literal["remind_customer"]
    body: str = Field(
        min_length=1,
        max_length=5000,
        pattern=_TEXT,
        description="A public message; placeholders {ticket} and {customer}.",
    )


class SetStatus(_Action):
    type: Literal["set_status"]
    status: Literal["open", "pending", "on_hold", "solved", "closed"]


class Notify(_Action):
    type: Literal["notify"]
    recipients: list[Literal["assignee", "team", "supervisor"]] = Field(min_length=1, max_length=3)


class AddTag(_Action):
    type: Literal["add_tag"]
    tag: str = Field(pattern=TAG_PATTERN)


class InternalNote(_Action):
    type: Literal["internal_note"]
    body: str = Field(min_length=1, max_length=5000, pattern=_TEXT)


RuleAction = Annotated[
    RemindCustomer | SetStatus | Notify | AddTag | InternalNote, Field(discriminator="type")
]
_ACTIONS: TypeAdapter[list[RuleAction]] = TypeAdapter(list[RuleAction])


def clean_actions(value: Any) -> list[dict[str, Any]]:
    try:
        actions = _ACTIONS.validate_python(value)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in ("actions", *first["loc"]))
        raise ValidationFailed(f"{where}: {first['msg']}", field=where) from None
    if not actions:
        raise ValidationFailed("A rule needs at least one action.", field="actions")
    return [action.model_dump() for action in actions]


def parse_actions(value: Any) -> list[RuleAction]:
    return _ACTIONS.validate_python(value)


def run_action(action: RuleAction, ticket: Ticket, *, rule: str, now: datetime) -> str:
    system = Actor.system()
    if isinstance(action, RemindCustomer):
        body = action.body.replace("{ticket}", ticket.reference).replace(
            "{customer}", ticket.customer.name
        )
        ticket_services.reply_to_ticket(ticket, body=body, actor=system, is_automatic=True)
        return "reminded the customer"
    if isinstance(action, SetStatus):
        ticket_services.change_status(ticket, status=Status(action.status), actor=system)
        return f"set the status to {action.status}"
    if isinstance(action, Notify):
        people = recipients(ticket, action.recipients)
        notify(
            people,
            ticket=ticket,
            target="",
            kind=NotificationKind.AUTOMATION,
            percent=0,
            message=rule,
            now=now,
        )
        return f"notified {', '.join(u.name or u.email for u in people) or 'nobody'}"
    if isinstance(action, AddTag):
        names = list(ticket.tags.values_list("name", flat=True))
        ticket_services.set_tags(ticket, tags=[*names, action.tag], actor=system)
        return f"tagged {action.tag}"
    ticket_services.add_note(ticket, body=action.body, actor=system)
    return "posted an internal note"
