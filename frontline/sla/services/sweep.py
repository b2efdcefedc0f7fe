"""The sweep: send the warnings and run the breach actions that have come due.

Due times are stored and indexed (``SlaTarget.alert_at``), so a sweep reads only the rows
whose moment has come, however many tickets are open. Each is handled in its own
transaction that first locks the ticket (the order every ticket change uses), then claims
the work with a conditional update and acts only if it changed the row: two workers
sweeping at once never both warn or both run a breach's actions.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from frontline.core.dispatch import dispatch
from frontline.sla.business_time import add_business_time
from frontline.sla.explain import format_instant
from frontline.sla.models import (
    ChangeKind,
    NotificationKind,
    SlaChange,
    SlaPolicy,
    SlaState,
    SlaTarget,
    TargetKind,
    TicketSla,
    default_breach_actions,
    default_warning_actions,
)
from frontline.sla.readings import calendar_of
from frontline.sla.services.actions import Alert, run_actions
from frontline.sla.services.lookups import shared_lookups
from frontline.tickets.models import Ticket

logger = logging.getLogger(__name__)

SWEEP_BATCH = 500


class Outcome(StrEnum):
    WARNED = "warned"
    BREACHED = "breached"
    NOTHING = "nothing"


@dataclass
class SweepResult:
    examined: int = 0
    warned: int = 0
    breached: int = 0
    more: bool = False

    def as_dict(self) -> dict[str, int | bool]:
        return {
            "examined": self.examined,
            "warned": self.warned,
            "breached": self.breached,
            "more": self.more,
        }


def sweep(*, now: datetime | None = None, limit: int = SWEEP_BATCH) -> SweepResult:
    """Handle up to ``limit`` targets whose alert moment has passed, oldest first."""
    now = now or timezone.now()
    due = list(
        SlaTarget.objects.filter(alert_at__lte=now)
        .order_by("alert_at", "id")
        .values_list("pk", "ticket_id")[: limit + 1]
    )
    result = SweepResult(more=len(due) > limit)
    with shared_lookups():
        for target_id, ticket_id in due[:limit]:
            outcome = handle_alert(target_id, ticket_id, now=now)
            result.examined += 1
            result.warned += outcome is Outcome.WARNED
            result.breached += outcome is Outcome.BREACHED
    return result


@transaction.atomic
def handle_alert(target_id: int, ticket_id: int, *, now: datetime) -> Outcome:
    # Locked first, as every ticket change does; the assignee and team are for the actions.
    ticket = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("assignee", "team")
        .filter(pk=ticket_id)
        .first()
    )
    row = SlaTarget.objects.select_related("calendar").filter(pk=target_id).first()
    summary = TicketSla.objects.select_related("policy").filter(ticket_id=ticket_id).first()
    if ticket is None or row is None or summary is None:
        return Outcome.NOTHING
    if row.alert_at is None or row.alert_at > now or row.running_since is None:
        return Outcome.NOTHING
    percents = [int(p) for p in summary.plan.get("warn", [])]
    zone = ZoneInfo(summary.plan.get("zone") or "UTC")
    if row.due_at is not None and row.due_at < now and row.breach_handled_at is None:
        return _breach(ticket, row, summary.policy, zone=zone, now=now)
    moments = warning_moments(row, percents)
    passed = [p for p, at in moments if at <= now and p > row.warned_percent]
    if passed:
        return _warn(ticket, row, summary.policy, max(passed), moments, zone=zone, now=now)
    SlaTarget.objects.filter(pk=row.pk, alert_at=row.alert_at).update(
        alert_at=_next_alert(row, moments, warned=row.warned_percent)
    )
    return Outcome.NOTHING


def warning_moments(row: SlaTarget, percents: list[int]) -> list[tuple[int, datetime]]:
    """When each warning threshold of a running target is (or was) reached."""
    assert row.running_since is not None  # noqa: S101 - only running targets are swept
    calendar = calendar_of(row)
    found = []
    for percent in sorted(percents):
        threshold = timedelta(seconds=row.goal_seconds * percent // 100)
        if row.elapsed >= threshold:
            found.append((percent, row.running_since))
        else:
            left = threshold - row.elapsed
            found.append((percent, add_business_time(row.running_since, left, calendar)))
    return found


def _next_alert(
    row: SlaTarget, moments: list[tuple[int, datetime]], *, warned: int
) -> datetime | None:
    upcoming = [at for percent, at in moments if percent > warned]
    if row.due_at is not None and row.breach_handled_at is None:
        upcoming.append(row.due_at)
    return min(upcoming) if upcoming else None


def _breach(
    ticket: Ticket, row: SlaTarget, policy: SlaPolicy | None, *, zone: ZoneInfo, now: datetime
) -> Outcome:
    assert row.due_at is not None  # noqa: S101 - checked by the caller
    explanation = row.explanation
    if explanation.startswith("due "):
        explanation = "breached " + explanation.removeprefix("due ")
    claimed = SlaTarget.objects.filter(
        pk=row.pk, cycle=row.cycle, breach_handled_at__isnull=True
    ).update(
        breach_handled_at=now,
        state=SlaState.BREACHED,
        warned_percent=100,
        alert_at=None,
        explanation=explanation,
        updated_at=now,
    )
    if claimed != 1:
        return Outcome.NOTHING
    due = format_instant(row.due_at, zone)
    label = TargetKind(row.target).label.lower()
    breached = SlaChange(
        ticket_id=ticket.pk,
        target=row.target,
        kind=ChangeKind.BREACHED,
        message=f"{label} breached: due {due}",
        data={"cycle": row.cycle},
        at=now,
    )
    alert = Alert(
        target=row.target,
        kind=NotificationKind.BREACH,
        percent=100,
        due=due,
        explanation=explanation,
    )
    actions = policy.breach_actions if policy is not None else default_breach_actions()
    SlaChange.objects.bulk_create([breached, *run_actions(ticket, actions, alert=alert, now=now)])
    dispatch("sla.breached", ticket=ticket, target=row.target)
    logger.info("sla.breached", extra={"ticket_id": ticket.pk, "target": row.target})
    return Outcome.BREACHED


def _warn(
    ticket: Ticket,
    row: SlaTarget,
    policy: SlaPolicy | None,
    percent: int,
    moments: list[tuple[int, datetime]],
    *,
    zone: ZoneInfo,
    now: datetime,
) -> Outcome:
    claimed = SlaTarget.objects.filter(
        pk=row.pk,
        cycle=row.cycle,
        warned_percent=row.warned_percent,
        breach_handled_at__isnull=True,
    ).update(warned_percent=percent, alert_at=_next_alert(row, moments, warned=percent))
    if claimed != 1:
        return Outcome.NOTHING
    due = format_instant(row.due_at, zone) if row.due_at is not None else "unknown"
    label = TargetKind(row.target).label.lower()
    warned = SlaChange(
        ticket_id=ticket.pk,
        target=row.target,
        kind=ChangeKind.WARNED,
        message=f"{label} at {percent}% of its goal: due {due}",
        data={"cycle": row.cycle, "percent": percent},
        at=now,
    )
    alert = Alert(
        target=row.target,
        kind=NotificationKind.WARNING,
        percent=percent,
        due=due,
        explanation=row.explanation,
    )
    actions = policy.warning_actions if policy is not None else default_warning_actions()
    SlaChange.objects.bulk_create([warned, *run_actions(ticket, actions, alert=alert, now=now)])
    dispatch("sla.warned", ticket=ticket, target=row.target)
    return Outcome.WARNED
