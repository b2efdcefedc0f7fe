"""`frontline worker` as its own process, on a SQLite and on a Redis queue: it runs queued
jobs and stops on Ctrl-C."""

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from huey.storage import RedisStorage, SqliteStorage

from frontline.core.worker import queue
from frontline.sla import tasks
from frontline.testing.worker import disconnect

FRONTLINE = str(Path(sys.executable).parent / "frontline")


def test_in_immediate_mode_the_worker_explains_and_exits(capsys):
    call_command("worker")

    assert "HUEY_IMMEDIATE is on" in capsys.readouterr().err


@pytest.fixture(params=["SqliteHuey", "RedisHuey"])
def standalone_queue(request, tmp_path):
    """The environment that points ``frontline worker`` at a queue, and that queue."""
    name = f"frontline-worker-test-{uuid.uuid4().hex[:8]}"
    if request.param == "RedisHuey":
        url = request.getfixturevalue("redis_url")
        storage = RedisStorage(name=name, url=url)
        yield request.param, {"REDIS_URL": url}, storage
        disconnect(storage)
        return
    path = str(tmp_path / "queue.sqlite3")
    yield request.param, {"HUEY_SQLITE_PATH": path}, SqliteStorage(name=name, filename=path)


@pytest.mark.slow
def test_frontline_worker_runs_queued_jobs_until_interrupted(tmp_path, standalone_queue):
    kind, queue_environment, storage = standalone_queue
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("HUEY_IMMEDIATE", "REDIS_URL", "DATABASE_URL")
    }
    environment.update(
        FRONTLINE_DATA_DIR=str(tmp_path),
        HUEY_NAME=storage.name,
        LOG_LEVEL="WARNING",
        **queue_environment,
    )
    # Fixed arguments: the project's own command, no outside input.
    subprocess.run(  # noqa: S603
        [FRONTLINE, "migrate", "--no-input"], env=environment, check=True, capture_output=True
    )
    worker = subprocess.Popen(  # noqa: S603
        [FRONTLINE, "worker", "--workers", "1", "--no-periodic"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    huey = queue()
    saved_storage, saved_immediate = huey.storage, huey.immediate
    huey._immediate = False
    huey.storage = storage
    try:
        replayed = tasks.recompute_open_tickets(0).get(blocking=True, timeout=60)
    finally:
        storage.flush_all()
        huey.storage, huey._immediate = saved_storage, saved_immediate
        worker.send_signal(signal.SIGINT)
        output = worker.communicate(timeout=30)[0].decode()

    assert replayed == 0  # an empty database: nothing to replay, but the job ran there
    assert worker.returncode == 0
    assert f"Worker: 1 thread(s) on {kind} {storage.name!r}" in output
