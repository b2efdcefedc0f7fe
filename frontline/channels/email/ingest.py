"""Inbound mail, raw first: ``receive`` stores the bytes and their record in the
transaction that acknowledges the message, before anything reads it; ``process`` parses,
guards, threads and files it on a ticket through the tickets services, or keeps it with
the reason why not. Processing is idempotent and never loses a message."""

import hashlib
import logging
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from frontline.channels.email import guards, outbound, threads
from frontline.channels.email.headers import Address
from frontline.channels.email.models import (
    InboundMessage,
    InboundStatus,
    Mailbox,
    Outcome,
    Source,
)
from frontline.channels.email.parsing import ParsedMail, parse_message
from frontline.channels.email.reading import Prepared, visible_text
from frontline.core.actors import Actor
from frontline.core.errors import FrontlineError, TooLarge
from frontline.core.files import media_type_or_default
from frontline.customers.models import Customer
from frontline.customers.services import get_or_create_customer_by_email
from frontline.tickets import services as ticket_services
from frontline.tickets.models import Channel, Message, Priority, Status, Ticket
from frontline.tickets.queries import is_requester_side

logger = logging.getLogger(__name__)

EMPTY_BODY = "(This message has no text.)"
OWN_ADDRESSES_TTL = 10.0
MAX_COPIED = 10
_HEADER_END = re.compile(rb"\r?\n\r?\n")
_MESSAGE_ID = re.compile(rb"^message-id:[ \t]*((?:.*)(?:\r?\n[ \t].*)*)", re.IGNORECASE | re.M)
_ID_TOKEN = re.compile(rb"<([^<>\s]{1,996})>")


@dataclass(frozen=True)
class Received:
    inbound: InboundMessage
    created: bool


class Quarantined(Exception):
    """The message cannot become a ticket message until someone looks at it."""

    def __init__(self, outcome: Outcome, detail: str) -> None:
        super().__init__(detail)
        self.outcome = outcome
        self.detail = detail


@dataclass
class Result:
    status: InboundStatus
    outcome: Outcome
    detail: str = ""
    ticket: Ticket | None = None
    message: Message | None = None


@dataclass(frozen=True)
class Content:
    text: str
    html: str
    visible: str
    attachments: list[ticket_services.NewAttachment] = field(default_factory=list)


# Receiving


def receive(
    raw: bytes,
    *,
    mailbox: Mailbox,
    source: Source,
    envelope_sender: str = "",
    envelope_recipients: Sequence[str] = (),
) -> Received:
    """Store the bytes and their record; the same bytes delivered again are not stored twice.
    When this returns, the message is safe: acknowledge it to whoever delivered it."""
    digest = hashlib.sha256(raw).hexdigest()
    message_id = peek_message_id(raw)
    existing = InboundMessage.objects.filter(message_id=message_id, sha256=digest).first()
    if existing is not None:
        return Received(existing, created=False)
    name = store_raw(raw, digest)
    try:
        with transaction.atomic():
            inbound = InboundMessage.objects.create(
                mailbox=mailbox,
                source=source,
                message_id=message_id,
                sha256=digest,
                raw=name,
                size=len(raw),
                envelope_sender=envelope_sender[:320],
                envelope_recipients=list(envelope_recipients)[:100],
                received_at=timezone.now(),
            )
    except IntegrityError:
        # The same message arrived by another path at the same moment; theirs is ours.
        return Received(
            InboundMessage.objects.get(message_id=message_id, sha256=digest), created=False
        )
    return Received(inbound, created=True)


def peek_message_id(raw: bytes) -> str:
    """The Message-ID from the header block, read without parsing the message."""
    end = _HEADER_END.search(raw)
    found = _MESSAGE_ID.search(raw[: end.start() if end else len(raw)])
    if found is None:
        return ""
    value = found.group(1)
    token = _ID_TOKEN.search(value)
    if token is not None:
        return token.group(1).decode("ascii", "replace")
    bare = value.strip()
    if bare and b" " not in bare and len(bare) < 996:
        return bare.decode("ascii", "replace")
    return ""


