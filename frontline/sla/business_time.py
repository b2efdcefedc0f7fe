"""Business time: adding and measuring time that counts only while a calendar is open.

Pure: no database, no settings, no clock. A ``BusinessCalendar`` says when a support team is
open: weekly hours in a time zone (several intervals a day, or 24/7), holidays (any lookup,
usually the ``holidays`` library), and special days that replace a day's hours (a custom
closure, a half-day, an exception such as opening on a public holiday).

Hours are wall-clock times; every computation happens on UTC instants, so business time is
real elapsed time while open. A day with a DST change keeps its opening hours and counts
the real seconds between them; a wall time the clocks skip opens when they jump; a wall
time that happens twice means its first occurrence. Open hours end at 24:00 (86,400 s),
never 23:59, so no minute is lost at midnight.

``add_business_time(start, d)`` is the earliest instant by which ``d`` of open time has
passed since ``start``; ``business_time_between(a, b)`` is the open time in ``[a, b)``.
For ``d >= 0``: ``business_time_between(start, add_business_time(start, d)) == d``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAY_SECONDS = 86_400
ZERO = timedelta(0)
ONE_DAY = timedelta(days=1)
# A calendar with no open time for this many days in a row is treated as never opening.
MAX_CLOSED_DAYS = 5 * 366
_CACHE_DAYS = 4096

Hours = tuple[tuple[int, int], ...]
"""Open intervals of one day: ``[start, end)`` in seconds after local midnight, sorted."""

HolidayLookup = Callable[[date], str | None]
"""The name of the holiday on a date, or None when it is a working day."""


class NeverOpens(ValueError):
    """The calendar has no open time within ``MAX_CLOSED_DAYS`` of the instant asked about."""


@dataclass(frozen=True)
class SpecialDay:
    """A date whose hours replace the weekly ones: ``()`` closes it (a custom holiday),
    shorter hours make a half-day, and any hours on a holiday make an exception."""

    hours: Hours
    name: str = ""


def normalise_hours(intervals: Sequence[tuple[int, int]]) -> Hours:
    """Sort and merge intervals, refusing ones that are empty or outside one day."""
    clean = sorted((int(s), int(e)) for s, e in intervals)
    merged: list[tuple[int, int]] = []
    for start, end in clean:
        if not 0 <= start < end <= DAY_SECONDS:
            raise ValueError(f"An interval must lie within one day, not {start}-{end} seconds.")
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


class BusinessCalendar:
    """When a team is open. Instances are immutable and cache per-day instants."""

    def __init__(
        self,
        *,
        name: str,
        time_zone: str,
        weekly: Sequence[Sequence[tuple[int, int]]],
        special_days: Mapping[date, SpecialDay] | None = None,
        holidays: HolidayLookup | None = None,
    ) -> None:
        if len(weekly) != 7:
            raise ValueError("Weekly hours need seven days, Monday first.")
        self.name = name
        self.tz = ZoneInfo(time_zone)
        self.weekly: tuple[Hours, ...] = tuple(normalise_hours(day) for day in weekly)
        self.special_days: Mapping[date, SpecialDay] = {
            day: SpecialDay(normalise_hours(special.hours), special.name)
            for day, special in (special_days or {}).items()
        }
        self.holidays = holidays
        self.always_open = (
            all(day == ((0, DAY_SECONDS),) for day in self.weekly)
            and not self.special_days
            and holidays is None
        )
        self._days: dict[date, tuple[tuple[datetime, datetime], ...]] = {}

    def __repr__(self) -> str:
        return f"<BusinessCalendar {self.name!r} {self.tz.key}>"

    @classmethod
    def always(cls, name: str = "calendar time") -> BusinessCalendar:
        """Every second counts: calendar time."""
        return cls(name=name, time_zone="UTC", weekly=[[(0, DAY_SECONDS)]] * 7)

    def hours_on(self, day: date) -> Hours:
        special = self.special_days.get(day)
        if special is not None:
            return special.hours
        if self.holidays is not None and self.holidays(day):
            return ()
        return self.weekly[day.weekday()]

    def note_on(self, day: date) -> str | None:
        """Why a day's hours differ from the week's: a special day's or holiday's name."""
        special = self.special_days.get(day)
        if special is not None:
            return special.name or "special hours"
        if self.holidays is not None:
            return self.holidays(day)
        return None

    def local(self, at: datetime) -> datetime:
        return at.astimezone(self.tz)

    def instant(self, day: date, seconds: int) -> datetime:
        """The UTC instant of a wall time on a local day (24:00 is the next midnight)."""
        naive = datetime.combine(day, time()) + timedelta(seconds=seconds)
        at = naive.replace(tzinfo=self.tz).astimezone(UTC)
        if at.astimezone(self.tz).replace(tzinfo=None) == naive:
            return at
        return self._jump_into(naive, later=at)

    def _jump_into(self, naive: datetime, *, later: datetime) -> datetime:
        """A wall time the clocks skip: the instant they jump, found to the second."""
        earlier = naive.replace(tzinfo=self.tz, fold=1).astimezone(UTC)
        after = later.astimezone(self.tz).utcoffset()
        low, high = earlier, later
        while high - low > timedelta(seconds=1):
            middle = low + timedelta(seconds=(high - low) // timedelta(seconds=2))
            if middle.astimezone(self.tz).utcoffset() == after:
                high = middle
            else:
                low = middle
        return high

    def day_intervals(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        """The open intervals of a local day as UTC instants (empty ones dropped)."""
        cached = self._days.get(day)
        if cached is not None:
            return cached
        intervals = []
        for start, end in self.hours_on(day):
            opens, closes = self.instant(day, start), self.instant(day, end)
            if closes > opens:
                intervals.append((opens, closes))
        result = tuple(intervals)
        if len(self._days) >= _CACHE_DAYS:
            self._days.clear()
        self._days[day] = result
        return result

    def open_intervals(
        self, start: datetime, end: datetime | None = None
    ) -> Iterator[tuple[datetime, datetime]]:
        """Open intervals overlapping ``[start, end)``, clipped to it, in order.

        Without ``end`` the stream is endless; it raises ``NeverOpens`` after
        ``MAX_CLOSED_DAYS`` days in a row without open time.
        """
        start = _utc(start)
        stop = _utc(end) if end is not None else None
        day = self.local(start).date()
        closed_days = 0
        while True:
            found = False
            for opens, closes in self.day_intervals(day):
                if stop is not None and opens >= stop:
                    return
                if closes <= start:
                    continue
                found = True
                yield max(opens, start), closes if stop is None else min(closes, stop)
            if stop is not None and self.instant(day, DAY_SECONDS) >= stop:
                return
            closed_days = 0 if found else closed_days + 1
            if closed_days > MAX_CLOSED_DAYS:
                raise NeverOpens(f"{self.name} has no open time after {start.isoformat()}.")
            day += ONE_DAY

    def is_open(self, at: datetime) -> bool:
        at = _utc(at)
        return any(
            opens <= at < closes for opens, closes in self.day_intervals(self.local(at).date())
        )

    def next_open(self, at: datetime) -> datetime:
        """``at`` itself when open, else the moment the calendar next opens."""
        if self.always_open:
            return _utc(at)
        return next(self.open_intervals(at))[0]

    def closed_gaps(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        """Closed stretches inside ``[start, end)``, for explaining a due time."""
        gaps = []
        cursor = _utc(start)
        for opens, closes in self.open_intervals(start, end):
            if opens > cursor:
                gaps.append((cursor, opens))
            cursor = max(cursor, closes)
        if cursor < _utc(end):
            gaps.append((cursor, _utc(end)))
        return gaps


def add_business_time(start: datetime, duration: timedelta, calendar: BusinessCalendar) -> datetime:
    """The earliest instant by which ``duration`` of open time has passed since ``start``.

    The result is a UTC instant. For a positive duration the moment just before it is open;
    it may be a closing time ("due 17:00") but never a time inside a closed stretch.
    """
    if duration < ZERO:
        raise ValueError("Business time is added forwards only.")
    start = _utc(start)
    if duration == ZERO:
        return start
    if calendar.always_open:
        return start + duration
    remaining = duration
    for opens, closes in calendar.open_intervals(start):
        span = closes - opens
        if remaining <= span:
            return opens + remaining
        remaining -= span
    raise AssertionError("open_intervals without an end never stops")  # pragma: no cover


def business_time_between(a: datetime, b: datetime, calendar: BusinessCalendar) -> timedelta:
    """Open time in ``[a, b)``; negative when ``b`` is before ``a``."""
    a, b = _utc(a), _utc(b)
    if b < a:
        return -business_time_between(b, a, calendar)
    if calendar.always_open:
        return b - a
    total = ZERO
    for opens, closes in calendar.open_intervals(a, b):
        total += closes - opens
    return total


def add_business_days(start: datetime, days: int, calendar: BusinessCalendar) -> datetime:
    """The same wall time ``days`` open days after ``start``'s day: "3 business days" from
    Friday 15:00 is Wednesday 15:00 when the weekend is closed. Days without open hours
    (weekends, holidays) are skipped."""
    if days < 0:
        raise ValueError("Business days are added forwards only.")
    local = calendar.local(_utc(start))
    day, counted, closed = local.date(), 0, 0
    while counted < days:
        day += ONE_DAY
        if calendar.hours_on(day):
            counted, closed = counted + 1, 0
        else:
            closed += 1
            if closed > MAX_CLOSED_DAYS:
                raise NeverOpens(f"{calendar.name} has no open day after {start.isoformat()}.")
    wall = local.hour * 3600 + local.minute * 60 + local.second
    return calendar.instant(day, wall) + timedelta(microseconds=local.microsecond)


def _utc(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("Business time needs aware datetimes.")
    return at.astimezone(UTC)
