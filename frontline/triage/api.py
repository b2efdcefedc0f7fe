"""The triage API under /api/v1/triage: rules (staff read, supervisors and above change)
and a ticket's related tickets."""

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from frontline.accounts.api_auth import staff_actor
from frontline.core import conditions
from frontline.core.api_support import ObjectId, responses
from frontline.core.errors import NotFound
from frontline.core.pagination import PageParams, paginate
from frontline.tickets.queries import get_ticket_for
from frontline.triage import rules
from frontline.triage.models import TriageRule
from frontline.triage.related import related_tickets

router = Router(tags=["triage"])

PriorityName = Literal["low", "normal", "high", "urgent"]


class TriageRuleIn(Schema):
    name: str = Field(max_length=120)
    description: str = ""
    is_active: bool = True
    conditions: dict[str, Any] = Field(
        description="The condition language: groups all/any/not and comparisons "
        '{"field", "op", "value"}; see docs/triage.md.'
    )
    set_category_id: ObjectId | None = None
    set_priority: PriorityName | None = None
    set_team_id: ObjectId | None = None
    add_tags: list[str] = Field(default_factory=list, max_length=10)
    stop_processing: bool = False
    position: int | None = Field(default=None, ge=0, le=10_000)


class TriageRuleUpdateIn(Schema):
    name: str | None = Field(default=None, max_length=120)
    description: str | None = None
    is_active: bool | None = None
    conditions: dict[str, Any] | None = None
    set_category_id: ObjectId | None = None
    set_priority: PriorityName | Literal[""] | None = None
    set_team_id: ObjectId | None = None
    add_tags: list[str] | None = Field(default=None, max_length=10)
    stop_processing: bool | None = None
    position: int | None = Field(default=None, ge=0, le=10_000)


class TriageRuleOut(Schema):
    id: int
    name: str
    description: str
    position: int
    is_active: bool
    conditions: dict[str, Any]
    summary: str
    set_category_id: int | None
    set_priority: str
    set_team_id: int | None
    add_tags: list[str]
    stop_processing: bool
    match_count: int
    last_matched_at: datetime | None
    last_error: str
    last_error_at: datetime | None
    created_at: datetime
    updated_at: datetime


class TriageRulePageOut(Schema):
    items: list[TriageRuleOut]
    next: str | None


class RelatedOut(Schema):
    id: int
    number: int
    subject: str
    status: str
    created_at: datetime
    score: float = Field(description="Word overlap with this ticket, 0 to 1.")
    possible_duplicate: bool


class RelatedListOut(Schema):
    items: list[RelatedOut]


def _out(rule: TriageRule) -> TriageRuleOut:
    return TriageRuleOut(
        id=rule.pk,
        name=rule.name,
        description=rule.description,
        position=rule.position,
        is_active=rule.is_active,
        conditions=rule.conditions if isinstance(rule.conditions, dict) else {},
        summary=conditions.describe(rule.conditions),
        set_category_id=rule.set_category_id,
        set_priority=rule.set_priority,
        set_team_id=rule.set_team_id,
        add_tags=list(rule.add_tags),
        stop_processing=rule.stop_processing,
        match_count=rule.match_count,
        last_matched_at=rule.last_matched_at,
        last_error=rule.last_error,
        last_error_at=rule.last_error_at,
        created_at=rule.created_at,
        updated_at=rule.updated_at,
    )


def _rule(rule_id: int) -> TriageRule:
    found = TriageRule.objects.filter(pk=rule_id).first()
    if found is None:
        raise NotFound(f"Triage rule {rule_id} does not exist.")
    return found


@router.get("/rules", response=responses({200: TriageRulePageOut}), summary="Triage rules")
def list_rules(request: HttpRequest, paging: Query[PageParams]) -> TriageRulePageOut:
    staff_actor(request)
    page = paginate(
        TriageRule.objects.all(),
        request,
        order=("position", "id"),
        cursor=paging.cursor,
        page_size=paging.page_size,
    )
    return TriageRulePageOut(items=[_out(r) for r in page.items], next=page.next)


@router.post("/rules", response=responses({201: TriageRuleOut}), summary="New triage rule")
def create_rule(request: HttpRequest, payload: TriageRuleIn) -> Status[TriageRuleOut]:
    actor = staff_actor(request)
    fields = rules.RuleFields(
        name=payload.name,
        description=payload.description,
        is_active=payload.is_active,
        conditions=payload.conditions,
        set_category_id=payload.set_category_id,
        set_priority=payload.set_priority or "",
        set_team_id=payload.set_team_id,
        add_tags=payload.add_tags,
        stop_processing=payload.stop_processing,
        position=payload.position,
    )
    return Status(201, _out(rules.create_rule(fields=fields, actor=actor)))


@router.get(
    "/rules/{triage_rule_id}",
    response=responses({200: TriageRuleOut}),
    summary="Read a triage rule",
)
def get_rule(request: HttpRequest, triage_rule_id: ObjectId) -> TriageRuleOut:
    staff_actor(request)
    return _out(_rule(triage_rule_id))


@router.patch(
    "/rules/{triage_rule_id}",
    response=responses({200: TriageRuleOut}),
    summary="Change a triage rule",
)
def update_rule(
    request: HttpRequest, triage_rule_id: ObjectId, payload: TriageRuleUpdateIn
) -> TriageRuleOut:
    actor = staff_actor(request)
    rules.ensure_manager(actor)
    given = payload.model_fields_set
    fields = rules.RuleFields(
        name=payload.name,
        description=payload.description,
        is_active=payload.is_active,
        conditions=payload.conditions,
        set_category_id=payload.set_category_id,
        clear_category="set_category_id" in given and payload.set_category_id is None,
        set_priority=(payload.set_priority or "") if "set_priority" in given else None,
        set_team_id=payload.set_team_id,
        clear_team="set_team_id" in given and payload.set_team_id is None,
        add_tags=payload.add_tags,
        stop_processing=payload.stop_processing,
        position=payload.position,
    )
    return _out(rules.update_rule(_rule(triage_rule_id), fields=fields, actor=actor))


@router.delete(
    "/rules/{triage_rule_id}", response=responses({204: None}), summary="Delete a triage rule"
)
def delete_rule(request: HttpRequest, triage_rule_id: ObjectId) -> Status[None]:
    actor = staff_actor(request)
    rules.ensure_manager(actor)
    rules.delete_rule(_rule(triage_rule_id), actor=actor)
    return Status(204, None)


@router.get(
    "/tickets/{ticket_id}/related",
    response=responses({200: RelatedListOut}),
    summary="Related tickets and possible duplicates",
)
def list_related(request: HttpRequest, ticket_id: ObjectId) -> RelatedListOut:
    """Up to five recent tickets of the same customer or organisation that read alike and
    that the caller may open; open ones that read very alike are possible duplicates."""
    actor = staff_actor(request)
    ticket = get_ticket_for(actor, ticket_id)
    items = [
        RelatedOut(
            id=r.ticket.pk,
            number=r.ticket.number,
            subject=r.ticket.subject,
            status=r.ticket.status,
            created_at=r.ticket.created_at,
            score=r.score,
            possible_duplicate=r.possible_duplicate,
        )
        for r in related_tickets(ticket, actor=actor)
    ]
    return RelatedListOut(items=items)
