"""`frontline worker` as its own process: it runs queued jobs and stops on Ctrl-C."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from huey.storage import SqliteStorage

from frontline.core.worker import queue
from frontline.sla import tasks

FRONTLINE = str(Path(sys.executable).parent / "frontline")


def test_in_immediate_mode_the_worker_explains_and_exits(capsys):
    call_command("worker")

    assert "HUEY_IMMEDIATE is on" in capsys.readouterr().err


@pytest.mark.slow
def test_frontline_worker_runs_queued_jobs_until_interrupted(tmp_path):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("HUEY_IMMEDIATE", "REDIS_URL", "DATABASE_URL")
    }
    environment.update(
        FRONTLINE_DATA_DIR=str(tmp_path),
        HUEY_SQLITE_PATH=str(tmp_path / "queue.sqlite3"),
        HUEY_NAME="frontline-worker-test",
        LOG_LEVEL="WARNING",
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
    huey.storage = SqliteStorage(
        name="frontline-worker-test", filename=str(tmp_path / "queue.sqlite3")
    )
    try:
        replayed = tasks.recompute_open_tickets(0).get(blocking=True, timeout=60)
    finally:
        huey.storage, huey._immediate = saved_storage, saved_immediate
        worker.send_signal(signal.SIGINT)
        output = worker.communicate(timeout=30)[0].decode()

    assert replayed == 0  # an empty database: nothing to replay, but the job ran there
    assert worker.returncode == 0
    assert "Worker: 1 thread(s) on SqliteHuey 'frontline-worker-test'" in output
