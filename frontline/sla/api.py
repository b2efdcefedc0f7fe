"""Business calendars, SLA policies and a ticket's SLA history: /api/v1/sla/…

Staff read; the head of support and administrators change calendars and policies.
"""

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.responses import Status

from frontline.accounts.api_auth import staff_actor
from frontline.core.actors import Actor
from frontline.core.api_support import ObjectId, responses
from frontline.core.errors import NotFound, ValidationFailed
from frontline.core.pagination import PageParams, paginate
from frontline.sla import services
from frontline.sla.business_time import NeverOpens
from frontline.sla.explain import preview_due
from frontline.sla.models import Calendar, PolicyTarget, SlaPolicy, SlaTarget, TicketSla
from frontline.sla.schedules import compile_calendar
from frontline.sla.schemas import (
    CalendarIn,
    CalendarOut,
    CalendarUpdateIn,
    ChangeOut,
    GoalOut,
    PolicyIn,
    PolicyOut,
    PolicyRefOut,
    PolicyUpdateIn,
    PreviewOut,
    PreviewParams,
    SpecialDay,
    TargetOut,
    TicketSlaOut,
    WeeklyHours,
)
from frontline.sla.services.config import ensure_configurator
from frontline.tickets.queries import get_ticket_for

router = Router(tags=["sla"])


class CalendarPageOut(Schema):
    items: list[CalendarOut]
    next: str | None


class PolicyPageOut(Schema):
    items: list[PolicyOut]
    next: str | None


# The policy's own fields, as the request bodies and ``services.PolicyFields`` name them.
POLICY_FIELDS: set[str] = {
    "name",
    "description",
    "position",
    "is_active",
    "priorities",
    "organisation_tiers",
    "customer_vip",
    "channels",
    "tags",
    "team_ids",
    "category_ids",
    "calendar_id",
    "pause_statuses",
    "warn_at_percent",
}


@router.get("/calendars", response=responses({200: CalendarPageOut}), summary="Calendars")
def list_calendars(request: HttpRequest, paging: Query[PageParams]) -> CalendarPageOut:
    staff_actor(request)
    page = paginate(
        Calendar.objects.all(),
        request,
        order=("id",),
        cursor=paging.cursor,
        page_size=paging.page_size,
    )
    return CalendarPageOut(items=[_calendar_out(c) for c in page.items], next=page.next)


@router.post("/calendars", response=responses({201: CalendarOut}), summary="New calendar")
def create_calendar(request: HttpRequest, payload: CalendarIn) -> Status[CalendarOut]:
    actor = _configurator(request)
    fields = services.CalendarFields(
        name=payload.name,
        time_zone=payload.time_zone,
        weekly_hours=payload.weekly_hours.model_dump(),
        holiday_country=payload.holiday_country,
        holiday_subdivision=payload.holiday_subdivision,
        special_days=[day.model_dump(mode="json") for day in payload.special_days],
        is_default=payload.is_default or None,
        site_id=payload.site_id,
    )
    return Status(201, _calendar_out(services.create_calendar(fields=fields, actor=actor)))


@router.get(
    "/calendars/{calendar_id}", response=responses({200: CalendarOut}), summary="Read a calendar"
)
def get_calendar(request: HttpRequest, calendar_id: ObjectId) -> CalendarOut:
    staff_actor(request)
    return _calendar_out(_calendar(calendar_id))


@router.patch("/calendars/{calendar_id}", response=responses({200: CalendarOut}), summary="Change")
def update_calendar(
    request: HttpRequest, calendar_id: ObjectId, payload: CalendarUpdateIn
) -> CalendarOut:
    actor = _configurator(request)
    given = payload.model_fields_set
    fields = services.CalendarFields(
        name=payload.name,
        time_zone=payload.time_zone,
        weekly_hours=payload.weekly_hours.model_dump() if payload.weekly_hours else None,
        holiday_country=payload.holiday_country,
        holiday_subdivision=payload.holiday_subdivision,
        special_days=(
            [day.model_dump(mode="json") for day in payload.special_days]
            if payload.special_days is not None
            else None
        ),
        is_default=payload.is_default,
        site_id=payload.site_id,
        clear_site="site_id" in given and payload.site_id is None,
    )
    calendar = services.update_calendar(_calendar(calendar_id), fields=fields, actor=actor)
    return _calendar_out(calendar)


