"""Console log lines carry what an operator acts on: each record's ``extra`` as key=value
after the event name, or one JSON object a line with LOG_FORMAT=json."""

import json
import logging
import runpy
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from frontline import settings as frontline_settings
from frontline.core import worker
from frontline.core.logging import JsonFormatter, KeyValueFormatter


def record(message, *, level=logging.WARNING, exc_info=None, **extra):
    made = logging.getLogger("frontline.sla.services.notifications").makeRecord(
        "frontline.sla.services.notifications",
        level,
        __file__,
        1,
        message,
        (),
        exc_info,
        extra=extra,
    )
    made.created = 1_764_684_000.25  # 2025-12-02 14:00:00.25 UTC
    return made


def failing():
    try:
        raise ConnectionRefusedError(111, "Connection refused")
    except ConnectionRefusedError:
        return sys.exc_info()


def test_plain_lines_end_with_the_extra_fields_quoted_when_needed():
    line = KeyValueFormatter().format(
        record(
            "sla.notification.send_failed",
            ticket_ids=[12, 13],
            recipient="ann@example.test",
            error="ConnectionRefusedError: [Errno 111] Connection refused",
            final=False,
            empty="",
        )
    )

    assert line.endswith(
        " WARNING frontline.sla.services.notifications sla.notification.send_failed"
        " ticket_ids=[12,13] recipient=ann@example.test"
        ' error="ConnectionRefusedError: [Errno 111] Connection refused" final=false empty=""'
    )


def test_plain_lines_without_extra_are_unchanged_and_tracebacks_stay_below():
    assert (
        KeyValueFormatter()
        .format(record("sla.breached"))
        .endswith("WARNING frontline.sla.services.notifications sla.breached")
    )
    lines = (
        KeyValueFormatter()
        .format(record("email.ingest.failed", exc_info=failing(), inbound=7))
        .splitlines()
    )

    assert lines[0].endswith("email.ingest.failed inbound=7")
    assert lines[1] == "Traceback (most recent call last):"
    assert lines[-1] == "ConnectionRefusedError: [Errno 111] Connection refused"


def test_json_lines_hold_timestamp_level_logger_event_extra_and_the_traceback():
    line = JsonFormatter().format(
        record("email.ingest.failed", exc_info=failing(), inbound=7, mailbox="support")
    )

    assert "\n" not in line
    entry = json.loads(line)
    traceback = entry.pop("exc_info")
    assert entry == {
        "timestamp": "2025-12-02T14:00:00.250000+00:00",
        "level": "WARNING",
        "logger": "frontline.sla.services.notifications",
        "event": "email.ingest.failed",
        "inbound": 7,
        "mailbox": "support",
    }
    assert traceback.startswith("Traceback (most recent call last):")
    assert traceback.endswith("ConnectionRefusedError: [Errno 111] Connection refused")


def test_values_json_cannot_hold_are_written_as_text():
    entry = json.loads(JsonFormatter().format(record("x.y", path=Path("/var/outbox"))))

    assert entry["path"] == "/var/outbox"


def shipped_settings():
    return runpy.run_path(str(Path(frontline_settings.__file__)))


def test_log_format_picks_the_console_formatter(monkeypatch):
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    assert shipped_settings()["LOGGING"]["handlers"]["console"]["formatter"] == "plain"

    monkeypatch.setenv("LOG_FORMAT", "JSON")
    logging_config = shipped_settings()["LOGGING"]
    assert logging_config["handlers"]["console"]["formatter"] == "json"
    assert logging_config["formatters"]["json"]["()"] == "frontline.core.logging.JsonFormatter"

    monkeypatch.setenv("LOG_FORMAT", "xml")
    with pytest.raises(ImproperlyConfigured, match="LOG_FORMAT must be plain or json"):
        shipped_settings()


def test_a_failing_job_is_logged_with_its_name_and_arguments(caplog):
    huey = worker.queue()
    worker.queue()  # connected once, however often the queue is asked for

    @huey.task(name="frontline_test_failing_job")
    def failing_job(ticket_id: int) -> None:
        raise RuntimeError("the mail server went away")

    try:
        with caplog.at_level(logging.ERROR, logger="frontline.core.worker"):
            failing_job(42)
    finally:
        failing_job.unregister()

    (logged,) = [r for r in caplog.records if r.getMessage() == "worker.task.failed"]
    assert logged.task == "frontline_test_failing_job"
    assert logged.task_args == [42]
    assert logged.error == "RuntimeError: the mail server went away"
