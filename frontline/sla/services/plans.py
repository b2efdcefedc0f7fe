"""Which policy applies to a ticket, and the goals ("plan") it sets for the ticket's priority.

A plan is stored on the ticket's ``TicketSla`` as plain data, so replaying the clocks after
a message or a status change needs no policy look-up; only changes that can change the
match (priority, team, category, tags, customer) look the policies up again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, QuerySet

from frontline.sla.clock import DEFAULT_PAUSE_STATUSES, Goal, Plan
from frontline.sla.models import Calendar, PolicyTarget, SlaPolicy, TargetKind
from frontline.sla.schedules import CALENDAR_TIME, compile_calendar
from frontline.tickets.models import Ticket


@dataclass(frozen=True)
class TicketTraits:
    """What policy conditions look at."""

    priority: str
    channel: str
    team_id: int | None
    category_id: int | None
    tags: frozenset[str]
    vip: bool
    tier: str | None


def traits_of(ticket: Ticket, policies: Sequence[SlaPolicy]) -> TicketTraits:
    """What ``policies`` look at; tags and the organisation are read only if one asks."""
    organisation = ticket.organisation if any(p.organisation_tiers for p in policies) else None
    tags = ticket.tags.all() if any(p.tags for p in policies) else ()
    return TicketTraits(
        priority=ticket.priority,
        channel=ticket.channel,
        team_id=ticket.team_id,
        category_id=ticket.category_id,
        tags=frozenset(tag.name for tag in tags),
        vip=ticket.customer.is_vip,
        tier=organisation.tier if organisation is not None else None,
    )


def active_policies() -> QuerySet[SlaPolicy]:
    targets = PolicyTarget.objects.select_related("calendar").order_by("id")
    return (
        SlaPolicy.objects.filter(is_active=True)
        .select_related("calendar")
        .prefetch_related("teams", "categories", Prefetch("targets", queryset=targets))
        .order_by("position", "id")
    )


def matches(policy: SlaPolicy, traits: TicketTraits) -> bool:
    """Every condition the policy sets holds; an empty condition allows anything."""
    if policy.priorities and traits.priority not in policy.priorities:
        return False
    if policy.organisation_tiers and traits.tier not in policy.organisation_tiers:
        return False
    if policy.customer_vip is not None and traits.vip != policy.customer_vip:
        return False
    if policy.channels and traits.channel not in policy.channels:
        return False
    if policy.tags and not traits.tags & set(policy.tags):
        return False
    team_ids = {team.pk for team in policy.teams.all()}
    if team_ids and traits.team_id not in team_ids:
        return False
    category_ids = {category.pk for category in policy.categories.all()}
    return not category_ids or traits.category_id in category_ids


def first_match(policies: Sequence[SlaPolicy], traits: TicketTraits) -> SlaPolicy | None:
    return next((policy for policy in policies if matches(policy, traits)), None)


def plan_data(
    policy: SlaPolicy | None, priority: str, default_calendar: Calendar | None
) -> dict[str, Any]:
    """The stored form of a plan; ``{}`` means no SLA applies."""
    if policy is None:
        return {}
    calendar = policy.calendar or default_calendar
    goals = []
    for target in sorted(policy.targets.all(), key=lambda t: TargetKind.order(t.target)):
        if target.priority != priority:
            continue
        goal_calendar = target.calendar or calendar
        goals.append(
            {
                "target": target.target,
                "seconds": target.minutes * 60,
                "business": target.business_hours and goal_calendar is not None,
                "calendar_id": goal_calendar.pk if goal_calendar is not None else None,
            }
        )
    if not goals:
        return {}
    return {
        "policy_id": policy.pk,
        "policy": policy.name,
        "priority": priority,
        "zone": calendar.time_zone if calendar is not None else "UTC",
        "pause_statuses": sorted(policy.pause_statuses),
        "warn": sorted({int(p) for p in policy.warn_at_percent if 0 < int(p) < 100}),
        "goals": goals,
    }


@dataclass(frozen=True)
class LoadedPlan:
    plan: Plan
    policy: str
    zone: ZoneInfo


def load_plan(data: dict[str, Any], calendars: dict[int, Calendar]) -> LoadedPlan | None:
    """The plan ready for replay; ``calendars`` holds every calendar it names."""
    if not data.get("goals"):
        return None
    goals = []
    for goal in data["goals"]:
        calendar = calendars.get(goal["calendar_id"]) if goal["calendar_id"] else None
        business = bool(goal["business"]) and calendar is not None
        goals.append(
            Goal(
                target=TargetKind(goal["target"]),
                seconds=int(goal["seconds"]),
                calendar=compile_calendar(calendar) if business and calendar else CALENDAR_TIME,
                business=business,
                calendar_id=calendar.pk if business and calendar else None,
            )
        )
    pause = data.get("pause_statuses")
    return LoadedPlan(
        plan=Plan(
            goals=tuple(goals),
            pause_statuses=frozenset(pause) if pause is not None else DEFAULT_PAUSE_STATUSES,
            warn_percents=tuple(data.get("warn", ())),
        ),
        policy=f"{data['policy']} ({data['priority']})",
        zone=ZoneInfo(data.get("zone") or "UTC"),
    )


def calendar_ids(data: dict[str, Any]) -> set[int]:
    return {goal["calendar_id"] for goal in data.get("goals", ()) if goal["calendar_id"]}
