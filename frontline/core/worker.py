"""The background worker: a Huey consumer, standalone (`frontline worker`) or in threads
beside the web server (`frontline run`).

Which queue it reads comes from ``settings.HUEY``: a SQLite file beside the database by
default, Redis when ``REDIS_URL`` is set (then any number of consumers on any number of
machines may read it). Every app's ``tasks.py`` is imported so its tasks are registered.
"""

import logging
from typing import Any
from weakref import WeakSet

from django.utils.module_loading import autodiscover_modules
from huey.api import Huey, Task
from huey.consumer import Consumer
from huey.signals import SIGNAL_ERROR

logger = logging.getLogger(__name__)
_failures_logged: WeakSet[Huey] = WeakSet()


class EmbeddedConsumer(Consumer):  # type: ignore[misc]
    """A consumer that leaves signals to its host (uvicorn, a test), so it can run in threads
    of another program: ``start()`` it, then ``stop(graceful=True)`` when the host stops."""

    def _set_signal_handlers(self) -> None:
        return


def queue() -> Huey:
    """The project's Huey instance, with every app's tasks registered."""
    from huey.contrib.djhuey import HUEY

    autodiscover_modules("tasks")
    if HUEY not in _failures_logged:  # once, however often this runs (tests do)
        HUEY.signal(SIGNAL_ERROR)(log_task_failure)
        _failures_logged.add(HUEY)
    return HUEY


def log_task_failure(signal: str, task: Task, exc: BaseException | None = None) -> None:
    """Huey logs the traceback against the task's id alone; this line names the job, what it
    was called with, and whether it will run again."""
    logger.error(
        "worker.task.failed",
        extra={
            "task": task.name,
            "task_id": task.id,
            "task_args": list(task.args),
            "task_kwargs": dict(task.kwargs),
            "retries_left": task.retries,
            "error": f"{type(exc).__name__}: {exc}" if exc is not None else "",
        },
    )


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
