"""A stored calendar compiled for the clock: public holidays by country and subdivision from
the `holidays` library, custom closed dates, half-days, and exceptions that open a holiday."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from frontline.sla.business_time import add_business_time, business_time_between
from frontline.sla.models import Calendar, office_hours
from frontline.sla.schedules import compile_calendar

BERLIN = ZoneInfo("Europe/Berlin")
HOUR = timedelta(hours=1)


def berlin(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=BERLIN)  # type: ignore[arg-type, misc]


def calendar(**fields: object) -> Calendar:
    # Unsaved: compiled without the per-process cache or a database.
    return Calendar(name="Office", time_zone="Europe/Berlin", weekly_hours=office_hours(), **fields)


def test_a_subdivisions_own_holiday_is_closed_only_there():
    # Epiphany, Monday 6 January 2025, is a public holiday in Bavaria, not in Berlin.
    bavaria = compile_calendar(calendar(holiday_country="DE", holiday_subdivision="BY"))
    berlin_state = compile_calendar(calendar(holiday_country="DE", holiday_subdivision="BE"))
    friday = berlin(2025, 1, 3, 16, 30)

    assert add_business_time(friday, HOUR, bavaria) == berlin(2025, 1, 7, 9, 30)
    assert add_business_time(friday, HOUR, berlin_state) == berlin(2025, 1, 6, 9, 30)


def test_a_countrys_holidays_close_the_whole_day():
    germany = compile_calendar(calendar(holiday_country="DE"))

    # Monday 14 to Monday 21 April 2025: Good Friday and Easter Monday are closed, so of six
    # weekdays four are open.
    assert business_time_between(berlin(2025, 4, 14), berlin(2025, 4, 22), germany) == 32 * HOUR


def test_custom_dates_half_days_and_exceptions_replace_a_days_hours():
    special = [
        {"date": "2025-12-24", "hours": [["09:00", "12:00"]], "name": "Christmas Eve"},
        {"date": "2025-12-26", "hours": [["10:00", "14:00"]], "name": "On call"},
        {"date": "2025-12-29", "hours": [], "name": "Company day off"},
    ]
    compiled = compile_calendar(calendar(holiday_country="DE", special_days=special))

    # 23rd 8 h, 24th 3 h (half-day), 25th closed (holiday), 26th 4 h (a holiday opened
    # after all), 29th closed (custom date), 30th 8 h.
    week = business_time_between(berlin(2025, 12, 23), berlin(2025, 12, 31), compiled)
    assert week == (8 + 3 + 4 + 8) * HOUR
    assert add_business_time(berlin(2025, 12, 24, 11), 2 * HOUR, compiled) == berlin(
        2025, 12, 26, 11
    )
    assert compiled.note_on(berlin(2025, 12, 25, 10).date()) == "Christmas Day"
