"""What a trigger does to a ticket, in order: set fields, assign or route, tags,
collaborators, email the customer or staff from a template, an internal note, a webhook
call, a macro. One vocabulary with the time rules: ``set_status`` and ``internal_note``
are the same models as theirs (``frontline/automation/actions.py``).

Every change goes through ``frontline.tickets.services`` as ``Actor.system()``, so each is
a ticket event like any other; each action says in words what it did for the firing's
summary ("set the team to Tier 2").
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal

from django.db import transaction
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from frontline.accounts.models import Team, User
from frontline.accounts.permissions import can_write_tickets
from frontline.automation.actions import InternalNote, SetStatus
from frontline.core.actors import Actor
from frontline.core.api_support import ObjectId
from frontline.core.errors import ValidationFailed
from frontline.integrations.models import WebhookSubscription
from frontline.integrations.webhooks import enqueue_delivery
from frontline.macros.models import Macro
from frontline.macros.placeholders import render_placeholders
from frontline.macros.services import apply_macro
from frontline.sla.models import NotificationKind
from frontline.sla.services.actions import TAG_PATTERN
from frontline.sla.services.notifications import notify, recipients
from frontline.tickets import services as ticket_services
from frontline.tickets.models import Category, Priority, Status, Ticket

MAX_ACTIONS = 20
_TEXT = r"^[^\x00]*$"
TagName = Annotated[str, Field(pattern=TAG_PATTERN)]


class _Action(BaseModel):
    # Not coerced, as API bodies are not (``false`` is no id): see ``core.api_support``.
    model_config = ConfigDict(extra="forbid", strict=True)


class TriggerSetPriority(_Action):
    type: Literal["set_priority"]
    priority: Literal["low", "normal", "high", "urgent"]


class TriggerSetCategory(_Action):
    type: Literal["set_category"]
    category_id: ObjectId | None = Field(description="null clears the category.")


class TriggerSetTeam(_Action):
    type: Literal["set_team"]
    team_id: ObjectId


class TriggerAssign(_Action):
    type: Literal["assign"]
    user_id: ObjectId | None = Field(description="An agent; null unassigns.")


class TriggerRoute(_Action):
    type: Literal["route"]


class TriggerAddTags(_Action):
    type: Literal["add_tags"]
    tags: list[TagName] = Field(min_length=1, max_length=20)


class TriggerRemoveTags(_Action):
    type: Literal["remove_tags"]
    tags: list[TagName] = Field(min_length=1, max_length=20)


class TriggerAddCollaborator(_Action):
    type: Literal["add_collaborator"]
    user_id: ObjectId


class TriggerEmailCustomer(_Action):
    type: Literal["email_customer"]
    body: str = Field(
        min_length=1,
        max_length=5000,
        pattern=_TEXT,
        description="A public automatic reply; placeholders such as {{ customer.first_name }}.",
    )


class TriggerEmailStaff(_Action):
    type: Literal["email_staff"]
    recipients: list[Literal["assignee", "team", "supervisor"]] = Field(
        default_factory=list, max_length=3
    )
    user_ids: list[ObjectId] = Field(default_factory=list, max_length=50)
    body: str = Field(min_length=1, max_length=2000, pattern=_TEXT)


class TriggerCallWebhook(_Action):
    type: Literal["call_webhook"]
    webhook_id: ObjectId


class TriggerApplyMacro(_Action):
    type: Literal["apply_macro"]
    macro_id: ObjectId


TriggerAction = Annotated[
    SetStatus
    | TriggerSetPriority
    | TriggerSetCategory
    | TriggerSetTeam
    | TriggerAssign
    | TriggerRoute
    | TriggerAddTags
    | TriggerRemoveTags
    | TriggerAddCollaborator
    | TriggerEmailCustomer
    | TriggerEmailStaff
    | InternalNote
    | TriggerCallWebhook
    | TriggerApplyMacro,
    Field(discriminator="type"),
]
_ACTIONS: TypeAdapter[list[TriggerAction]] = TypeAdapter(list[TriggerAction])


# --- validation ------------------------------------------------------------------------


def clean_trigger_actions(value: Any) -> list[dict[str, Any]]:
    """The actions checked (shape, then every id they name), as they are stored."""
    try:
        actions = _ACTIONS.validate_python(value)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in ("actions", *first["loc"]))
        raise ValidationFailed(f"{where}: {first['msg']}", field=where) from None
    if not actions:
        raise ValidationFailed("A trigger needs at least one action.", field="actions")
    if len(actions) > MAX_ACTIONS:
        raise ValidationFailed(f"A trigger has at most {MAX_ACTIONS} actions.", field="actions")
    for index, action in enumerate(actions):
        _check_ids(action, f"actions.{index}")
    return [action.model_dump() for action in actions]


def parse_trigger_actions(value: Any) -> list[TriggerAction]:
    return _ACTIONS.validate_python(value)


def _check_ids(action: TriggerAction, where: str) -> None:
    if isinstance(action, TriggerSetCategory) and action.category_id is not None:
        _exists(
            Category.objects.filter(pk=action.category_id, is_active=True),
            where,
            "category_id",
            "category",
        )
    elif isinstance(action, TriggerSetTeam):
        _exists(Team.objects.filter(pk=action.team_id), where, "team_id", "team")
    elif isinstance(action, TriggerAssign | TriggerAddCollaborator) and action.user_id:
        _agent(action.user_id, f"{where}.user_id")
    elif isinstance(action, TriggerEmailStaff):
        if not action.recipients and not action.user_ids:
            raise ValidationFailed("Name recipients or users.", field=f"{where}.recipients")
        for position, user_id in enumerate(action.user_ids):
            _agent(user_id, f"{where}.user_ids.{position}")
    elif isinstance(action, TriggerCallWebhook):
        _exists(
            WebhookSubscription.objects.filter(pk=action.webhook_id), where, "webhook_id", "webhook"
        )
    elif isinstance(action, TriggerApplyMacro):
        _exists(Macro.objects.filter(pk=action.macro_id), where, "macro_id", "macro")


def _exists(found: Any, where: str, key: str, noun: str) -> None:
    if not found.exists():
        raise ValidationFailed(f"There is no {noun} with that id.", field=f"{where}.{key}")


def _agent(user_id: int, field: str) -> User:
    user = User.objects.filter(pk=user_id).first()
    if user is None or not can_write_tickets(user):
        raise ValidationFailed(f"User {user_id} is not an agent who works tickets.", field=field)
    return user


# --- running ---------------------------------------------------------------------------


def run_trigger_action(action: TriggerAction, ticket: Ticket, *, rule: str, now: datetime) -> str:
    """Do ``action`` to ``ticket`` (fresh, locked by the services) and say what was done."""
    runner = _RUNNERS[type(action)]
    return runner(action, ticket, rule, now)


def _system() -> Actor:
    return Actor.system()


def _set_status(action: Any, ticket: Ticket, rule: str, now: datetime) -> str:
    ticket_services.change_status(ticket, status=Status(action.status), actor=_system())
    return f"set the status to {Status(action.status).label.lower()}"


def _set_priority(action: Any, ticket: Ticket, rule: str, now: datetime) -> str:
    ticket_services.change_priority(ticket, priority=Priority(action.priority), actor=_system())
    return f"set the priority to {Priority(action.priority).label.lower()}"


def _set_category(action: Any, ticket: Ticket, rule: str, now: datetime) -> str:
    category = None
    if action.category_id is not None:
        category = Category.objects.filter(pk=action.category_id).first()
        if category is None:
            raise ValidationFailed("The category is gone.", field="category_id")
    ticket_services.set_category(ticket, category=category, actor=_system())
    return f"set the category to {category.name}" if category else "cleared the category"


def _set_team(action: Any, ticket: Ticket, rule: str, now: datetime) -> str:
    team = Team.objects.filter(pk=action.team_id).first()
    if team is None:
        raise ValidationFailed("The team is gone.", field="team_id")
    ticket_services.change_team(ticket, team=team, actor=_system())
    return f"set the team to {team.name}"


def _assign(action: Any, ticket: Ticket, rule: str, now: datetime) -> str:
    user = _agent(action.user_id, "user_id") if action.user_id else None
    ticket_services.assign_ticket(ticket, assignee=user, actor=_system())
    return f"assigned {user.name or user.email}" if user else "unassigned the ticket"


def _route(action: Any, ticket: Ticket, rule: str, now: datetime) -> str:
    if ticket.team_id is None:
        return "could not route: the ticket has no team"
    if ticket.assignee_id is not None:
        # Routing reroutes a ticket left without an assignee (routing/handlers.py).
        ticket_services.assign_ticket(ticket, assignee=None, actor=_system())
    else:
        ticket_id = ticket.pk
        transaction.on_commit(lambda: _route_later(ticket_id))
    return "handed the ticket to routing"


def _route_later(ticket_id: int) -> None:
    from frontline.routing import tasks

    tasks.route_ticket(ticket_id, "trigger")


def _current_tags(ticket: Ticket) -> list[str]:
    return list(ticket.tags.values_list("name", flat=True))


def _add_tags(action: Any, ticket: Ticket, rule: str, now: datetime) -> str:
    current = _current_tags(ticket)
    missing = [t for t in action.tags if t not in current]
    if missing:
        ticket_services.set_tags(ticket, tags=[*current, *missing], actor=_system())
    return f"added tag {', '.join(missing)}" if missing else "tags already there"


def _remove_tags(action: Any, ticket: Ticket, rule: str, now: datetime) -> str:
    current = _current_tags(ticket)
    present = [t for t in action.tags if t in current]
    if present:
        kept = [t for t in current if t not in present]
        ticket_services.set_tags(ticket, tags=kept, actor=_system())
    return f"removed tag {', '.join(present)}" if present else "no such tags"


def _add_collaborator(action: Any, ticket: Ticket, rule: str, now: datetime) -> str:
    user = _agent(action.user_id, "user_id")
    ticket_services.add_collaborator(ticket, user=user, actor=_system())
    return f"added {user.name or user.email} as a collaborator"


def _email_customer(action: Any, ticket: Ticket, rule: str, now: datetime) -> str:
    body = render_placeholders(action.body, ticket=ticket, actor=_system())
    ticket_services.reply_to_ticket(ticket, body=body, actor=_system(), is_automatic=True)
    return "emailed the customer"


def _email_staff(action: Any, ticket: Ticket, rule: str, now: datetime) -> str:
    people = {u.pk: u for u in recipients(ticket, action.recipients)}
    for user in User.objects.filter(pk__in=action.user_ids, is_active=True):
        people[user.pk] = user
    body = render_placeholders(action.body, ticket=ticket, actor=_system())
    found = sorted(people.values(), key=lambda u: u.pk)
    notify(
        found,
        ticket=ticket,
        target="",
        kind=NotificationKind.AUTOMATION,
        percent=0,
        message=f"{rule}: {body}",
        now=now,
    )
    return f"emailed {', '.join(u.name or u.email for u in found) or 'nobody'}"


def _internal_note(action: Any, ticket: Ticket, rule: str, now: datetime) -> str:
    body = render_placeholders(action.body, ticket=ticket, actor=_system())
    ticket_services.add_note(ticket, body=body, actor=_system())
    return "posted an internal note"


def _call_webhook(action: Any, ticket: Ticket, rule: str, now: datetime) -> str:
    subscription = WebhookSubscription.objects.filter(pk=action.webhook_id).first()
    if subscription is None:
        raise ValidationFailed("The webhook is gone.", field="webhook_id")
    payload = {
        "trigger": rule,
        "ticket": {
            "id": ticket.pk,
            "number": ticket.number,
            "subject": ticket.subject,
            "status": ticket.status,
            "priority": ticket.priority,
        },
        "at": now.isoformat(),
    }
    enqueue_delivery(subscription, event_type="trigger.fired", payload=payload, ticket_id=ticket.pk)
    return f"called the webhook {subscription.name}"


def _apply_macro(action: Any, ticket: Ticket, rule: str, now: datetime) -> str:
    macro = Macro.objects.filter(pk=action.macro_id).first()
    if macro is None:
        raise ValidationFailed("The macro is gone.", field="macro_id")
    apply_macro(ticket, macro, actor=_system())
    return f"applied the macro {macro.name}"


_RUNNERS: dict[type[Any], Callable[[Any, Ticket, str, datetime], str]] = {
    SetStatus: _set_status,
    TriggerSetPriority: _set_priority,
    TriggerSetCategory: _set_category,
    TriggerSetTeam: _set_team,
    TriggerAssign: _assign,
    TriggerRoute: _route,
    TriggerAddTags: _add_tags,
    TriggerRemoveTags: _remove_tags,
    TriggerAddCollaborator: _add_collaborator,
    TriggerEmailCustomer: _email_customer,
    TriggerEmailStaff: _email_staff,
    InternalNote: _internal_note,
    TriggerCallWebhook: _call_webhook,
    TriggerApplyMacro: _apply_macro,
}