@router.delete(
    "/calendars/{calendar_id}", response=responses({204: None}), summary="Delete a calendar"
)
def delete_calendar(request: HttpRequest, calendar_id: ObjectId) -> Status[None]:
    actor = _configurator(request)
    services.delete_calendar(_calendar(calendar_id), actor=actor)
    return Status(204, None)


@router.get(
    "/calendars/{calendar_id}/preview",
    response=responses({200: PreviewOut}),
    summary="When a goal started at a given time would be due",
)
def preview_calendar(
    request: HttpRequest, calendar_id: ObjectId, params: Query[PreviewParams]
) -> PreviewOut:
    staff_actor(request)
    if params.start.tzinfo is None:
        raise ValidationFailed("The start needs a UTC offset.", field="start")
    calendar = compile_calendar(_calendar(calendar_id))
    try:
        due, explanation = preview_due(calendar, params.start, timedelta(minutes=params.minutes))
    except (NeverOpens, OverflowError):
        raise ValidationFailed("The calendar does not open in time.", field="minutes") from None
    return PreviewOut(start=params.start, due_at=due, explanation=explanation)


@router.get("/policies", response=responses({200: PolicyPageOut}), summary="SLA policies")
def list_policies(request: HttpRequest, paging: Query[PageParams]) -> PolicyPageOut:
    """In the order policies are tried: the first active match applies."""
    staff_actor(request)
    page = paginate(
        _policies(),
        request,
        order=("position", "id"),
        cursor=paging.cursor,
        page_size=paging.page_size,
    )
    return PolicyPageOut(items=[_policy_out(p) for p in page.items], next=page.next)


@router.post("/policies", response=responses({201: PolicyOut}), summary="New SLA policy")
def create_policy(request: HttpRequest, payload: PolicyIn) -> Status[PolicyOut]:
    actor = _configurator(request)
    fields = services.PolicyFields(
        **payload.model_dump(include=POLICY_FIELDS),
        warning_actions=[a.model_dump() for a in payload.warning_actions],
        breach_actions=[a.model_dump() for a in payload.breach_actions],
        goals=[services.GoalFields(**goal.model_dump()) for goal in payload.goals],
    )
    policy = services.create_policy(fields=fields, actor=actor)
    return Status(201, _policy_out(_policy(policy.pk)))


@router.get("/policies/{policy_id}", response=responses({200: PolicyOut}), summary="Read")
def get_policy(request: HttpRequest, policy_id: ObjectId) -> PolicyOut:
    staff_actor(request)
    return _policy_out(_policy(policy_id))


@router.patch("/policies/{policy_id}", response=responses({200: PolicyOut}), summary="Change")
def update_policy(request: HttpRequest, policy_id: ObjectId, payload: PolicyUpdateIn) -> PolicyOut:
    actor = _configurator(request)
    given = payload.model_fields_set
    plain = payload.model_dump(include=POLICY_FIELDS)
    fields = services.PolicyFields(
        **plain,
        any_customer="customer_vip" in given and payload.customer_vip is None,
        default_calendar="calendar_id" in given and payload.calendar_id is None,
        warning_actions=_dumped(payload.warning_actions),
        breach_actions=_dumped(payload.breach_actions),
        goals=(
            [services.GoalFields(**goal.model_dump()) for goal in payload.goals]
            if payload.goals is not None
            else None
        ),
    )
    services.update_policy(_policy(policy_id), fields=fields, actor=actor)
    return _policy_out(_policy(policy_id))


@router.delete("/policies/{policy_id}", response=responses({204: None}), summary="Delete")
def delete_policy(request: HttpRequest, policy_id: ObjectId) -> Status[None]:
    actor = _configurator(request)
    services.delete_policy(_policy(policy_id), actor=actor)
    return Status(204, None)


