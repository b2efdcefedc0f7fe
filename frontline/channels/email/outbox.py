"""The local outbox: outbound mail kept as ``.eml`` files when no mail server is configured.

The embedded default has no ``EMAIL_HOST``; rather than fail every send against a server
that is not there, Django's mail goes through ``OutboxBackend``, which writes each message
to ``FRONTLINE_OUTBOX_DIR`` (``DATA_DIR/outbox/``). Administrators read them in the
workspace (``/email/outbox/``). Setting ``EMAIL_HOST`` switches the default back to SMTP.
"""

import email
import email.policy
import logging
import os
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage as ParsedEmail
from email.parser import BytesHeaderParser
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from frontline.core.errors import NotFound
from frontline.core.html import sanitize_html

logger = logging.getLogger(__name__)

OUTBOX_BACKEND = "frontline.channels.email.outbox.OutboxBackend"
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
LISTED = 500
_NAME = re.compile(r"^\d{8}T\d{12}Z-[0-9a-f]{12}\.eml$")


def outbox_dir() -> Path:
    return Path(settings.FRONTLINE_OUTBOX_DIR)


def is_in_use() -> bool:
    """Whether Django's mail, by default, stays in the outbox."""
    return bool(settings.EMAIL_BACKEND == OUTBOX_BACKEND)


def notice() -> str | None:
    """What ``frontline run`` says once at start when outbound mail stays here."""
    if not is_in_use():
        return None
    return f"no EMAIL_HOST: outbound mail is kept in {outbox_dir()}"


class OutboxBackend(BaseEmailBackend):
    """A Django email backend that keeps each message as one file; never fails a send for
    want of a server."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        folder = outbox_dir()
        folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            path = keep(message, folder)
            logger.info(
                "email.outbox.kept",
                extra={"path": str(path), "recipients": message.recipients()},
            )
        return len(email_messages)


def keep(message: EmailMessage, folder: Path) -> Path:
    """Write the message atomically: a reader never sees half a file."""
    mime = message.message()
    if message.bcc:
        # Django leaves Bcc out of the headers; the kept copy records who it was for.
        mime["Bcc"] = ", ".join(message.bcc)
    stamp = timezone.now().astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = folder / f"{stamp}-{uuid.uuid4().hex[:12]}.eml"
    partial = folder / f".{path.name}.partial"
    with partial.open("wb") as handle:
        handle.write(mime.as_bytes())
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)
    return path


@dataclass(frozen=True)
class KeptMessage:
    name: str
    date: datetime | None
    sender: str
    recipients: tuple[str, ...]
    subject: str
    ticket_number: int | None


@dataclass(frozen=True)
class KeptMessageDetail:
    summary: KeptMessage
    text: str
    html: str  # sanitised
    attachments: tuple[tuple[str, int], ...]  # (filename, bytes)


def kept_messages(limit: int = LISTED) -> tuple[list[KeptMessage], int]:
    """The newest kept messages, and how many there are in all."""
    folder = outbox_dir()
    if not folder.is_dir():
        return [], 0
    names = sorted((p.name for p in folder.iterdir() if _NAME.match(p.name)), reverse=True)
    parser = BytesHeaderParser(policy=email.policy.default)
    listed = []
    for name in names[:limit]:
        with (folder / name).open("rb") as handle:
            headers = parser.parse(handle)
        listed.append(_summary(name, headers))
    return listed, len(names)


def kept_message(name: str) -> KeptMessageDetail:
    path = outbox_dir() / name
    if not _NAME.match(name) or not path.is_file():
        raise NotFound("There is no such message in the outbox.")
    parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(parsed, ParsedEmail)  # noqa: S101 - the policy makes EmailMessage
    text_part, html_part = parsed.get_body(("plain",)), parsed.get_body(("html",))
    attachments = tuple(
        (part.get_filename() or "unnamed", len(part.get_payload(decode=True) or b""))
        for part in parsed.iter_attachments()
    )
    return KeptMessageDetail(
        summary=_summary(name, parsed),
        text=text_part.get_content() if isinstance(text_part, ParsedEmail) else "",
        html=sanitize_html(html_part.get_content()) if isinstance(html_part, ParsedEmail) else "",
        attachments=attachments,
    )


def _summary(name: str, headers: email.message.Message) -> KeptMessage:
    recipients = tuple(
        str(address)
        for field in ("To", "Cc", "Bcc")
        for address in getattr(headers.get(field), "addresses", ())
    )
    ticket = str(headers.get("X-Frontline-Ticket", ""))
    date = getattr(headers.get("Date"), "datetime", None)
    return KeptMessage(
        name=name,
        date=date if date is None or date.tzinfo else date.replace(tzinfo=UTC),
        sender=str(headers.get("From", "")),
        recipients=recipients,
        subject=str(headers.get("Subject", "")),
        ticket_number=int(ticket) if ticket.isdigit() else None,
    )
