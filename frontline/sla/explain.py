"""Explanations of SLA clocks in words a support agent checks against the calendar, e.g.
"due 09:45 Mon 10 Mar: 1 h business time from 16:45 Fri 7 Mar, calendar Support
(Europe/Berlin), closed 17:00 Fri to 09:00 Mon, paused 40 min pending" (ranges are
written with an en dash)."""

from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from frontline.core.timefmt import format_duration
from frontline.sla.business_time import BusinessCalendar, add_business_time
from frontline.sla.clock import STOPPED_STATUSES, Clock
from frontline.sla.models import SlaState

DASH = "\u2013"
MAX_GAPS_SHOWN = 3
MAX_DAYS_SCANNED = 62
_STATUS_WORDS = {"on_hold": "on hold"}


def format_instant(at: datetime, zone: ZoneInfo) -> str:
    local = at.astimezone(zone)
    return f"{local:%H:%M %a} {local.day} {local:%b}"


def status_word(status: str) -> str:
    return _STATUS_WORDS.get(status, status)


def explain(clock: Clock, *, policy: str, zone: ZoneInfo) -> str:
    """One sentence: where the clock stands, from what, on which calendar, what moved it."""
    goal = clock.goal
    kind = "business time" if goal.business else "calendar time"
    if clock.stopped_at is not None:
        head = _stopped(clock, kind, zone)
    elif clock.running:
        assert clock.due_at is not None  # noqa: S101 - a running clock has a due time
        verb = "breached" if clock.state == SlaState.BREACHED else "due"
        head = (
            f"{verb} {format_instant(clock.due_at, zone)}: {format_duration(goal.duration)} "
            f"{kind} from {format_instant(clock.started_at, zone)}"
        )
    else:
        head = _paused(clock, kind, zone)
    parts = [head, f"policy {policy}"]
    if goal.business:
        calendar = goal.calendar
        parts.append(f"calendar {calendar.name} ({calendar.tz.key})")
        if clock.running and clock.due_at is not None and clock.due_at > clock.started_at:
            closed = closed_stretches(calendar, clock.started_at, clock.due_at)
            if closed:
                parts.append(closed)
    parts.extend(_pause(status, spent) for status, spent in clock.paused)
    return ", ".join(parts)


def _pause(status: str, spent: timedelta) -> str:
    if status in STOPPED_STATUSES:
        return f"stopped {format_duration(spent)} while {status}"
    return f"paused {format_duration(spent)} {status_word(status)}"


def _stopped(clock: Clock, kind: str, zone: ZoneInfo) -> str:
    assert clock.stopped_at is not None  # noqa: S101 - only stopped clocks come here
    goal, when = clock.goal, format_instant(clock.stopped_at, zone)
    spent = f"{format_duration(clock.elapsed)} {kind}, target {format_duration(goal.duration)}"
    if clock.state == SlaState.MET:
        return f"met {when}: {clock.stop_reason} after {spent}"
    due = f", due {format_instant(clock.due_at, zone)}" if clock.due_at is not None else ""
    return f"breached: {clock.stop_reason} {when} after {spent}{due}"


def _paused(clock: Clock, kind: str, zone: ZoneInfo) -> str:
    left = clock.goal.duration - clock.elapsed
    since = (
        f" since {format_instant(clock.paused_since, zone)}"
        if clock.paused_since is not None
        else ""
    )
    status = status_word(clock.status)
    if clock.state == SlaState.BREACHED:
        due = f" {format_instant(clock.due_at, zone)}" if clock.due_at is not None else ""
        return f"breached{due}; paused while {status}{since}, {format_duration(left)} over"
    return (
        f"paused while {status}{since}: {format_duration(left)} of "
        f"{format_duration(clock.goal.duration)} {kind} left"
    )


def preview_due(
    calendar: BusinessCalendar, start: datetime, duration: timedelta
) -> tuple[datetime, str]:
    """When a goal of ``duration`` started at ``start`` would be due, and why. Raises
    ``NeverOpens`` (or ``OverflowError``) when the calendar does not open in time."""
    due = add_business_time(start, duration, calendar)
    explanation = (
        f"due {format_instant(due, calendar.tz)}: {format_duration(duration)} business time "
        f"from {format_instant(start, calendar.tz)}, calendar {calendar.name} "
        f"({calendar.tz.key})"
    )
    closed = closed_stretches(calendar, start, due) if due > start else ""
    return due, f"{explanation}, {closed}" if closed else explanation


def closed_stretches(calendar: BusinessCalendar, start: datetime, end: datetime) -> str:
    """The closed stretches of a window, e.g. "closed 17:00-09:00, 17:00 Fri-09:00 Mon
    (Easter Monday)" (with en dashes)."""
    gaps = calendar.closed_gaps(start, end)
    if not gaps:
        return ""
    spans = Counter(_span(opens, closes, calendar.tz) for opens, closes in gaps)
    shown = [span if n == 1 else f"{span} \u00d7{n}" for span, n in spans.items()]
    text = "closed " + ", ".join(shown[:MAX_GAPS_SHOWN])
    if len(shown) > MAX_GAPS_SHOWN:
        text += f" and {len(shown) - MAX_GAPS_SHOWN} more closed stretches"
    notes = _day_notes(calendar, start, end)
    return f"{text} ({', '.join(notes)})" if notes else text


def _span(start: datetime, end: datetime, zone: ZoneInfo) -> str:
    first, last = start.astimezone(zone), end.astimezone(zone)
    days = (last.date() - first.date()).days
    if days <= 1:
        return f"{first:%H:%M}{DASH}{last:%H:%M}"
    return f"{first:%H:%M %a}{DASH}{last:%H:%M %a}"


def _day_notes(calendar: BusinessCalendar, start: datetime, end: datetime) -> list[str]:
    """Names of holidays and special days that changed the hours inside the window."""
    day, last = calendar.local(start).date(), calendar.local(end).date()
    if (last - day).days > MAX_DAYS_SCANNED:
        return []
    notes: list[str] = []
    while day <= last:
        if calendar.hours_on(day) != calendar.weekly[day.weekday()]:
            note = calendar.note_on(day)
            if note and note not in notes:
                notes.append(note)
        day += timedelta(days=1)
    return notes
