"""Calendars and policies the SLA tests share: Berlin office hours, a policy tried first."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from frontline.testing import factories

BERLIN = ZoneInfo("Europe/Berlin")

# (target, priority, minutes): one business hour to first reply for urgent tickets.
GOALS = (
    ("first_response", "urgent", 60),
    ("next_response", "urgent", 120),
    ("periodic_update", "urgent", 240),
    ("resolution", "urgent", 480),
    ("first_response", "normal", 240),
    ("resolution", "normal", 2400),
)


def berlin(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=BERLIN)


@pytest.fixture
def support_hours(db):
    """Monday to Friday, 09:00 to 17:00 in Berlin, with German public holidays."""
    return factories.make_calendar(name="EU Support", holiday_country="DE")


@pytest.fixture
def policy(support_hours):
    return factories.make_sla_policy(
        name="Support", goals=GOALS, calendar=support_hours, position=10
    )
