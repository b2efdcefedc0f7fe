"""Automation tests start without the shipped rules, so only the rules a test makes run."""

import pytest

from frontline.automation import engine
from frontline.automation.models import TimeRule


@pytest.fixture(autouse=True)
def _no_shipped_rules(db):
    TimeRule.objects.all().delete()


@pytest.fixture(autouse=True)
def _fresh_trigger_cache():
    """Each test's triggers are its own (ids and times can repeat across rollbacks)."""
    engine.clear_cache()
    yield
    engine.clear_cache()


@pytest.fixture
def support_hours(db):
    """Monday to Friday, 09:00 to 17:00 in Berlin."""
    from frontline.testing import factories

    return factories.make_calendar(name="EU Support")
