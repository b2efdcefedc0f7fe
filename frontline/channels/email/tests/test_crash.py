"""Kill the importing process in the middle of a batch, start it again, and every
message is in exactly once: stored once, filed once, no thread split."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from frontline.bench.mail import split_threads, write_corpus
from frontline.channels.email.models import InboundMessage, InboundStatus
from frontline.channels.email.tests.conftest import REPO_ROOT
from frontline.tickets.models import Direction, Message

pytestmark = pytest.mark.django_db(transaction=True)

MESSAGES = 150


def _database_env() -> dict[str, str]:
    """The test database, for a process of its own."""
    db = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        return {"DATABASE_URL": f"sqlite:///{db['NAME']}"}
    auth = f"{db['USER']}:{db['PASSWORD']}@" if db.get("PASSWORD") else f"{db['USER']}@"
    return {"DATABASE_URL": f"postgres://{auth}{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"}


def _import(folder: Path, data_dir: Path, *, output: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        **_database_env(),
        "FRONTLINE_DATA_DIR": str(data_dir),
        "FRONTLINE_MEDIA_DIR": str(settings.MEDIA_ROOT),
        "HUEY_IMMEDIATE": "false",
        "LOG_LEVEL": "ERROR",
    }
    command = [sys.executable, str(REPO_ROOT / "manage.py"), "mail", "import", str(folder)]
    return subprocess.Popen(  # noqa: S603 - our own manage.py with fixed arguments
        [*command, "--no-progress"],
        env=env,
        stdout=output,
        stderr=output,
    )


def _processed() -> int:
    return InboundMessage.objects.filter(status=InboundStatus.PROCESSED).count()


def test_a_killed_import_resumes_and_takes_each_message_once(tmp_path):
    folder, data_dir = tmp_path / "mail", tmp_path / "data"
    folder.mkdir()
    corpus = write_corpus(folder, MESSAGES, seed=7)

    first = _import(folder, data_dir, output=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while _processed() < MESSAGES // 4 and first.poll() is None:
        assert time.monotonic() < deadline, "the import made no progress"
        time.sleep(0.02)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    killed_at = _processed()

    second = _import(folder, data_dir, output=subprocess.PIPE)
    out, err = second.communicate(timeout=300)

    assert second.returncode == 0, err.decode()
    assert 0 < killed_at < MESSAGES, "the kill must land in the middle of the batch"
    records = InboundMessage.objects.all()
    assert records.count() == MESSAGES
    assert set(records.values_list("status", flat=True)) == {InboundStatus.PROCESSED}
    inbound = Message.objects.filter(direction=Direction.INBOUND)
    ids = list(inbound.values_list("external_id", flat=True))
    assert len(ids) == len(set(ids)) == MESSAGES
    assert split_threads(corpus) == 0
    assert f"messages read       {MESSAGES}" in out.decode()
