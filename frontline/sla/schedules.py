"""Turning a stored ``Calendar`` into a ``BusinessCalendar``, and checking calendar input.

Compiled calendars are cached per process, keyed by the row's id and ``updated_at``, so an
edit is seen at once and reading a ticket's SLA costs no query beyond the calendar row.
"""

import re
from collections.abc import Callable, Mapping
from datetime import date
from functools import cache
from itertools import pairwise
from typing import Any

import holidays

from frontline.sla.business_time import DAY_SECONDS, BusinessCalendar, Hours, SpecialDay
from frontline.sla.models import WEEKDAYS, Calendar

_CLOCK = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$|^24:00$")
CALENDAR_TIME = BusinessCalendar.always("calendar time")


class InvalidCalendar(ValueError):
    """Calendar input that cannot be used; ``field`` names the part at fault."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


def parse_clock(text: str, *, field: str) -> int:
    """Seconds after midnight of ``HH:MM``; ``24:00`` is the end of the day."""
    match = _CLOCK.match(text)
    if match is None:
        raise InvalidCalendar(f"{text!r} is not a time of day (HH:MM).", field=field)
    if text == "24:00":
        return DAY_SECONDS
    return int(match.group(1)) * 3600 + int(match.group(2)) * 60


def format_clock(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def parse_hours(intervals: Any, *, field: str) -> Hours:
    if not isinstance(intervals, list):
        raise InvalidCalendar("Hours are a list of [opens, closes] pairs.", field=field)
    parsed = []
    for index, pair in enumerate(intervals):
        where = f"{field}.{index}"
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise InvalidCalendar("Each interval is [opens, closes].", field=where)
        opens, closes = (parse_clock(str(p), field=where) for p in pair)
        if opens >= closes:
            raise InvalidCalendar(
                f"{pair[0]} to {pair[1]} closes before it opens; split overnight hours at 24:00.",
                field=where,
            )
        parsed.append((opens, closes))
    hours = sorted(parsed)
    for (_, closes), (opens, _) in pairwise(hours):
        if opens < closes:
            raise InvalidCalendar("Intervals of one day overlap.", field=field)
    return tuple(hours)


def clean_weekly_hours(value: Any) -> dict[str, list[list[str]]]:
    """Weekly hours checked and written the one way they are stored."""
    if not isinstance(value, Mapping):
        raise InvalidCalendar("Weekly hours map mon…sun to intervals.", field="weekly_hours")
    unknown = set(value) - set(WEEKDAYS)
    if unknown:
        raise InvalidCalendar(f"Unknown weekday {sorted(unknown)[0]!r}.", field="weekly_hours")
    return {
        day: _as_text(parse_hours(value.get(day, []), field=f"weekly_hours.{day}"))
        for day in WEEKDAYS
    }


def clean_special_days(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise InvalidCalendar("Special days are a list.", field="special_days")
    cleaned: dict[date, dict[str, Any]] = {}
    for index, item in enumerate(value):
        where = f"special_days.{index}"
        if not isinstance(item, Mapping) or set(item) - {"date", "hours", "name"}:
            raise InvalidCalendar("A special day has date, hours and name.", field=where)
        try:
            day = date.fromisoformat(str(item.get("date", "")))
        except ValueError:
            raise InvalidCalendar("The date is not YYYY-MM-DD.", field=f"{where}.date") from None
        if day in cleaned:
            raise InvalidCalendar(f"{day} is listed twice.", field=f"{where}.date")
        hours = parse_hours(item.get("hours", []), field=f"{where}.hours")
        name = str(item.get("name", ""))[:100]
        cleaned[day] = {"date": day.isoformat(), "hours": _as_text(hours), "name": name}
    return [cleaned[day] for day in sorted(cleaned)]


def clean_holiday_region(country: str, subdivision: str) -> tuple[str, str]:
    country, subdivision = country.strip().upper(), subdivision.strip().upper()
    if not country:
        if subdivision:
            raise InvalidCalendar("A subdivision needs a country.", field="holiday_subdivision")
        return "", ""
    supported = holidays.list_supported_countries()
    if country not in supported:
        raise InvalidCalendar(f"No holidays are known for {country!r}.", field="holiday_country")
    if subdivision and subdivision not in supported[country]:
        raise InvalidCalendar(
            f"{country} has no subdivision {subdivision!r}.", field="holiday_subdivision"
        )
    return country, subdivision


def _as_text(hours: Hours) -> list[list[str]]:
    return [[format_clock(opens), format_clock(closes)] for opens, closes in hours]


@cache
def _holidays(country: str, subdivision: str) -> Callable[[date], str | None]:
    table = holidays.country_holidays(country, subdiv=subdivision or None)

    def lookup(day: date) -> str | None:
        name = table.get(day)
        return str(name) if name else None

    return lookup


_compiled: dict[tuple[int, str, str], BusinessCalendar] = {}


def compile_calendar(calendar: Calendar, *, time_zone: str | None = None) -> BusinessCalendar:
    """The calendar's hours, optionally read in another time zone (a person's own hours)."""
    if calendar.pk is None:
        return _build(calendar, time_zone)
    key = (calendar.pk, calendar.updated_at.isoformat(), time_zone or "")
    found = _compiled.get(key)
    if found is None:
        if len(_compiled) >= 256:
            _compiled.clear()
        found = _compiled[key] = _build(calendar, time_zone)
    return found


def _build(calendar: Calendar, time_zone: str | None) -> BusinessCalendar:
    weekly = [
        parse_hours(calendar.weekly_hours.get(day, []), field=f"weekly_hours.{day}")
        for day in WEEKDAYS
    ]
    special = {
        date.fromisoformat(item["date"]): SpecialDay(
            parse_hours(item["hours"], field="special_days"), item.get("name", "")
        )
        for item in calendar.special_days
    }
    country = calendar.holiday_country
    return BusinessCalendar(
        name=calendar.name,
        time_zone=time_zone or calendar.time_zone,
        weekly=weekly,
        special_days=special,
        holidays=_holidays(country, calendar.holiday_subdivision) if country else None,
    )
