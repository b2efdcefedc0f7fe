"""Email out. Each public reply to a customer gets an ``OutboundMessage`` with its own
Message-ID and threading headers; a background job sends it through Django's SMTP backend,
retrying with exponential back-off. Nothing is marked sent before the server accepts it."""

import logging
import smtplib
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from email.utils import formataddr, make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from frontline.channels.email import guards, rendering, threads
from frontline.channels.email.models import (
    DeliveryStatus,
    InboundMessage,
    Mailbox,
    OutboundKind,
    OutboundMessage,
    Security,
    TemplateKind,
)
from frontline.channels.email.outbox import OUTBOX_BACKEND, SMTP_BACKEND, OutboxBackend
from frontline.channels.email.parsing import ParsedMail, original_message_id, parse_message
from frontline.core.actors import Actor
from frontline.core.errors import InvalidTransition
from frontline.core.html import text_to_html
from frontline.customers.models import Identity, IdentityKind
from frontline.customers.services import flag_identity
from frontline.tickets import services as ticket_services
from frontline.tickets.models import AuthorType, Channel, Message, MessageKind, Ticket
from frontline.tickets.queries import ensure_can_work

logger = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=6)
STALLED_AFTER = timedelta(minutes=15)
MAX_REFERENCES = 20
_BODY = "\ue000frontline-body\ue000"


class DeliveryError(Exception):
    """Sending failed; ``permanent`` when retrying cannot help (the server said 5xx)."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class _Known:
    """What the caller already knows about the email of a reply it is adding."""

    mailbox: Mailbox | None
    recipient: Identity
    kind: OutboundKind
    subject: str
    thread: tuple[str, list[str]] | None = None


_known: ContextVar[_Known | None] = ContextVar("frontline_email_known", default=None)


def queue_message(message: Message, ticket: Ticket) -> OutboundMessage | None:
    """Prepare the email for a public reply; the send job is enqueued when the transaction
    commits. Customers without an email address (chat, phone) get none."""
    known = _known.get()
    recipient = known.recipient if known else _address_of(ticket.customer_id)
    if recipient is None:
        return None
    mailbox = known.mailbox if known else mailbox_for(ticket)
    if known is not None:
        kind = known.kind
    elif ticket.channel == Channel.EMAIL or message.is_automatic:
        kind = OutboundKind.REPLY
    else:
        kind = OutboundKind.NOTIFICATION
    in_reply_to, references = (known and known.thread) or _thread_headers(ticket)
    message_id = make_msgid(f"t{ticket.number}", _domain(mailbox)).strip("<>")
    flagged = recipient.is_flagged
    outbound = OutboundMessage.objects.create(
        ticket_message=message,
        mailbox=mailbox,
        kind=kind,
        message_id=message_id,
        recipient=recipient.value,
        cc=[] if message.is_automatic else _copied_addresses(ticket),
        subject=known.subject if known else _subject(kind, ticket),
        in_reply_to=in_reply_to,
        references=" ".join(f"<{i}>" for i in references),
        is_automatic=message.is_automatic,
        status=DeliveryStatus.FAILED if flagged else DeliveryStatus.QUEUED,
        last_error="Not sent: mail to this address bounced before." if flagged else "",
        created_at=timezone.now(),
    )
    threads.remember(ticket, [message_id])
    if not flagged:
        _enqueue_on_commit(outbound.pk)
    return outbound


def acknowledge(
    ticket: Ticket, *, mailbox: Mailbox | None, actor: Actor, request_id: str = ""
) -> Message | None:
    """Answer a new ticket with the acknowledgment template, unless the customer's address
    already had its share of automatic mail this hour. ``request_id``: the Message-ID of
    the ticket's one message, when the caller knows it; ``actor``: who processed the
    request (the system, or whoever reprocessed it)."""
    recipient = _address_of(ticket.customer_id)
    if recipient is None or recipient.is_flagged:
        return None
    if not guards.within_autoreply_limit(recipient.value):
        logger.info(
            "email.ack.rate_limited", extra={"ticket_id": ticket.pk, "recipient": recipient.value}
        )
        return None
    rendered = rendering.render(TemplateKind.ACKNOWLEDGMENT, ticket=ticket)
    subject = threads.with_token(rendered.subject, ticket.number)[:998]
    thread = (request_id, [request_id]) if request_id else None
    known = _Known(mailbox, recipient, OutboundKind.ACKNOWLEDGMENT, subject, thread)
    token = _known.set(known)
    try:
        return ticket_services.reply_to_ticket(
            ticket,
            body=rendered.text,
            actor=actor,
            is_automatic=True,
            channel=Channel.EMAIL,
        )
    finally:
        _known.reset(token)


def record_delivery_report(parsed: ParsedMail) -> None:
    """A bounce or a complaint: mark the email it is about as bounced and, when the failure
    is permanent, flag the address so no more mail goes to it."""
    report = parsed.report
    original = original_message_id(parsed)
    sent = OutboundMessage.objects.filter(message_id=original).first() if original else None
    recipients = guards.report_recipients(parsed) or _original_recipients(parsed)
    if not recipients and sent is not None:
        recipients = (sent.recipient,)
    if report is not None and not report.is_failure:
        return  # "delayed" or "delivered": nothing failed yet
    for address in recipients:
        flag_identity(IdentityKind.EMAIL, address)
    if sent is not None:
        detail = (report.diagnostic or report.status) if report else parsed.subject
        OutboundMessage.objects.filter(pk=sent.pk).update(
            status=DeliveryStatus.BOUNCED,
            bounced_at=timezone.now(),
            last_error=f"Bounced: {detail}"[:2000],
        )
    logger.info("email.bounce.recorded", extra={"original": original, "flagged": recipients})


def _original_recipients(parsed: ParsedMail) -> tuple[str, ...]:
    for attachment in parsed.attachments:
        if attachment.content_type == "message/rfc822":
            inner = parse_message(attachment.content)
            return tuple(a.normalised for a in inner.to)
    return ()


def mailbox_for(ticket: Ticket) -> Mailbox | None:
    """The mailbox the conversation came in through, else the team's, else the default."""
    first = (
        InboundMessage.objects.filter(ticket=ticket)
        .select_related("mailbox")
        .order_by("id")
        .first()
    )
    if first is not None:
        return first.mailbox
    active = Mailbox.objects.filter(is_active=True)
    by_team = active.filter(team=ticket.team_id).first() if ticket.team_id else None
    return by_team or active.filter(is_default=True).first()


