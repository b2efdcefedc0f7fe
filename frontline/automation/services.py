"""Time-based rules: creating them, and firing the ones whose time has come.

``run_time_rules`` finds candidates with one indexed query per rule (the window start is
computed in SQL and a lower bound on the duration is applied there), checks the exact
duration in Python (business hours and days need the calendar), then fires each in its
own transaction. A firing is claimed by inserting its ``TimeRuleRun`` row, unique per
rule, ticket and window: two workers never both fire a rule for a ticket.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, QuerySet, Subquery
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce
from django.utils import timezone
from pydantic import ValidationError

from frontline.accounts.models import Team
from frontline.automation.actions import clean_actions, parse_actions, run_action
from frontline.automation.models import Since, TimeRule, TimeRuleRun, Unit
from frontline.core.actors import Actor
from frontline.core.errors import Conflict, FrontlineError, ValidationFailed
from frontline.sla.business_time import (
    BusinessCalendar,
    NeverOpens,
    add_business_days,
    add_business_time,
)
from frontline.sla.models import Calendar
from frontline.sla.schedules import CALENDAR_TIME, compile_calendar
from frontline.sla.services.actions import TAG_PATTERN
from frontline.sla.services.config import ensure_configurator
from frontline.tickets.models import Channel, Priority, Status, Ticket, TicketEvent

logger = logging.getLogger(__name__)

RUN_BATCH = 500
MAX_AMOUNT = 3650
_TAG = re.compile(TAG_PATTERN)


@dataclass(frozen=True)
class RuleFields:
    """Fields to set; None leaves one alone (``default_calendar`` clears the calendar)."""

    name: str | None = None
    description: str | None = None
    is_active: bool | None = None
    position: int | None = None
    statuses: Sequence[str] | None = None
    priorities: Sequence[str] | None = None
    channels: Sequence[str] | None = None
    tags: Sequence[str] | None = None
    team_ids: Sequence[int] | None = None
    since: str | None = None
    amount: int | None = None
    unit: str | None = None
    calendar_id: int | None = None
    default_calendar: bool = False
    actions: list[Any] | None = None


@transaction.atomic
def create_rule(*, fields: RuleFields, actor: Actor) -> TimeRule:
    ensure_configurator(actor)
    for required in ("name", "statuses", "amount", "actions"):
        if getattr(fields, required) is None:
            raise ValidationFailed(f"A rule needs {required}.", field=required)
    rule = TimeRule()
    _apply(rule, fields)
    return rule


@transaction.atomic
def update_rule(rule: TimeRule, *, fields: RuleFields, actor: Actor) -> TimeRule:
    ensure_configurator(actor)
    rule = TimeRule.objects.select_for_update().get(pk=rule.pk)
    _apply(rule, fields)
    return rule


@transaction.atomic
def delete_rule(rule: TimeRule, *, actor: Actor) -> None:
    ensure_configurator(actor)
    rule.delete()


def _apply(rule: TimeRule, fields: RuleFields) -> None:
    if fields.name is not None:
        rule.name = _unique_name(fields.name, rule.pk)
    if fields.description is not None:
        rule.description = fields.description
    if fields.is_active is not None:
        rule.is_active = fields.is_active
    if fields.position is not None:
        rule.position = fields.position
    if fields.statuses is not None:
        rule.statuses = _choices(fields.statuses, Status.values, field="statuses")
        if not rule.statuses:
            raise ValidationFailed("A rule needs at least one status.", field="statuses")
    if fields.priorities is not None:
        rule.priorities = _choices(fields.priorities, Priority.values, field="priorities")
    if fields.channels is not None:
        rule.channels = _choices(fields.channels, Channel.values, field="channels")
    if fields.tags is not None:
        rule.tags = _choices(fields.tags, None, field="tags")
    _apply_duration(rule, fields)
    if fields.actions is not None:
        rule.actions = clean_actions(fields.actions)
    rule.save()
    if fields.team_ids is not None:
        teams = list(Team.objects.filter(pk__in=set(fields.team_ids)))
        if len(teams) != len(set(fields.team_ids)):
            raise ValidationFailed("One of the teams does not exist.", field="team_ids")
        rule.teams.set(teams)


def _apply_duration(rule: TimeRule, fields: RuleFields) -> None:
    if fields.since is not None:
        rule.since = _one(fields.since, Since.values, field="since")
    if fields.unit is not None:
        rule.unit = _one(fields.unit, Unit.values, field="unit")
    if fields.amount is not None:
        if not 1 <= fields.amount <= MAX_AMOUNT:
            raise ValidationFailed(f"The amount is 1 to {MAX_AMOUNT}.", field="amount")
        rule.amount = fields.amount
    if fields.default_calendar:
        rule.calendar = None
    elif fields.calendar_id is not None:
        rule.calendar = Calendar.objects.filter(pk=fields.calendar_id).first()
        if rule.calendar is None:
            raise ValidationFailed(
                f"There is no calendar {fields.calendar_id}.", field="calendar_id"
            )


def _unique_name(name: str, pk: int | None) -> str:
    clean = " ".join(name.split())[:100]
    if not clean:
        raise ValidationFailed("The name is empty.", field="name")
    if TimeRule.objects.filter(name=clean).exclude(pk=pk or 0).exists():
        raise Conflict(f"{clean!r} is taken.", field="name")
    return clean


def _choices(values: Sequence[str], allowed: Sequence[str] | None, *, field: str) -> list[str]:
    for index, value in enumerate(values):
        valid = value in allowed if allowed is not None else _TAG.match(value)
        if not valid:
            raise ValidationFailed(f"Unknown {field}: {value}.", field=f"{field}.{index}")
    return sorted(set(values))


def _one(value: str, allowed: Sequence[str], *, field: str) -> str:
    if value not in allowed:
        raise ValidationFailed(f"Unknown {field}: {value}.", field=field)
    return value


@dataclass
class RunResult:
    fired: int = 0
    more: bool = False

    def as_dict(self) -> dict[str, int | bool]:
        return {"fired": self.fired, "more": self.more}


def run_time_rules(*, now: datetime | None = None, limit: int = RUN_BATCH) -> RunResult:
    """Fire every active rule whose duration has passed, up to ``limit`` firings."""
    now = now or timezone.now()
    result = RunResult()
    rules = TimeRule.objects.filter(is_active=True).select_related("calendar")
    default = Calendar.objects.filter(is_default=True).first()
    for rule in rules.prefetch_related("teams"):
        calendar = _calendar(rule, default)
        for ticket_id, window_start in _candidates(rule, now)[: limit - result.fired + 1]:
            if result.fired >= limit:
                result.more = True
                return result
            if _due(rule, window_start, calendar) <= now and fire(rule, ticket_id, now=now):
                result.fired += 1
    return result


def _calendar(rule: TimeRule, default: Calendar | None) -> BusinessCalendar:
    calendar = rule.calendar or default
    return compile_calendar(calendar) if calendar is not None else CALENDAR_TIME


def _window_start(since: str) -> Combinable:
    if since == Since.CREATED:
        return F("created_at")
    if since == Since.UPDATED:
        return F("updated_at")
    if since == Since.LAST_MESSAGE:
        return Coalesce(F("last_message_at"), F("created_at"))
    changed = TicketEvent.objects.filter(ticket=OuterRef("pk"), type="status_changed").order_by(
        "-created_at", "-id"
    )
    return Coalesce(Subquery(changed.values("created_at")[:1]), F("created_at"))


def _matching(rule: TimeRule) -> QuerySet[Ticket]:
    """Tickets the rule's field conditions select."""
    tickets = Ticket.objects.filter(status__in=rule.statuses)
    if rule.priorities:
        tickets = tickets.filter(priority__in=rule.priorities)
    if rule.channels:
        tickets = tickets.filter(channel__in=rule.channels)
    team_ids = [team.pk for team in rule.teams.all()]
    if team_ids:
        tickets = tickets.filter(team_id__in=team_ids)
    if rule.tags:
        tagged = Ticket.tags.through.objects.filter(tag__name__in=rule.tags)
        tickets = tickets.filter(pk__in=tagged.values("ticket_id"))
    return tickets


