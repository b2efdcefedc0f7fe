"""Creating and changing business calendars and SLA policies.

Only the head of support and administrators (or the system) change them. A change that
can move due times re-plays the clocks of every unsolved ticket in the background, in
batches, after the change commits.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from frontline.accounts.models import Site, Team, validate_time_zone
from frontline.accounts.permissions import can_manage_configuration
from frontline.core.actors import Actor, ActorKind
from frontline.core.errors import Conflict, PermissionDenied, ValidationFailed
from frontline.customers.models import Tier
from frontline.sla.defaults import create_defaults
from frontline.sla.models import Calendar, ConfigVersion, PolicyTarget, SlaPolicy, TargetKind
from frontline.sla.schedules import (
    InvalidCalendar,
    clean_holiday_region,
    clean_special_days,
    clean_weekly_hours,
)
from frontline.sla.services.actions import TAG_PATTERN, clean_actions
from frontline.sla.services.lookups import config_changed
from frontline.tickets.models import UNSOLVED_STATUSES, Category, Channel, Priority

MAX_GOAL_MINUTES = 366 * 24 * 60
_TAG = re.compile(TAG_PATTERN)


def ensure_defaults() -> bool:
    """The default calendar and policies, unless calendars or policies exist already."""
    return create_defaults(
        Calendar, SlaPolicy, PolicyTarget, ConfigVersion, time_zone=settings.TIME_ZONE
    )


def ensure_configurator(actor: Actor) -> None:
    if actor.kind is ActorKind.SYSTEM:
        return
    if not actor.is_agent or actor.user is None or not can_manage_configuration(actor.user):
        raise PermissionDenied(
            "Only the head of support and administrators change calendars and SLA policies."
        )


def _replay_open_tickets() -> None:
    """The configuration changed: tell other processes, replay unsolved tickets after it
    commits."""
    from frontline.sla.tasks import recompute_open_tickets

    config_changed()
    transaction.on_commit(lambda: recompute_open_tickets(0))


@dataclass(frozen=True)
class CalendarFields:
    """Fields to set; None leaves one alone."""

    name: str | None = None
    time_zone: str | None = None
    weekly_hours: dict[str, Any] | None = None
    holiday_country: str | None = None
    holiday_subdivision: str | None = None
    special_days: list[Any] | None = None
    is_default: bool | None = None
    site_id: int | None = None
    clear_site: bool = False


@transaction.atomic
def create_calendar(*, fields: CalendarFields, actor: Actor) -> Calendar:
    ensure_configurator(actor)
    if fields.name is None:
        raise ValidationFailed("A calendar needs a name.", field="name")
    calendar = Calendar()
    _apply_calendar(calendar, fields)
    if calendar.is_default:
        _replay_open_tickets()  # policies without a calendar of their own work to it now
    else:
        config_changed()
    return calendar


@transaction.atomic
def update_calendar(calendar: Calendar, *, fields: CalendarFields, actor: Actor) -> Calendar:
    ensure_configurator(actor)
    calendar = Calendar.objects.select_for_update().get(pk=calendar.pk)
    _apply_calendar(calendar, fields)
    _replay_open_tickets()
    return calendar


@transaction.atomic
def delete_calendar(calendar: Calendar, *, actor: Actor) -> None:
    ensure_configurator(actor)
    if calendar.is_default:
        raise Conflict("Make another calendar the default before deleting this one.")
    in_use = SlaPolicy.objects.filter(calendar=calendar).values_list("name", flat=True)
    in_use_by_goal = PolicyTarget.objects.filter(calendar=calendar).values_list(
        "policy__name", flat=True
    )
    users = sorted({*in_use, *in_use_by_goal})
    if users:
        raise Conflict(f"The calendar is used by the policies {', '.join(users)}.")
    calendar.delete()
    _replay_open_tickets()


def _apply_calendar(calendar: Calendar, fields: CalendarFields) -> None:
    if fields.name is not None:
        calendar.name = _name(fields.name, Calendar, calendar.pk)
    if fields.time_zone is not None:
        calendar.time_zone = _time_zone(fields.time_zone)
    try:
        if fields.weekly_hours is not None:
            calendar.weekly_hours = clean_weekly_hours(fields.weekly_hours)
        if fields.special_days is not None:
            calendar.special_days = clean_special_days(fields.special_days)
        if fields.holiday_country is not None or fields.holiday_subdivision is not None:
            country = _given(fields.holiday_country, calendar.holiday_country)
            subdivision = _given(fields.holiday_subdivision, calendar.holiday_subdivision)
            if fields.holiday_country is not None and fields.holiday_subdivision is None:
                subdivision = "" if country != calendar.holiday_country else subdivision
            calendar.holiday_country, calendar.holiday_subdivision = clean_holiday_region(
                country, subdivision
            )
    except InvalidCalendar as exc:
        raise ValidationFailed(str(exc), field=exc.field) from None
    if not any(calendar.weekly_hours.get(day) for day in calendar.weekly_hours):
        raise ValidationFailed(
            "A calendar needs open hours on at least one weekday.", field="weekly_hours"
        )
    _apply_site(calendar, fields)
    _apply_default(calendar, fields.is_default)
    calendar.save()


def _given(value: str | None, current: str) -> str:
    return current if value is None else value


def _apply_site(calendar: Calendar, fields: CalendarFields) -> None:
    if fields.clear_site:
        calendar.site = None
    elif fields.site_id is not None:
        site = Site.objects.filter(pk=fields.site_id).first()
        if site is None:
            raise ValidationFailed(f"There is no site {fields.site_id}.", field="site_id")
        taken = Calendar.objects.filter(site=site).exclude(pk=calendar.pk).first()
        if taken is not None:
            raise Conflict(f"{site.name} already works to {taken.name}.", field="site_id")
        calendar.site = site


def _apply_default(calendar: Calendar, is_default: bool | None) -> None:
    if is_default is None:
        return
    if is_default and not calendar.is_default:
        Calendar.objects.filter(is_default=True).update(is_default=False)
        calendar.is_default = True
    elif not is_default and calendar.is_default:
        raise Conflict("Make another calendar the default instead.", field="is_default")


def _name(name: str, model: type[Calendar] | type[SlaPolicy], pk: int | None) -> str:
    clean = " ".join(name.split())[:100]
    if not clean:
        raise ValidationFailed("The name is empty.", field="name")
    same_name = model.objects.filter(name=clean)
    if pk is not None:
        same_name = same_name.exclude(pk=pk)
    if same_name.exists():
        raise Conflict(f"{clean!r} is taken.", field="name")
    return clean


def _time_zone(value: str) -> str:
    try:
        validate_time_zone(value)
    except ValidationError:
        raise ValidationFailed(f"{value!r} is not a known time zone.", field="time_zone") from None
    return value


@dataclass(frozen=True)
class GoalFields:
    priority: str
    target: str
    minutes: int
    business_hours: bool = True
    calendar_id: int | None = None


@dataclass(frozen=True)
class PolicyFields:
    """Fields to set; None leaves one alone. ``any_customer`` clears the VIP condition and
    ``default_calendar`` the policy's own calendar."""

    name: str | None = None
    description: str | None = None
    position: int | None = None
    is_active: bool | None = None
    priorities: Sequence[str] | None = None
    organisation_tiers: Sequence[str] | None = None
    customer_vip: bool | None = None
    any_customer: bool = False
    channels: Sequence[str] | None = None
    tags: Sequence[str] | None = None
    team_ids: Sequence[int] | None = None
    category_ids: Sequence[int] | None = None
    calendar_id: int | None = None
    default_calendar: bool = False
    pause_statuses: Sequence[str] | None = None
    warn_at_percent: Sequence[int] | None = None
    warning_actions: list[Any] | None = None
    breach_actions: list[Any] | None = None
    goals: Sequence[GoalFields] | None = None