def deliver(outbound_id: int) -> float | None:
    """Send one queued email. Returns the seconds until the next attempt, or None when
    there is nothing more to do (sent, failed for good, or not ours to send)."""
    now = timezone.now()
    claimed = OutboundMessage.objects.filter(
        pk=outbound_id, status__in=(DeliveryStatus.QUEUED, DeliveryStatus.RETRYING)
    ).update(status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, next_attempt_at=now)
    if not claimed:
        return None
    outbound = OutboundMessage.objects.select_related(
        "ticket_message__ticket__customer", "ticket_message__ticket__team", "mailbox"
    ).get(pk=outbound_id)
    connection = _connection(outbound.mailbox)
    try:
        email = build_email(outbound)
        _send(email, connection)
    except DeliveryError as exc:
        return _record_failure(outbound, exc)
    kept = isinstance(connection, OutboxBackend)
    OutboundMessage.objects.filter(pk=outbound.pk).update(
        status=DeliveryStatus.KEPT if kept else DeliveryStatus.SENT,
        sent_at=timezone.now(),
        last_error="",
        next_attempt_at=None,
    )
    logger.info(
        "email.kept" if kept else "email.sent",
        extra={
            "outbound": outbound.pk,
            "ticket_id": outbound.ticket_message.ticket_id,
            "recipient": outbound.recipient,
        },
    )
    return None


@transaction.atomic
def retry_delivery(outbound: OutboundMessage, *, actor: Actor) -> OutboundMessage:
    """Send a failed email again (after the address or the server was fixed). Only someone
    who may work the ticket does; the API, the ticket page and the admin all ask here."""
    ticket = Ticket.objects.get(pk=outbound.ticket_message.ticket_id)
    ensure_can_work(actor, ticket)
    updated = OutboundMessage.objects.filter(
        pk=outbound.pk, status__in=(DeliveryStatus.FAILED, DeliveryStatus.RETRYING)
    ).update(status=DeliveryStatus.QUEUED, next_attempt_at=None, last_error="")
    if not updated:
        raise InvalidTransition(
            f"This email is {outbound.get_status_display().lower()}; only failed or retrying "
            "email can be sent again.",
            field="status",
        )
    _enqueue_on_commit(outbound.pk)
    outbound.refresh_from_db()
    return outbound


