"""An SMTP or LMTP listener (aiosmtpd) a mail server delivers to.

A message is answered ``250`` only after its raw bytes and record are committed; if that
fails the server gets a temporary ``451`` and delivers again later. Processing happens
in a background job, so a slow ticket rule never holds a delivery."""

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.conf import settings
from django.db import DatabaseError, close_old_connections

from frontline.channels.email import ingest
from frontline.channels.email.models import InboundStatus, Mailbox, Source
from frontline.channels.email.threads import base_address

logger = logging.getLogger(__name__)


def accept(raw: bytes, *, sender: str, recipients: Sequence[str]) -> int:
    """Store one delivered message and enqueue its processing; returns its record id."""
    from frontline.channels.email import tasks

    close_old_connections()
    try:
        mailbox = ingest.mailbox_for_recipients(recipients) or ingest.default_mailbox()
        received = ingest.receive(
            raw,
            mailbox=mailbox,
            source=Source.SMTP,
            envelope_sender=sender,
            envelope_recipients=recipients,
        )
        if received.inbound.status == InboundStatus.RECEIVED:
            tasks.process_inbound(received.inbound.pk)
        return received.inbound.pk
    finally:
        close_old_connections()


def knows_recipient(address: str) -> bool:
    """A mailbox's address, anything when there is a default mailbox, and on a fresh
    install the default address (DEFAULT_FROM_EMAIL), whose mailbox is made on first use."""
    close_old_connections()
    try:
        if ingest.mailbox_for_recipients([address]) is not None:
            return True
        if Mailbox.objects.filter(is_default=True, is_active=True).exists():
            return True
        default = settings.DEFAULT_FROM_EMAIL.rpartition("<")[2].strip(" >").lower()
        return base_address(address) == default
    finally:
        close_old_connections()


class InboundHandler:
    """aiosmtpd handler: database work runs in a thread, off the event loop."""

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        loop = asyncio.get_running_loop()
        try:
            known = await loop.run_in_executor(None, knows_recipient, address)
        except DatabaseError:
            logger.exception("email.smtp.lookup_failed", extra={"recipient": address})
            return "451 4.3.0 Temporary failure, try again later"
        if not known:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content
        if not isinstance(raw, bytes):
            raw = str(raw).encode("utf-8", "surrogateescape")
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(
                None,
                lambda: accept(
                    raw, sender=envelope.mail_from or "", recipients=list(envelope.rcpt_tos)
                ),
            )
        except (DatabaseError, OSError):
            logger.exception(
                "email.smtp.store_failed",
                extra={"sender": envelope.mail_from, "recipients": list(envelope.rcpt_tos)},
            )
            return _per_recipient(server, envelope, "451 4.3.0 Could not store it, try later")
        return _per_recipient(server, envelope, "250 2.0.0 Message accepted for delivery")


def _per_recipient(server: SMTP, envelope: Envelope, status: str) -> str:
    """LMTP answers DATA once per recipient (RFC 2033); SMTP once."""
    if isinstance(server, LMTP):
        return "\r\n".join([status] * max(1, len(envelope.rcpt_tos)))
    return status


class _LmtpController(Controller):
    def factory(self) -> SMTP:
        return LMTP(self.handler, **self.SMTP_kwargs)


def start_listener(*, host: str, port: int, lmtp: bool) -> Controller:
    """Start listening in a background thread; ``.stop()`` the returned controller."""
    limit = 2 * settings.FRONTLINE_EMAIL_MAX_MESSAGE_BYTES  # larger is stored and quarantined
    kind = _LmtpController if lmtp else Controller
    controller = kind(
        InboundHandler(),
        hostname=host,
        port=port,
        data_size_limit=limit,
        enable_SMTPUTF8=True,
        ident="Frontline",
    )
    controller.start()
    logger.info("email.smtp.listening", extra={"host": host, "port": port, "lmtp": lmtp})
    return controller
