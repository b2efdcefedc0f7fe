"""Background jobs of time-based automations: thin, idempotent wrappers over ``services``."""

from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from frontline.automation import services


@db_periodic_task(crontab(minute="*/5"))  # type: ignore[untyped-decorator]
def run_time_rules() -> None:
    """Every five minutes: fire the rules whose time has come."""
    _run()


@db_task()  # type: ignore[untyped-decorator]
def run_time_rules_now() -> dict[str, Any]:
    return _run()


def _run() -> dict[str, Any]:
    result = services.run_time_rules()
    if result.more:
        run_time_rules_now()
    return result.as_dict()


@db_task()  # type: ignore[untyped-decorator]
def run_triggers(change: dict[str, Any]) -> int:
    """The triggers on one ticket's committed change (``automation.handlers``)."""
    from frontline.automation import engine
    from frontline.automation.facts import Change

    return len(engine.run_triggers(Change(**change)))
