"""The background worker: a Huey consumer, standalone (`frontline worker`) or in threads
beside the web server (`frontline run`).

Which queue it reads comes from ``settings.HUEY``: a SQLite file beside the database by
default, Redis when ``REDIS_URL`` is set (then any number of consumers on any number of
machines may read it). Every app's ``tasks.py`` is imported so its tasks are registered.
"""

import logging
from typing import Any

from django.utils.module_loading import autodiscover_modules
from huey.api import Huey
from huey.consumer import Consumer

logger = logging.getLogger(__name__)


class EmbeddedConsumer(Consumer):  # type: ignore[misc]
    """A consumer that leaves signals to its host (uvicorn, a test), so it can run in threads
    of another program: ``start()`` it, then ``stop(graceful=True)`` when the host stops."""

    def _set_signal_handlers(self) -> None:
        return


def queue() -> Huey:
    """The project's Huey instance, with every app's tasks registered."""
    from huey.contrib.djhuey import HUEY

    autodiscover_modules("tasks")
    return HUEY


def consumer_options(*, workers: int, periodic: bool) -> dict[str, Any]:
    return {
        "workers": workers,
        "worker_type": "thread",
        "periodic": periodic,
        "initial_delay": 0.1,
        "backoff": 1.15,
        "max_delay": 2.0,
        "check_worker_health": True,
        # A consumer killed mid-task leaves its locks behind; a fresh start clears them.
        "flush_locks": True,
    }


def start_embedded(*, workers: int = 2, periodic: bool = True) -> EmbeddedConsumer | None:
    """Start consumer threads in this process; None when jobs run immediately anyway."""
    huey = queue()
    if huey.immediate:
        logger.info("worker.embedded.skipped", extra={"reason": "immediate mode"})
        return None
    consumer = EmbeddedConsumer(huey, **consumer_options(workers=workers, periodic=periodic))
    consumer.start()
    logger.info("worker.embedded.started", extra={"workers": workers, "periodic": periodic})
    return consumer