def stalled_deliveries() -> list[int]:
    """Queued or claimed email whose job was lost (a crash, a queue flushed)."""
    now = timezone.now()
    stale = now - STALLED_AFTER
    return list(
        OutboundMessage.objects.filter(
            Q(status=DeliveryStatus.QUEUED, created_at__lt=stale)
            | Q(status=DeliveryStatus.SENDING, next_attempt_at__lt=stale)
            | Q(status=DeliveryStatus.RETRYING, next_attempt_at__lt=now - timedelta(minutes=1))
        ).values_list("pk", flat=True)[:500]
    )


def release_stalled(outbound_ids: list[int]) -> None:
    OutboundMessage.objects.filter(pk__in=outbound_ids, status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.RETRYING
    )


def build_email(outbound: OutboundMessage) -> EmailMultiAlternatives:
    message = outbound.ticket_message
    ticket = message.ticket
    text, html = _bodies(outbound)
    headers = {
        "Message-ID": f"<{outbound.message_id}>",
        "X-Frontline-Ticket": str(ticket.number),
    }
    if outbound.in_reply_to:
        headers["In-Reply-To"] = f"<{outbound.in_reply_to}>"
    if outbound.references:
        headers["References"] = outbound.references
    if outbound.is_automatic:
        headers["Auto-Submitted"] = "auto-replied"
        headers["X-Auto-Response-Suppress"] = "All"
    mailbox = outbound.mailbox
    reply_to = []
    if mailbox is not None and mailbox.reply_to_plus_address:
        reply_to = [threads.plus_address(mailbox.address, ticket.number)]
    email = EmailMultiAlternatives(
        subject=outbound.subject,
        body=text,
        from_email=_sender(mailbox, ticket),
        to=[outbound.recipient],
        cc=outbound.cc,
        reply_to=reply_to,
        headers=headers,
    )
    email.attach_alternative(html, "text/html")
    for attachment in message.attachments.order_by("id"):
        with attachment.file.open("rb") as handle:
            email.attach(attachment.filename, handle.read(), attachment.content_type)
    return email


def _bodies(outbound: OutboundMessage) -> tuple[str, str]:
    """Text and HTML of the mail: the template around the message body."""
    message = outbound.ticket_message
    notify = outbound.kind == OutboundKind.NOTIFICATION
    kind = TemplateKind.NOTIFICATION if notify else TemplateKind.REPLY
    author = message.author_label if message.author_type == AuthorType.AGENT else ""
    frame = rendering.render(kind, ticket=message.ticket, body=_BODY, author=author).text
    text = frame.replace(_BODY, message.body_text)
    body_html = message.body_html or text_to_html(message.body_text)
    html = text_to_html(frame).replace(f"<p>{_BODY}</p>", body_html).replace(_BODY, body_html)
    return text, html


def _send(email: EmailMultiAlternatives, connection: BaseEmailBackend) -> None:
    """Hand the mail to the server; translate smtplib's errors into DeliveryError."""
    try:
        accepted = connection.send_messages([email])
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        raise DeliveryError(
            f"The server refused the recipients: {exc.recipients}",
            permanent=all(500 <= code < 600 for code in codes),
        ) from exc
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryError(f"The server refused our login: {exc}", permanent=False) from exc
    except smtplib.SMTPResponseException as exc:
        raise DeliveryError(
            f"The server answered {exc.smtp_code}: {exc.smtp_error!r}",
            permanent=500 <= exc.smtp_code < 600,
        ) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"Could not reach the mail server: {exc}", permanent=False) from exc
    if accepted != 1:
        raise DeliveryError("The mail server did not accept the message.", permanent=False)


