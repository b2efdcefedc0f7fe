"""Time-based rules: /api/v1/automation/time-rules. Staff read; the head of support and
administrators change them."""

from datetime import datetime
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from frontline.accounts.api_auth import staff_actor
from frontline.automation import services
from frontline.automation.actions import RuleAction
from frontline.automation.models import TimeRule
from frontline.core.api_support import InputSchema, ObjectId, responses
from frontline.core.errors import NotFound
from frontline.core.pagination import PageParams, paginate
from frontline.sla.services.actions import TAG_PATTERN
from frontline.sla.services.config import ensure_configurator

router = Router(tags=["automation"])

NO_NUL = r"^[^\x00]*$"
NON_BLANK = r"^[^\x00]*[^\s\x00][^\x00]*$"
StatusName = Literal["new", "open", "pending", "on_hold", "solved", "closed"]
PriorityName = Literal["low", "normal", "high", "urgent"]
ChannelName = Literal["email", "portal", "chat", "phone", "sms", "social", "api", "web_form"]
SinceName = Literal["status_changed", "created", "updated", "last_message"]
UnitName = Literal["hours", "days", "business_hours", "business_days"]
TagName = Annotated[str, Field(pattern=TAG_PATTERN)]


class RuleOut(Schema):
    id: int
    name: str
    description: str
    is_active: bool
    position: int
    statuses: list[StatusName]
    priorities: list[PriorityName]
    channels: list[ChannelName]
    tags: list[str]
    team_ids: list[int]
    since: SinceName
    amount: int
    unit: UnitName
    calendar_id: int | None
    actions: list[RuleAction]
    created_at: datetime
    updated_at: datetime


class RuleIn(InputSchema):
    name: str = Field(max_length=100, pattern=NON_BLANK)
    description: str = Field("", max_length=2000, pattern=NO_NUL)
    is_active: bool = True
    position: int = Field(0, ge=0, le=1_000_000)
    statuses: list[StatusName] = Field(min_length=1, max_length=6)
    priorities: list[PriorityName] = Field(default_factory=list, max_length=4)
    channels: list[ChannelName] = Field(default_factory=list, max_length=8)
    tags: list[TagName] = Field(default_factory=list, max_length=50)
    team_ids: list[ObjectId] = Field(default_factory=list, max_length=100)
    since: SinceName = "status_changed"
    amount: int = Field(ge=1, le=services.MAX_AMOUNT)
    unit: UnitName = "days"
    calendar_id: ObjectId | None = Field(None, description="null: the default calendar.")
    actions: list[RuleAction] = Field(min_length=1, max_length=10)


class RuleUpdateIn(InputSchema):
    name: str | None = Field(None, max_length=100, pattern=NON_BLANK)
    description: str | None = Field(None, max_length=2000, pattern=NO_NUL)
    is_active: bool | None = None
    position: int | None = Field(None, ge=0, le=1_000_000)
    statuses: list[StatusName] | None = Field(None, min_length=1, max_length=6)
    priorities: list[PriorityName] | None = Field(None, max_length=4)
    channels: list[ChannelName] | None = Field(None, max_length=8)
    tags: list[TagName] | None = Field(None, max_length=50)
    team_ids: list[ObjectId] | None = Field(None, max_length=100)
    since: SinceName | None = None
    amount: int | None = Field(None, ge=1, le=services.MAX_AMOUNT)
    unit: UnitName | None = None
    calendar_id: ObjectId | None = Field(None, description="null: the default calendar.")
    actions: list[RuleAction] | None = Field(None, min_length=1, max_length=10)


_PLAIN = {
    "name", "description", "is_active", "position", "statuses", "priorities", "channels",
    "tags", "team_ids", "since", "amount", "unit", "calendar_id",
}  # fmt: skip


class RulePageOut(Schema):
    items: list[RuleOut]
    next: str | None


@router.get("/time-rules", response=responses({200: RulePageOut}), summary="Time rules")
def list_rules(request: HttpRequest, paging: Query[PageParams]) -> RulePageOut:
    """In the order rules run."""
    staff_actor(request)
    page = paginate(
        TimeRule.objects.prefetch_related("teams"),
        request,
        order=("position", "id"),
        cursor=paging.cursor,
        page_size=paging.page_size,
    )
    return RulePageOut(items=[_rule_out(rule) for rule in page.items], next=page.next)


@router.post("/time-rules", response=responses({201: RuleOut}), summary="New time rule")
def create_rule(request: HttpRequest, payload: RuleIn) -> Status[RuleOut]:
    actor = staff_actor(request)
    ensure_configurator(actor)
    fields = services.RuleFields(
        **payload.model_dump(include=_PLAIN),
        actions=[action.model_dump() for action in payload.actions],
    )
    rule = services.create_rule(fields=fields, actor=actor)
    return Status(201, _rule_out(_rule(rule.pk)))


@router.get("/time-rules/{rule_id}", response=responses({200: RuleOut}), summary="Read")
def get_rule(request: HttpRequest, rule_id: ObjectId) -> RuleOut:
    staff_actor(request)
    return _rule_out(_rule(rule_id))


@router.patch("/time-rules/{rule_id}", response=responses({200: RuleOut}), summary="Change")
def update_rule(request: HttpRequest, rule_id: ObjectId, payload: RuleUpdateIn) -> RuleOut:
    actor = staff_actor(request)
    ensure_configurator(actor)
    fields = services.RuleFields(
        **payload.model_dump(include=_PLAIN),
        default_calendar="calendar_id" in payload.model_fields_set and payload.calendar_id is None,
        actions=(
            [action.model_dump() for action in payload.actions]
            if payload.actions is not None
            else None
        ),
    )
    services.update_rule(_rule(rule_id), fields=fields, actor=actor)
    return _rule_out(_rule(rule_id))


@router.delete("/time-rules/{rule_id}", response=responses({204: None}), summary="Delete")
def delete_rule(request: HttpRequest, rule_id: ObjectId) -> Status[None]:
    actor = staff_actor(request)
    ensure_configurator(actor)
    services.delete_rule(_rule(rule_id), actor=actor)
    return Status(204, None)


def _rule(rule_id: int) -> TimeRule:
    rule = TimeRule.objects.prefetch_related("teams").filter(pk=rule_id).first()
    if rule is None:
        raise NotFound(f"There is no time rule {rule_id}.")
    return rule


def _rule_out(rule: TimeRule) -> RuleOut:
    return RuleOut(
        id=rule.pk,
        name=rule.name,
        description=rule.description,
        is_active=rule.is_active,
        position=rule.position,
        statuses=rule.statuses,
        priorities=rule.priorities,
        channels=rule.channels,
        tags=rule.tags,
        team_ids=sorted(team.pk for team in rule.teams.all()),
        since=rule.since,  # type: ignore[arg-type]
        amount=rule.amount,
        unit=rule.unit,  # type: ignore[arg-type]
        calendar_id=rule.calendar_id,
        actions=rule.actions,
        created_at=rule.created_at,
        updated_at=rule.updated_at,
    )
