"""Automation tests start without the shipped rules, so only the rules a test makes run."""

import pytest

from frontline.automation.models import TimeRule


@pytest.fixture(autouse=True)
def _no_shipped_rules(db):
    TimeRule.objects.all().delete()


@pytest.fixture
def support_hours(db):
    """Monday to Friday, 09:00 to 17:00 in Berlin."""
    from frontline.testing import factories

    return factories.make_calendar(name="EU Support")