def _record_failure(outbound: OutboundMessage, exc: DeliveryError) -> float | None:
    attempts = outbound.attempts
    final = exc.permanent or attempts >= settings.FRONTLINE_EMAIL_SEND_ATTEMPTS
    delay = min(
        timedelta(seconds=settings.FRONTLINE_EMAIL_RETRY_SECONDS * 2 ** (attempts - 1)),
        MAX_BACKOFF,
    )
    OutboundMessage.objects.filter(pk=outbound.pk).update(
        status=DeliveryStatus.FAILED if final else DeliveryStatus.RETRYING,
        last_error=str(exc)[:2000],
        next_attempt_at=None if final else timezone.now() + delay,
    )
    logger.warning(
        "email.send.failed",
        extra={
            "outbound": outbound.pk,
            "ticket_id": outbound.ticket_message.ticket_id,
            "recipient": outbound.recipient,
            "attempts": attempts,
            "final": final,
            "error": str(exc),
        },
    )
    return None if final else delay.total_seconds()


def _connection(mailbox: Mailbox | None) -> BaseEmailBackend:
    if mailbox is None or not mailbox.smtp_host:
        return get_connection(timeout=settings.EMAIL_TIMEOUT)
    # A mailbox with its own server sends through it even when the default is the outbox.
    backend = SMTP_BACKEND if settings.EMAIL_BACKEND == OUTBOX_BACKEND else None
    return get_connection(
        backend,
        host=mailbox.smtp_host,
        port=mailbox.smtp_port,
        username=mailbox.smtp_user or None,
        password=mailbox.smtp_password or None,
        use_tls=mailbox.smtp_security == Security.STARTTLS,
        use_ssl=mailbox.smtp_security == Security.SSL,
        timeout=settings.EMAIL_TIMEOUT,
    )


def _enqueue_on_commit(outbound_id: int) -> None:
    from frontline.channels.email import tasks

    transaction.on_commit(lambda: tasks.send_outbound(outbound_id))


def _address_of(customer_id: int) -> Identity | None:
    return (
        Identity.objects.filter(customer_id=customer_id, kind=IdentityKind.EMAIL)
        .order_by("-is_primary", "id")
        .first()
    )


def _copied_addresses(ticket: Ticket) -> list[str]:
    copied = ticket.customer_collaborators.values_list("pk", flat=True)
    identities = Identity.objects.filter(
        customer__in=copied, kind=IdentityKind.EMAIL, is_primary=True, is_flagged=False
    )
    return sorted(identities.values_list("value", flat=True))[:50]


def _thread_headers(ticket: Ticket) -> tuple[str, list[str]]:
    """In-Reply-To (the customer's latest message) and References (the whole thread)."""
    received = list(
        Message.objects.filter(ticket=ticket, kind=MessageKind.REPLY)
        .exclude(external_id="")
        .values_list("created_at", "id", "external_id")
    )
    sent = OutboundMessage.objects.filter(ticket_message__ticket=ticket).values_list(
        "ticket_message__created_at", "ticket_message_id", "message_id"
    )
    ordered = list(dict.fromkeys(i for *_, i in sorted([*received, *sent])))
    latest = max(received)[2] if received else (ordered[-1] if ordered else "")
    if len(ordered) > MAX_REFERENCES:
        ordered = [ordered[0], *ordered[-(MAX_REFERENCES - 1) :]]
    return latest, ordered


def _subject(kind: OutboundKind, ticket: Ticket) -> str:
    template = (
        TemplateKind.NOTIFICATION if kind == OutboundKind.NOTIFICATION else TemplateKind.REPLY
    )
    rendered = rendering.render(template, ticket=ticket)
    return threads.with_token(rendered.subject or f"Re: {ticket.subject}", ticket.number)[:998]


def _sender(mailbox: Mailbox | None, ticket: Ticket) -> str:
    if mailbox is None:
        return settings.DEFAULT_FROM_EMAIL
    name = mailbox.from_name or (ticket.team.name if ticket.team else "")
    return formataddr((name, mailbox.address)) if name else mailbox.address


def _domain(mailbox: Mailbox | None) -> str:
    address = mailbox.address if mailbox else settings.DEFAULT_FROM_EMAIL
    return address.rpartition("@")[2].strip("> ") or "frontline.localhost"