def _candidates(rule: TimeRule, now: datetime) -> QuerySet[Ticket, tuple[int, datetime]]:
    # Business time never runs faster than real time, so the real duration bounds it.
    in_hours = rule.unit in (Unit.HOURS, Unit.BUSINESS_HOURS)
    at_least = timedelta(hours=rule.amount) if in_hours else timedelta(days=rule.amount)
    fired = TimeRuleRun.objects.filter(
        rule=rule, ticket=OuterRef("pk"), window_start=OuterRef("window_start")
    )
    return (
        _matching(rule)
        .annotate(window_start=_window_start(rule.since))
        .filter(window_start__lte=now - at_least)
        .filter(~Exists(fired))
        .order_by("window_start", "pk")
        .values_list("pk", "window_start")
    )


def _due(rule: TimeRule, start: datetime, calendar: BusinessCalendar) -> datetime:
    try:
        if rule.unit == Unit.BUSINESS_HOURS:
            return add_business_time(start, timedelta(hours=rule.amount), calendar)
        if rule.unit == Unit.BUSINESS_DAYS:
            return add_business_days(start, rule.amount, calendar)
    except NeverOpens:
        logger.warning("automation.calendar.never_opens", extra={"rule_id": rule.pk})
        return datetime.max.replace(tzinfo=UTC)
    if rule.unit == Unit.HOURS:
        return start + timedelta(hours=rule.amount)
    return start + timedelta(days=rule.amount)


@transaction.atomic
def fire(rule: TimeRule, ticket_id: int, *, now: datetime) -> bool:
    """Run the rule's actions on the ticket unless it already fired in this window."""
    locked = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
    current = (
        _matching(rule)
        .filter(pk=ticket_id)
        .annotate(window_start=_window_start(rule.since))
        .values_list("window_start", flat=True)
        .first()
    )
    if locked is None or current is None:
        return False  # gone, or no longer matching
    try:
        with transaction.atomic():
            run = TimeRuleRun.objects.create(
                rule=rule, ticket=locked, window_start=current, fired_at=now
            )
    except IntegrityError:
        return False  # fired already, by this worker earlier or another one now
    run.outcome = "; ".join(_run_actions(rule, locked, now=now))
    run.save(update_fields=["outcome"])
    logger.info("automation.fired", extra={"rule_id": rule.pk, "ticket_id": ticket_id})
    return True


def _run_actions(rule: TimeRule, ticket: Ticket, *, now: datetime) -> list[str]:
    try:
        actions = parse_actions(rule.actions)
    except ValidationError:
        logger.warning("automation.actions.invalid", extra={"rule_id": rule.pk})
        return ["invalid actions, nothing done"]
    outcomes = []
    for action in actions:
        fresh = Ticket.objects.select_related("customer", "assignee", "team").get(pk=ticket.pk)
        try:
            with transaction.atomic():
                outcomes.append(run_action(action, fresh, rule=rule.name, now=now))
        except FrontlineError as exc:
            outcomes.append(f"{action.type} failed: {exc.message}")
            logger.warning(
                "automation.action.failed",
                extra={"rule_id": rule.pk, "ticket_id": ticket.pk, "error": exc.message},
            )
    return outcomes
