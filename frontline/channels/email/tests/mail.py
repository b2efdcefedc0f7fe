"""Small messages for tests, built with the standard library."""

from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from frontline.channels.email import ingest
from frontline.channels.email.models import InboundMessage, Mailbox, Source
from frontline.core.actors import Actor


def build(
    *,
    sender: str = "Carla Customer <carla@example.test>",
    to: str = "support@example.test",
    subject: str = "The printer stops",
    body: str = "Hello, the printer stops after every page.",
    message_id: str | None = None,
    in_reply_to: str | None = None,
    references: str | None = None,
    cc: str | None = None,
    html: str | None = None,
    headers: dict[str, str] | None = None,
    attachments: tuple[tuple[str, bytes, str], ...] = (),
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    if cc:
        message["Cc"] = cc
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime(2026, 11, 23, 9, 30, tzinfo=UTC))
    message["Message-ID"] = message_id or make_msgid(domain="example.test")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    if references:
        message["References"] = references
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    if html:
        message.add_alternative(html, subtype="html")
    for filename, content, content_type in attachments:
        maintype, _, subtype = content_type.partition("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()


def deliver(raw: bytes, mailbox: Mailbox, source: Source = Source.IMPORT) -> InboundMessage:
    """Receive and process, as the import does; returns the refreshed record."""
    received = ingest.ingest(raw, mailbox=mailbox, source=source, actor=Actor.system())
    received.inbound.refresh_from_db()
    return received.inbound


def msgid(raw: bytes) -> str:
    return ingest.peek_message_id(raw)
