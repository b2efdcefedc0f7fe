"""A real job consumer for the tests of jobs themselves, on a SQLite or a Redis queue.

Unit tests run jobs immediately (``frontline/conftest.py``); a job test points the
project's queue at real storage and starts consumer threads that dequeue, execute and
store results the way ``frontline worker`` does:

    with running_worker(sqlite_queue(tmp_path), consumers=2) as huey:
        sweep_sla().get(blocking=True, timeout=10)

The tests' database must be visible to the worker threads, so such tests use
``@pytest.mark.django_db(transaction=True)``.
"""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from huey.api import Huey
from huey.storage import BaseStorage, RedisStorage, SqliteStorage

from frontline.core.worker import EmbeddedConsumer, consumer_options, queue


def sqlite_queue(folder: Path) -> SqliteStorage:
    return SqliteStorage(name="frontline-test", filename=str(folder / "queue.sqlite3"))


def redis_queue(url: str) -> RedisStorage:
    # A queue name of its own, so parallel runs and leftovers never mix.
    return RedisStorage(name=f"frontline-test-{uuid.uuid4().hex[:8]}", url=url)


@contextmanager
def running_worker(storage: BaseStorage, *, consumers: int = 1, workers: int = 2) -> Iterator[Huey]:
    """Consumers with ``workers`` threads each on ``storage``, stopped and cleared on exit."""
    huey = queue()
    saved_storage, saved_immediate = huey.storage, huey.immediate
    huey._immediate = False  # the setter would swap in memory storage; this test brings its own
    huey.storage = storage
    options = consumer_options(workers=workers, periodic=False)
    options.update(initial_delay=0.01, max_delay=0.05, flush_locks=False)
    started = [EmbeddedConsumer(huey, **options) for _ in range(consumers)]
    try:
        for consumer in started:
            consumer.start()
        yield huey
    finally:
        for consumer in started:
            consumer.stop(graceful=True)
        storage.flush_all()
        disconnect(storage)
        huey.storage = saved_storage
        huey._immediate = saved_immediate


def disconnect(storage: BaseStorage) -> None:
    """Close a Redis queue's pooled sockets now: left to the garbage collector they close
    with a ResourceWarning in whichever later test happens to collect them."""
    pool = getattr(getattr(storage, "conn", None), "connection_pool", None)
    if pool is not None:
        pool.disconnect()
