"""Console log formatters that show each record's ``extra`` fields.

Log messages are dotted event names (``email.send.failed``); what an operator acts on —
the ticket, the recipient, the reason — travels in ``extra``. The standard formatter drops
it, so these print it: ``key=value`` after the message (``LOG_FORMAT=plain``, the default),
or one JSON object per line (``LOG_FORMAT=json``) for a log collector.
"""

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

# Every attribute a bare LogRecord has; anything else on a record came from ``extra``.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "taskName",
}
_BARE = re.compile(r"^[\w.@:/+\-<>,\[\]]+$")


def extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    return {k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")}


def _plain_value(value: Any) -> str:
    text = value if isinstance(value, str) else _to_json(value)
    if text and _BARE.match(text):
        return text
    return json.dumps(text, ensure_ascii=False)


def _to_json(value: Any) -> str:
    return json.dumps(value, default=str, ensure_ascii=False, separators=(",", ":"))


class KeyValueFormatter(logging.Formatter):
    """``2026-12-02 14:00:00,123 WARNING frontline.sla email.send.failed ticket_id=12
    recipient=ann@example.test error="Could not reach the mail server"``"""

    def __init__(self, fmt: str | None = None, datefmt: str | None = None) -> None:
        super().__init__(fmt or "%(asctime)s %(levelname)s %(name)s %(message)s", datefmt)

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = " ".join(f"{k}={_plain_value(v)}" for k, v in extra_fields(record).items())
        if not fields:
            return line
        # The traceback, when there is one, stays below the line it belongs to.
        first, newline, rest = line.partition("\n")
        return f"{first} {fields}{newline}{rest}"


class JsonFormatter(logging.Formatter):
    """One JSON object a line: timestamp, level, logger, event, the extra fields, and
    ``exc_info`` as the formatted traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "event": record.getMessage(),
        }
        for key, value in extra_fields(record).items():
            entry.setdefault(key, value)
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exc_info"] = record.exc_text
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return _to_json(entry)