@router.get(
    "/tickets/{ticket_id}",
    response=responses({200: TicketSlaOut}),
    summary="A ticket's SLA targets and their history",
)
def ticket_sla(request: HttpRequest, ticket_id: ObjectId) -> TicketSlaOut:
    actor = staff_actor(request)
    ticket = get_ticket_for(actor, ticket_id)
    summary = TicketSla.objects.select_related("policy").filter(ticket=ticket).first()
    now = timezone.now()
    targets = SlaTarget.objects.filter(ticket=ticket).select_related("calendar")
    history = ticket.sla_changes.order_by("-at", "-id")[:100]
    return TicketSlaOut(
        ticket_id=ticket.pk,
        policy=(
            PolicyRefOut(id=summary.policy.pk, name=summary.policy.name)
            if summary is not None and summary.policy is not None
            else None
        ),
        reason=summary.reason if summary is not None else "",
        next_due_at=summary.next_due_at if summary is not None else None,
        targets=[_target_out(row, now) for row in targets],
        history=[
            ChangeOut(kind=c.kind, target=c.target, message=c.message, at=c.at)
            for c in reversed(list(history))
        ],
    )


def _configurator(request: HttpRequest) -> Actor:
    actor = staff_actor(request)
    ensure_configurator(actor)
    return actor


def _calendar(calendar_id: int) -> Calendar:
    calendar = Calendar.objects.filter(pk=calendar_id).first()
    if calendar is None:
        raise NotFound(f"There is no calendar {calendar_id}.")
    return calendar


def _policies() -> QuerySet[SlaPolicy]:
    goals = PolicyTarget.objects.order_by("priority", "target", "id")
    return SlaPolicy.objects.prefetch_related(
        "teams", "categories", Prefetch("targets", queryset=goals)
    ).order_by("position", "id")


def _policy(policy_id: int) -> SlaPolicy:
    policy = _policies().filter(pk=policy_id).first()
    if policy is None:
        raise NotFound(f"There is no SLA policy {policy_id}.")
    return policy


def _dumped(actions: list[Any] | None) -> list[dict[str, Any]] | None:
    return [a.model_dump() for a in actions] if actions is not None else None


def _calendar_out(calendar: Calendar) -> CalendarOut:
    return CalendarOut(
        id=calendar.pk,
        name=calendar.name,
        time_zone=calendar.time_zone,
        weekly_hours=WeeklyHours(**calendar.weekly_hours),
        holiday_country=calendar.holiday_country,
        holiday_subdivision=calendar.holiday_subdivision,
        special_days=[SpecialDay(**day) for day in calendar.special_days],
        is_default=calendar.is_default,
        site_id=calendar.site_id,
        created_at=calendar.created_at,
        updated_at=calendar.updated_at,
    )


def _policy_out(policy: SlaPolicy) -> PolicyOut:
    return PolicyOut(
        id=policy.pk,
        name=policy.name,
        description=policy.description,
        position=policy.position,
        is_active=policy.is_active,
        priorities=policy.priorities,
        organisation_tiers=policy.organisation_tiers,
        customer_vip=policy.customer_vip,
        channels=policy.channels,
        tags=policy.tags,
        team_ids=sorted(t.pk for t in policy.teams.all()),
        category_ids=sorted(c.pk for c in policy.categories.all()),
        calendar_id=policy.calendar_id,
        pause_statuses=policy.pause_statuses,
        warn_at_percent=policy.warn_at_percent,
        warning_actions=policy.warning_actions,
        breach_actions=policy.breach_actions,
        goals=[
            GoalOut(
                target=goal.target,  # type: ignore[arg-type]
                priority=goal.priority,  # type: ignore[arg-type]
                minutes=goal.minutes,
                business_hours=goal.business_hours,
                calendar_id=goal.calendar_id,
            )
            for goal in policy.targets.all()
        ],
        created_at=policy.created_at,
        updated_at=policy.updated_at,
    )


def _target_out(row: SlaTarget, now: datetime) -> TargetOut:
    reading = row.reading(now)
    return TargetOut(
        target=reading.target,  # type: ignore[arg-type]
        due_at=reading.due_at,
        state=reading.state,  # type: ignore[arg-type]
        remaining_seconds=reading.remaining_seconds,
        explanation=reading.explanation,
        cycle=row.cycle,
        goal_seconds=row.goal_seconds,
        business_time=row.business_time,
        started_at=row.started_at,
        stopped_at=row.stopped_at,
    )