@transaction.atomic
def create_policy(*, fields: PolicyFields, actor: Actor) -> SlaPolicy:
    ensure_configurator(actor)
    if fields.name is None:
        raise ValidationFailed("A policy needs a name.", field="name")
    policy = SlaPolicy()
    _apply_policy(policy, fields)
    _replay_open_tickets()
    return policy


@transaction.atomic
def update_policy(policy: SlaPolicy, *, fields: PolicyFields, actor: Actor) -> SlaPolicy:
    ensure_configurator(actor)
    policy = SlaPolicy.objects.select_for_update().get(pk=policy.pk)
    _apply_policy(policy, fields)
    _replay_open_tickets()
    return policy


@transaction.atomic
def delete_policy(policy: SlaPolicy, *, actor: Actor) -> None:
    ensure_configurator(actor)
    policy.delete()
    _replay_open_tickets()


def _apply_policy(policy: SlaPolicy, fields: PolicyFields) -> None:
    if fields.name is not None:
        policy.name = _name(fields.name, SlaPolicy, policy.pk)
    if fields.description is not None:
        policy.description = fields.description
    if fields.position is not None:
        policy.position = fields.position
    if fields.is_active is not None:
        policy.is_active = fields.is_active
    _apply_conditions(policy, fields)
    _apply_clock_settings(policy, fields)
    policy.save()
    if fields.team_ids is not None:
        policy.teams.set(_existing(Team, fields.team_ids, field="team_ids"))
    if fields.category_ids is not None:
        policy.categories.set(_existing(Category, fields.category_ids, field="category_ids"))
    if fields.goals is not None:
        _replace_goals(policy, fields.goals)