def store_raw(raw: bytes, digest: str) -> str:
    name = f"mail/raw/{digest[:2]}/{digest}.eml"
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(raw))
        if saved != name:  # written by a concurrent delivery meanwhile: same bytes
            default_storage.delete(saved)
    return name


def read_raw(inbound: InboundMessage) -> bytes:
    with default_storage.open(str(inbound.raw.name), "rb") as handle:
        data: bytes = handle.read()
    return data


# Processing


def process(
    inbound: InboundMessage,
    *,
    actor: Actor,
    raw: bytes | None = None,
    prepared: Prepared | None = None,
    again: bool = False,
) -> tuple[str, str] | None:
    """File a received message on its ticket, or keep it with the reason why not; returns
    (status, outcome), or None when the message was not this call's to process. ``actor``
    runs the processing (the system for the worker, the person who asked to reprocess):
    the merges, copies and acknowledgment it decides are recorded as theirs; what the
    sender wrote stays the sender's.

    This is the ingest boundary: whatever goes wrong is recorded on the message, which
    stays stored and can be processed again (``again``) after a fix."""
    locked: InboundMessage | None = None
    try:
        with transaction.atomic():
            locked = _claim(inbound, again=again)
            if locked is None:
                return None
            result = _process(locked, raw, prepared, actor=actor)
            _record(locked, result)
            return result.status, result.outcome
    except Quarantined as held:
        failure = (held.outcome, held.detail)
    except TooLarge as exc:
        failure = (_limit_outcome(exc), exc.message)
    except FrontlineError as exc:
        failure = (Outcome.REJECTED, exc.message)
    except Exception as exc:  # the boundary: one bad message must not stop the rest
        logger.exception(
            "email.ingest.failed",
            extra={
                "inbound": inbound.pk,
                "mailbox": inbound.mailbox_id,
                "message_id": inbound.message_id,
                "error": f"{type(exc).__name__}: {exc}",
            },
        )
        failure = (Outcome.ERROR, f"{type(exc).__name__}: {exc}")
    _record_failure(locked or inbound, *failure)
    return InboundStatus.FAILED, failure[0]


def _limit_outcome(exc: TooLarge) -> Outcome:
    """Each limit of the tickets services has its own reason (``_check_attachment``)."""
    field = exc.field or ""
    if field == "body":
        return Outcome.BODY_TOO_LONG
    if field == "attachments":
        return Outcome.TOO_MANY_ATTACHMENTS
    if field.startswith("attachments."):
        return Outcome.ATTACHMENT_TOO_LARGE
    return Outcome.TOO_LARGE


