"""Runs the reactions listed in ``frontline/events.py`` for a domain event.

Handlers run in order inside the caller's transaction and touch only the database;
anything that leaves the process is enqueued with ``transaction.on_commit``.
"""

from collections.abc import Callable
from functools import cache
from typing import Any

from django.utils.module_loading import import_string


@cache
def _handlers_for(event_name: str) -> tuple[Callable[..., Any], ...]:
    from frontline import events

    family = event_name.partition(".")[0]
    # Handlers named for the event run first, then those for its whole family ("ticket.*").
    paths = (*events.HANDLERS.get(event_name, ()), *events.HANDLERS.get(f"{family}.*", ()))
    return tuple(import_string(path) for path in paths)


def dispatch(event_name: str, **payload: Any) -> None:
    for handler in _handlers_for(event_name):
        handler(**payload)