def _apply_conditions(policy: SlaPolicy, fields: PolicyFields) -> None:
    if fields.priorities is not None:
        policy.priorities = _choices(fields.priorities, Priority.values, field="priorities")
    if fields.organisation_tiers is not None:
        policy.organisation_tiers = _choices(
            fields.organisation_tiers, Tier.values, field="organisation_tiers"
        )
    if fields.any_customer:
        policy.customer_vip = None
    elif fields.customer_vip is not None:
        policy.customer_vip = fields.customer_vip
    if fields.channels is not None:
        policy.channels = _choices(fields.channels, Channel.values, field="channels")
    if fields.tags is not None:
        policy.tags = _tags(fields.tags)


def _apply_clock_settings(policy: SlaPolicy, fields: PolicyFields) -> None:
    if fields.default_calendar:
        policy.calendar = None
    elif fields.calendar_id is not None:
        policy.calendar = _calendar(fields.calendar_id, field="calendar_id")
    if fields.pause_statuses is not None:
        allowed = [s.value for s in UNSOLVED_STATUSES]
        policy.pause_statuses = _choices(fields.pause_statuses, allowed, field="pause_statuses")
    if fields.warn_at_percent is not None:
        percents = sorted(set(fields.warn_at_percent))
        if any(not 0 < p < 100 for p in percents) or len(percents) > 5:
            raise ValidationFailed(
                "Warnings are up to five percentages between 1 and 99.", field="warn_at_percent"
            )
        policy.warn_at_percent = percents
    if fields.warning_actions is not None:
        policy.warning_actions = clean_actions(fields.warning_actions, field="warning_actions")
    if fields.breach_actions is not None:
        policy.breach_actions = clean_actions(fields.breach_actions, field="breach_actions")


def _replace_goals(policy: SlaPolicy, goals: Sequence[GoalFields]) -> None:
    seen: set[tuple[str, str]] = set()
    rows = []
    for index, goal in enumerate(goals):
        where = f"goals.{index}"
        key = (goal.priority, goal.target)
        if goal.priority not in Priority.values:
            raise ValidationFailed(
                f"Unknown priority {goal.priority!r}.", field=f"{where}.priority"
            )
        if goal.target not in TargetKind.values:
            raise ValidationFailed(f"Unknown target {goal.target!r}.", field=f"{where}.target")
        if key in seen:
            raise ValidationFailed(
                f"{goal.target} for {goal.priority} is given twice.", field=where
            )
        if not 1 <= goal.minutes <= MAX_GOAL_MINUTES:
            raise ValidationFailed(
                f"A goal is 1 to {MAX_GOAL_MINUTES} minutes.", field=f"{where}.minutes"
            )
        seen.add(key)
        calendar = (
            _calendar(goal.calendar_id, field=f"{where}.calendar_id")
            if goal.calendar_id is not None
            else None
        )
        rows.append(
            PolicyTarget(
                policy=policy,
                priority=goal.priority,
                target=goal.target,
                minutes=goal.minutes,
                business_hours=goal.business_hours,
                calendar=calendar,
            )
        )
    policy.targets.all().delete()
    PolicyTarget.objects.bulk_create(rows)


def _choices(values: Sequence[str], allowed: Sequence[str], *, field: str) -> list[str]:
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ValidationFailed(f"Unknown {field}: {', '.join(map(str, unknown))}.", field=field)
    return sorted(set(values), key=list(allowed).index)


def _tags(values: Sequence[str]) -> list[str]:
    clean = []
    for raw in values:
        name = "-".join(str(raw).strip().lower().split())
        if not _TAG.match(name):
            raise ValidationFailed(f"{raw!r} is not a valid tag.", field="tags")
        clean.append(name)
    return sorted(set(clean))


def _calendar(calendar_id: int, *, field: str) -> Calendar:
    calendar = Calendar.objects.filter(pk=calendar_id).first()
    if calendar is None:
        raise ValidationFailed(f"There is no calendar {calendar_id}.", field=field)
    return calendar


def _existing(model: type[Team] | type[Category], ids: Sequence[int], *, field: str) -> list[Any]:
    wanted = set(ids)
    found = list(model.objects.filter(pk__in=wanted))
    missing = wanted - {row.pk for row in found}
    if missing:
        raise ValidationFailed(f"There is no {field[:-4]} {min(missing)}.", field=field)
    return found
