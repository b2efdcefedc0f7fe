"""A stored SLA target as a person sees it right now: state, time left, explanation.

The stored row was written when the ticket last changed (or the sweep last acted); only
the time left moves with the clock, so reading costs no query and no replay.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from frontline.core.timefmt import format_duration
from frontline.sla.business_time import BusinessCalendar
from frontline.sla.clock import remaining
from frontline.sla.models import SlaState, SlaTarget
from frontline.sla.schedules import CALENDAR_TIME, compile_calendar


@dataclass(frozen=True)
class SlaReading:
    target: str
    due_at: datetime | None
    state: str
    remaining_seconds: int | None
    explanation: str


def calendar_of(row: SlaTarget) -> BusinessCalendar:
    if row.business_time and row.calendar is not None:
        return compile_calendar(row.calendar)
    return CALENDAR_TIME


def read_target(row: SlaTarget, now: datetime) -> SlaReading:
    left = remaining(
        goal=timedelta(seconds=row.goal_seconds),
        elapsed=row.elapsed,
        calendar=calendar_of(row),
        since=row.running_since,
        now=now,
    )
    state, explanation = row.state, row.explanation
    if state == SlaState.ACTIVE and row.due_at is not None and row.due_at < now:
        state = SlaState.BREACHED
        explanation = f"overdue by {format_duration(-left)}; {explanation}"
    return SlaReading(
        target=row.target,
        due_at=row.due_at,
        state=state,
        remaining_seconds=left // timedelta(seconds=1),
        explanation=explanation,
    )