def _claim(inbound: InboundMessage, *, again: bool) -> InboundMessage | None:
    """Take the message for this transaction: a conditional update that row-locks it, so a
    second worker waits and then finds it done."""
    takes = (InboundStatus.RECEIVED, InboundStatus.FAILED) if again else (InboundStatus.RECEIVED,)
    claimed = InboundMessage.objects.filter(pk=inbound.pk, status__in=takes).update(
        attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    if connection.features.has_select_for_update:
        # One thread decision at a time per mailbox, so two replies of a new thread that
        # arrive together cannot open two tickets. (SQLite writers are serial anyway.)
        Mailbox.objects.select_for_update().filter(pk=inbound.mailbox_id).first()
    return inbound


def _process(
    inbound: InboundMessage, raw: bytes | None, prepared: Prepared | None, *, actor: Actor
) -> Result:
    breach = guards.size_breach(inbound.size)
    if breach is not None:
        raise Quarantined(breach.outcome, breach.detail)
    if prepared is None:
        prepared = read_message(raw if raw is not None else read_raw(inbound))
    parsed = prepared.parsed
    inbound.sender = parsed.sender.normalised[:320] if parsed.sender else ""
    inbound.subject = parsed.subject[:250]
    inbound.notes = "\n".join(parsed.notes)
    verdict = guards.classify(parsed, own_addresses=own_addresses())
    if not verdict.opens_ticket:
        if verdict.kind in (guards.MailKind.BOUNCE, guards.MailKind.COMPLAINT):
            outbound.record_delivery_report(parsed)
        return Result(InboundStatus.IGNORED, guards.NO_TICKET[verdict.kind], verdict.reason)
    recipients = [
        *(a.normalised for a in (*parsed.to, *parsed.cc)),
        *inbound.envelope_recipients,
        parsed.headers.get("delivered-to", "").strip().lower(),
    ]
    match = threads.find_thread(parsed, recipients=recipients)
    duplicate = _duplicate_of(inbound, raw) if match is not None and match.seen_own_id else None
    if duplicate is not None:
        return Result(
            InboundStatus.IGNORED,
            Outcome.DUPLICATE,
            f"Same message as #{duplicate.pk}.",
            ticket=duplicate.ticket,
        )
    breach = guards.attachment_breach(parsed)
    if breach is not None:
        raise Quarantined(breach.outcome, breach.detail)
    customer = _customer(parsed.sender or _envelope_sender(inbound))
    match = _usable(match, customer)
    result = _file(inbound, prepared, customer, match, automatic=verdict.is_automatic, actor=actor)
    if result.outcome in (Outcome.OPENED, Outcome.FOLLOW_UP) and verdict.may_acknowledge:
        _acknowledge(inbound, result, actor=actor)
    return result


def read_message(raw: bytes) -> Prepared:
    parsed = parse_message(raw)  # through this module, so tests can break it on purpose
    return Prepared(parsed, visible_text(parsed))


def _file(
    inbound: InboundMessage,
    prepared: Prepared,
    customer: Customer,
    match: threads.ThreadMatch | None,
    *,
    automatic: bool,
    actor: Actor,
) -> Result:
    parsed = prepared.parsed
    content = _content(prepared)
    if match is None:
        ticket = _open(inbound, parsed, customer, content)
        message, outcome = ticket.messages.order_by("id").first(), Outcome.OPENED
    elif _needs_follow_up(match.ticket, inbound.mailbox):
        ticket = _open(inbound, parsed, customer, content, follow_up_of=match.ticket)
        message, outcome = ticket.messages.order_by("id").first(), Outcome.FOLLOW_UP
    else:
        ticket = match.ticket
        message = _reply(ticket, parsed, customer, content, automatic=automatic, actor=actor)
        outcome = Outcome.THREADED
    _copy_people(ticket, parsed, customer)
    threads.remember(ticket, [parsed.message_id, *parsed.thread_ids])
    if match is not None:
        ticket = _join_bridged(ticket, match.others, actor=actor)
    return Result(InboundStatus.PROCESSED, outcome, ticket=ticket, message=message)


def _usable(match: threads.ThreadMatch | None, customer: Customer) -> threads.ThreadMatch | None:
    """A token match from someone outside the ticket is not trusted: anyone can type
    ``[#12345]``. Such mail opens its own ticket instead of joining another's."""
    if match is None or match.is_proven or _on_requester_side(customer, match.ticket):
        return match
    return None


def _on_requester_side(customer: Customer, ticket: Ticket) -> bool:
    if customer.pk == ticket.customer_id:
        return True
    return is_requester_side(Actor.for_customer(customer), ticket)


def _open(
    inbound: InboundMessage,
    parsed: ParsedMail,
    customer: Customer,
    content: Content,
    *,
    follow_up_of: Ticket | None = None,
) -> Ticket:
    mailbox = inbound.mailbox
    return ticket_services.open_ticket(
        customer=customer,
        subject=parsed.subject or "(no subject)",
        body=content.text,
        html=content.html,
        visible_text=content.visible,
        attachments=content.attachments,
        actor=Actor.for_customer(customer),
        channel=Channel.EMAIL,
        priority=Priority(mailbox.default_priority),
        team=mailbox.team,
        external_id=parsed.message_id,
        follow_up_of=follow_up_of,
    )


def _reply(
    ticket: Ticket,
    parsed: ParsedMail,
    customer: Customer,
    content: Content,
    *,
    automatic: bool,
    actor: Actor,
) -> Message:
    if not _on_requester_side(customer, ticket):
        # Proven by headers: the sender got our mail, e.g. as a colleague in copy.
        ticket_services.add_customer_collaborators(ticket, customers=[customer], actor=actor)
    return ticket_services.reply_to_ticket(
        ticket,
        body=content.text,
        html=content.html,
        visible_text=content.visible,
        attachments=content.attachments,
        actor=Actor.for_customer(customer),
        channel=Channel.EMAIL,
        is_automatic=automatic,
        external_id=parsed.message_id,
    )


def _needs_follow_up(ticket: Ticket, mailbox: Mailbox) -> bool:
    if ticket.status == Status.CLOSED:
        return True
    if ticket.status != Status.SOLVED or ticket.solved_at is None:
        return False
    return ticket.solved_at < timezone.now() - timedelta(days=mailbox.reopen_window_days)


def _content(prepared: Prepared) -> Content:
    parsed = prepared.parsed
    text = parsed.text.strip()
    if parsed.calendar:
        text = f"{text}\n\n{parsed.calendar}".strip()
    attachments = [
        ticket_services.NewAttachment(
            filename=a.filename,
            content=a.content,
            # A declared type that is not one is kept as what it surely is: bytes.
            content_type=media_type_or_default(a.content_type),
            content_id=a.content_id,
        )
        for a in parsed.attachments
    ]
    if not text and not parsed.html.strip():
        text = EMPTY_BODY
    return Content(text=text, html=parsed.html, visible=prepared.visible, attachments=attachments)


def _copy_people(ticket: Ticket, parsed: ParsedMail, sender: Customer) -> None:
    """Everyone else the customer wrote to becomes a collaborator on the customer side."""
    own = own_addresses()
    skip = {parsed.sender.normalised} if parsed.sender else set()
    others: dict[str, Address] = {}
    for address in (*parsed.to, *parsed.cc):
        key = address.normalised
        if key not in skip and threads.base_address(key) not in own:
            others.setdefault(key, address)
    people: list[Customer] = []
    for address in list(others.values())[:MAX_COPIED]:
        try:
            people.append(get_or_create_customer_by_email(address.address, name=address.name))
        except FrontlineError:
            continue  # an address we cannot use does not stop the message
    if people:
        ticket_services.add_customer_collaborators(
            ticket, customers=people, actor=Actor.for_customer(sender)
        )


def _join_bridged(ticket: Ticket, others: Sequence[Ticket], *, actor: Actor) -> Ticket:
    """A message whose references name several tickets proves they are one conversation
    (replies that arrived before the message they answer): the oldest keeps it."""
    candidates = [t for t in (ticket, *others) if t.status != Status.CLOSED]
    if len(candidates) < 2:
        return ticket
    survivor, *rest = sorted(candidates, key=lambda t: t.number)
    for source in rest:
        if source.pk == survivor.pk:
            continue
        threads.move_refs(source, into=survivor)
        survivor = ticket_services.merge_tickets(source, into=survivor, actor=actor)
    return survivor


def _acknowledge(inbound: InboundMessage, result: Result, *, actor: Actor) -> None:
    if inbound.mailbox.auto_acknowledge and result.ticket is not None:
        request_id = result.message.external_id if result.message else ""
        outbound.acknowledge(
            result.ticket, mailbox=inbound.mailbox, request_id=request_id, actor=actor
        )


def _customer(sender: Address | None) -> Customer:
    if sender is None:
        raise Quarantined(Outcome.NO_SENDER, "The message names no sender (From, Sender).")
    try:
        return get_or_create_customer_by_email(sender.address, name=sender.name)
    except FrontlineError as exc:
        raise Quarantined(Outcome.NO_SENDER, f"The sender cannot be used: {exc.message}") from exc


def _envelope_sender(inbound: InboundMessage) -> Address | None:
    address = inbound.envelope_sender.strip().strip("<>")
    return Address(name="", address=address) if "@" in address else None


def _duplicate_of(inbound: InboundMessage, raw: bytes | None) -> InboundMessage | None:
    """The same message delivered by another path: same Message-ID and body, other trace
    headers (Received, Delivered-To) that the mail servers on the way added."""
    if not inbound.message_id:
        return None
    earlier = (
        InboundMessage.objects.filter(message_id=inbound.message_id, status=InboundStatus.PROCESSED)
        .exclude(pk=inbound.pk)
        .order_by("id")
    )
    mine = _body_digest(raw if raw is not None else read_raw(inbound))
    for candidate in earlier[:5]:
        if _body_digest(read_raw(candidate)) == mine:
            return candidate
    return None


def _body_digest(raw: bytes) -> str:
    """The body's digest, line endings aside (IMAP stores CRLF where a file had LF)."""
    end = _HEADER_END.search(raw)
    body = raw[end.end() :] if end else b""
    return hashlib.sha256(body.replace(b"\r\n", b"\n")).hexdigest()


def _record(inbound: InboundMessage, result: Result) -> None:
    inbound.status = result.status
    inbound.outcome = result.outcome
    inbound.error = result.detail
    inbound.ticket = result.ticket
    inbound.ticket_message = result.message
    inbound.processed_at = timezone.now()
    inbound.save(
        update_fields=[
            "status",
            "outcome",
            "error",
            "ticket",
            "ticket_message",
            "processed_at",
            "sender",
            "subject",
            "notes",
        ]
    )


def _record_failure(inbound: InboundMessage, outcome: Outcome, detail: str) -> None:
    logger.warning(
        "email.ingest.quarantined",
        extra={
            "inbound": inbound.pk,
            "mailbox": inbound.mailbox_id,
            "sender": inbound.sender or inbound.envelope_sender,
            "outcome": outcome,
            "detail": detail[:200],
        },
    )
    InboundMessage.objects.filter(pk=inbound.pk).update(
        status=InboundStatus.FAILED,
        outcome=outcome,
        error=detail[:5000],
        processed_at=timezone.now(),
        attempts=F("attempts") + 1,
        sender=inbound.sender,
        subject=inbound.subject,
        notes=inbound.notes,
        ticket=None,
        ticket_message=None,
    )


_own_cache: tuple[float, frozenset[str]] = (0.0, frozenset())


def own_addresses() -> frozenset[str]:
    """Our mailbox addresses, re-read every few seconds (mail from them is never answered)."""
    global _own_cache
    now = time.monotonic()
    if now < _own_cache[0]:
        return _own_cache[1]
    addresses = {a.lower() for a in Mailbox.objects.values_list("address", flat=True)}
    default = settings.DEFAULT_FROM_EMAIL.rpartition("<")[2].strip(" >").lower()
    _own_cache = (now + OWN_ADDRESSES_TTL, frozenset({*addresses, default}))
    return _own_cache[1]


def forget_own_addresses() -> None:
    global _own_cache
    _own_cache = (0.0, frozenset())


# Entry points


def default_mailbox() -> Mailbox:
    """The mailbox for mail that names none; created on first use on a fresh install."""
    found = Mailbox.objects.filter(is_default=True).first()
    if found is not None:
        return found
    address = settings.DEFAULT_FROM_EMAIL.rpartition("<")[2].strip(" >")
    try:
        with transaction.atomic():
            return Mailbox.objects.create(name="Default", address=address, is_default=True)
    except IntegrityError:
        return Mailbox.objects.get(is_default=True)


def mailbox_for_recipients(recipients: Sequence[str]) -> Mailbox | None:
    """The mailbox an envelope or header recipient names (plus tags ignored)."""
    wanted = [threads.base_address(r) for r in recipients if "@" in r]
    for mailbox in Mailbox.objects.filter(is_active=True):
        if mailbox.address.lower() in wanted:
            return mailbox
    return None


def ingest(
    raw: bytes, *, mailbox: Mailbox, source: Source, actor: Actor, **envelope: object
) -> Received:
    """Receive and process in one call (import, tests, the HTTP endpoint in immediate mode)."""
    received = receive(raw, mailbox=mailbox, source=source, **envelope)  # type: ignore[arg-type]
    if received.inbound.status == InboundStatus.RECEIVED:
        process(received.inbound, raw=raw, actor=actor)
        received.inbound.refresh_from_db()
    return received


def pending(limit: int = 500) -> list[int]:
    """Received but not processed: a crash or a lost job left them behind."""
    return list(
        InboundMessage.objects.filter(status=InboundStatus.RECEIVED)
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
