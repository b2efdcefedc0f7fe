"""Event triggers: /api/v1/triggers. Only the head of support and administrators read or
change them (``can_manage_configuration``)."""

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from frontline.accounts.api_auth import staff_actor
from frontline.automation import triggers
from frontline.automation.models import Trigger
from frontline.automation.trigger_actions import MAX_ACTIONS, TriggerAction
from frontline.core.actors import Actor
from frontline.core.api_support import InputSchema, ObjectId, responses
from frontline.core.errors import NotFound
from frontline.core.pagination import PageParams, paginate

router = Router(tags=["triggers"])

NO_NUL = r"^[^\x00]*$"
NON_BLANK = r"^[^\x00]*[^\s\x00][^\x00]*$"
TriggerEventName = Literal[
    "created",
    "updated",
    "customer_replied",
    "agent_replied",
    "status_changed",
    "sla_warning",
    "sla_breach",
    "survey_answered",
]
CONDITIONS = 'The condition language: {"all": [...]}, {"any": [...]}, {"not": {...}} or a ' \
    'comparison {"field", "op", "value"}; {} or {"all": []} matches every ticket.'  # fmt: skip


class TriggerOut(Schema):
    id: int
    name: str
    description: str
    is_active: bool
    position: int
    events: list[TriggerEventName]
    conditions: dict[str, Any]
    actions: list[TriggerAction]
    fire_count: int
    last_fired_at: datetime | None
    last_error: str
    last_error_at: datetime | None
    created_at: datetime
    updated_at: datetime


class TriggerIn(InputSchema):
    name: str = Field(max_length=100, pattern=NON_BLANK)
    description: str = Field("", max_length=2000, pattern=NO_NUL)
    is_active: bool = True
    position: int | None = Field(None, ge=0, le=1_000_000, description="0 = first; default last.")
    events: list[TriggerEventName] = Field(min_length=1, max_length=8)
    conditions: dict[str, Any] = Field(default_factory=dict, description=CONDITIONS)
    actions: list[TriggerAction] = Field(min_length=1, max_length=MAX_ACTIONS)


class TriggerUpdateIn(InputSchema):
    name: str | None = Field(None, max_length=100, pattern=NON_BLANK)
    description: str | None = Field(None, max_length=2000, pattern=NO_NUL)
    is_active: bool | None = None
    position: int | None = Field(None, ge=0, le=1_000_000, description="0 = first.")
    events: list[TriggerEventName] | None = Field(None, min_length=1, max_length=8)
    conditions: dict[str, Any] | None = Field(None, description=CONDITIONS)
    actions: list[TriggerAction] | None = Field(None, min_length=1, max_length=MAX_ACTIONS)


class TriggerPageOut(Schema):
    items: list[TriggerOut]
    next: str | None


class TriggerDryRunIn(InputSchema):
    last: int = Field(triggers.DRY_RUN_DEFAULT, ge=1, le=triggers.DRY_RUN_MAX)


class TriggerMatchOut(Schema):
    id: int
    number: int
    subject: str


class TriggerDryRunOut(Schema):
    checked: int
    matched: list[TriggerMatchOut]
    count: int


_PLAIN = {"name", "description", "is_active", "position", "events", "conditions"}


def _manager(request: HttpRequest) -> Actor:
    actor = staff_actor(request)
    triggers.ensure_automation_manager(actor)
    return actor


@router.get("", response=responses({200: TriggerPageOut}), summary="Triggers")
def list_triggers(request: HttpRequest, paging: Query[PageParams]) -> TriggerPageOut:
    """In the order triggers run."""
    _manager(request)
    page = paginate(
        Trigger.objects.all(),
        request,
        order=("position", "id"),
        cursor=paging.cursor,
        page_size=paging.page_size,
    )
    return TriggerPageOut(items=[_out(t) for t in page.items], next=page.next)


@router.post("", response=responses({201: TriggerOut}), summary="New trigger")
def create_trigger(request: HttpRequest, payload: TriggerIn) -> Status[TriggerOut]:
    actor = _manager(request)
    fields = triggers.TriggerFields(
        **payload.model_dump(include=_PLAIN),
        actions=[action.model_dump() for action in payload.actions],
    )
    trigger = triggers.create_trigger(fields=fields, actor=actor)
    return Status(201, _out(_trigger(trigger.pk)))


@router.get("/{trigger_id}", response=responses({200: TriggerOut}), summary="Read a trigger")
def get_trigger(request: HttpRequest, trigger_id: ObjectId) -> TriggerOut:
    _manager(request)
    return _out(_trigger(trigger_id))


@router.patch("/{trigger_id}", response=responses({200: TriggerOut}), summary="Change")
def update_trigger(
    request: HttpRequest, trigger_id: ObjectId, payload: TriggerUpdateIn
) -> TriggerOut:
    actor = _manager(request)
    given = payload.model_dump(include=_PLAIN, exclude_unset=True)
    fields = triggers.TriggerFields(
        **{key: value for key, value in given.items() if value is not None},
        actions=(
            [action.model_dump() for action in payload.actions]
            if payload.actions is not None
            else None
        ),
    )
    triggers.update_trigger(_trigger(trigger_id), fields=fields, actor=actor)
    return _out(_trigger(trigger_id))


@router.delete("/{trigger_id}", response=responses({204: None}), summary="Delete")
def delete_trigger(request: HttpRequest, trigger_id: ObjectId) -> Status[None]:
    actor = _manager(request)
    triggers.delete_trigger(_trigger(trigger_id), actor=actor)
    return Status(204, None)


@router.post(
    "/{trigger_id}/dry-run", response=responses({200: TriggerDryRunOut}), summary="Dry run"
)
def dry_run(
    request: HttpRequest, trigger_id: ObjectId, payload: TriggerDryRunIn
) -> TriggerDryRunOut:
    """Which of the last ``last`` tickets the trigger's conditions match now, for its first
    event; nothing changes. Previous values are the current ones."""
    actor = _manager(request)
    trigger = _trigger(trigger_id)
    result = triggers.dry_run(
        condition=trigger.conditions, events=trigger.events, last=payload.last, actor=actor
    )
    matched = [TriggerMatchOut(id=t.pk, number=t.number, subject=t.subject) for t in result.matched]
    return TriggerDryRunOut(checked=result.checked, matched=matched, count=len(matched))


def _trigger(trigger_id: int) -> Trigger:
    trigger = Trigger.objects.filter(pk=trigger_id).first()
    if trigger is None:
        raise NotFound(f"There is no trigger {trigger_id}.")
    return trigger


def _out(trigger: Trigger) -> TriggerOut:
    return TriggerOut(
        id=trigger.pk,
        name=trigger.name,
        description=trigger.description,
        is_active=trigger.is_active,
        position=trigger.position,
        events=trigger.events,
        conditions=trigger.conditions,
        actions=trigger.actions,
        fire_count=trigger.fire_count,
        last_fired_at=trigger.last_fired_at,
        last_error=trigger.last_error,
        last_error_at=trigger.last_error_at,
        created_at=trigger.created_at,
        updated_at=trigger.updated_at,
    )
