"""Triggers: the only writer of ``Trigger``, and the dry run.

Triggers are validated here for the API, the workspace form and the admin alike: the
events, the conditions (the shared condition language, on the facts of
``automation/facts.py``) and the actions with every id they name, each error with the
field at fault. Only the head of support and administrators configure automation.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from frontline.accounts.permissions import can_manage_configuration
from frontline.automation.facts import CATALOGUE, Change, trigger_facts
from frontline.automation.models import Trigger, TriggerEvent
from frontline.automation.trigger_actions import clean_trigger_actions
from frontline.core import conditions
from frontline.core.actors import Actor, ActorKind
from frontline.core.errors import Conflict, PermissionDenied, ValidationFailed
from frontline.tickets.models import Ticket
from frontline.triage.facts import facts_for_tickets
from frontline.triage.rules import calendar_exists, calendar_open

DRY_RUN_DEFAULT, DRY_RUN_MAX = 100, 1000
ALWAYS: dict[str, Any] = {"all": []}


@dataclass(frozen=True)
class TriggerFields:
    """A trigger's settings as a form or request gives them; ``None`` leaves one alone."""

    name: str | None = None
    description: str | None = None
    is_active: bool | None = None
    position: int | None = None
    events: Sequence[str] | None = None
    conditions: Any = None
    actions: list[Any] | None = None


def ensure_automation_manager(actor: Actor) -> None:
    if actor.kind is ActorKind.SYSTEM:
        return  # the demo loader and migrations
    if actor.user is None or not actor.is_agent or not can_manage_configuration(actor.user):
        raise PermissionDenied("Only the head of support and administrators configure triggers.")


def condition_errors(condition: Any) -> list[conditions.ConditionError]:
    return conditions.validate(condition, fields=CATALOGUE, calendar_ids=calendar_exists)


def clean_conditions(condition: Any) -> dict[str, Any]:
    if condition in (None, {}):
        return dict(ALWAYS)
    if not isinstance(condition, dict):
        raise ValidationFailed(
            'Conditions are a JSON object such as {"all": [...]}.', field="conditions"
        )
    errors = condition_errors(condition)
    if errors:
        first = errors[0]
        where = f"conditions.{first.path}" if first.path else "conditions"
        raise ValidationFailed(f"Conditions: {'; '.join(str(e) for e in errors[:5])}", field=where)
    return condition


def _clean_events(kinds: Sequence[str]) -> list[str]:
    if isinstance(kinds, str) or not kinds:
        raise ValidationFailed("A trigger listens for at least one event.", field="events")
    for index, kind in enumerate(kinds):
        if kind not in TriggerEvent.values:
            known = ", ".join(TriggerEvent.values)
            raise ValidationFailed(
                f"Unknown event {kind!r}; one of {known}.", field=f"events.{index}"
            )
    return [kind for kind in TriggerEvent.values if kind in kinds]


def _clean_name(name: str, pk: int | None) -> str:
    clean = " ".join(name.split())
    if not clean:
        raise ValidationFailed("A trigger needs a name.", field="name")
    if len(clean) > 100:
        raise ValidationFailed("A trigger's name is at most 100 characters.", field="name")
    if Trigger.objects.filter(name=clean).exclude(pk=pk or 0).exists():
        raise Conflict(f"{clean!r} is taken.", field="name")
    return clean


def _apply(trigger: Trigger, fields: TriggerFields) -> None:
    if fields.name is not None:
        trigger.name = _clean_name(fields.name, trigger.pk)
    if fields.description is not None:
        trigger.description = fields.description.strip()
    if fields.is_active is not None:
        trigger.is_active = fields.is_active
    if fields.events is not None:
        trigger.events = _clean_events(fields.events)
    if fields.conditions is not None:
        trigger.conditions = clean_conditions(fields.conditions)
    if fields.actions is not None:
        trigger.actions = clean_trigger_actions(fields.actions)


@transaction.atomic
def create_trigger(*, fields: TriggerFields, actor: Actor) -> Trigger:
    ensure_automation_manager(actor)
    for required in ("name", "events", "actions"):
        if getattr(fields, required) is None:
            raise ValidationFailed(f"A trigger needs {required}.", field=required)
    trigger = Trigger(conditions=dict(ALWAYS), created_by=actor.user)
    _apply(trigger, fields)
    last = Trigger.objects.aggregate(last=Max("position"))["last"]
    trigger.position = (last + 1) if last is not None else 0
    trigger.save()
    if fields.position is not None:
        move_trigger(trigger, position=fields.position, actor=actor)
        trigger.refresh_from_db()
    return trigger


@transaction.atomic
def update_trigger(trigger: Trigger, *, fields: TriggerFields, actor: Actor) -> Trigger:
    ensure_automation_manager(actor)
    trigger = Trigger.objects.select_for_update().get(pk=trigger.pk)
    _apply(trigger, fields)
    if fields.conditions is not None or fields.actions is not None:
        trigger.last_error, trigger.last_error_at = "", None  # corrected: a clean slate
    trigger.save()
    if fields.position is not None:
        move_trigger(trigger, position=fields.position, actor=actor)
        trigger.refresh_from_db()
    return trigger


@transaction.atomic
def delete_trigger(trigger: Trigger, *, actor: Actor) -> None:
    ensure_automation_manager(actor)
    trigger.delete()


@transaction.atomic
def move_trigger(trigger: Trigger, *, position: int, actor: Actor) -> list[Trigger]:
    """Put ``trigger`` at ``position`` (0 = first) and number every trigger 0, 1, 2…"""
    ensure_automation_manager(actor)
    ordered = [
        t
        for t in Trigger.objects.select_for_update().order_by("position", "id")
        if t.pk != trigger.pk
    ]
    ordered.insert(max(0, min(position, len(ordered))), trigger)
    now = timezone.now()
    changed = []
    for index, item in enumerate(ordered):
        if item.position != index:
            item.position, item.updated_at = index, now
            changed.append(item)
    Trigger.objects.bulk_update(changed, ["position", "updated_at"])
    return ordered


@dataclass(frozen=True)
class DryRun:
    checked: int
    matched: list[Ticket]


def dry_run(
    *, condition: Any, events: Sequence[str], last: int = DRY_RUN_DEFAULT, actor: Actor
) -> DryRun:
    """Which of the last ``last`` tickets ``condition`` matches as they are now, for the
    first of ``events``; nothing changes and nothing fires. Previous values are the
    current ones (there is no change to compare with)."""
    ensure_automation_manager(actor)
    if not 1 <= last <= DRY_RUN_MAX:
        raise ValidationFailed(f"last is 1 to {DRY_RUN_MAX}.", field="last")
    clean = clean_conditions(condition)
    kinds = _clean_events(events) if events else [TriggerEvent.UPDATED.value]
    tickets = list(
        Ticket.objects.select_related("customer", "organisation", "team", "category", "assignee")
        .prefetch_related("tags")
        .order_by("-created_at", "-id")[:last]
    )
    now: datetime = timezone.now()
    matched = []
    for ticket, base in facts_for_tickets(tickets, now=now):
        change = Change(ticket_id=ticket.pk, kinds=list(kinds))
        facts = trigger_facts(ticket, change, now=now, base=base)
        if conditions.evaluate(clean, facts, calendars=calendar_open):
            matched.append(ticket)
    return DryRun(checked=len(tickets), matched=matched)
