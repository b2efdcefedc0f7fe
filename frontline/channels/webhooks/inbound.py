"""Inbound posts of messaging and telephony providers: signature first, then the raw
payload stored, then processed; one that cannot be processed is quarantined with the
reason and can be replayed (``replay_payload``), as email is.

A message continues the customer's newest ticket on the channel when it is unsolved (or
was solved within the channel's reopen window), else it opens a ticket. Posts are
idempotent on the provider's id: the same message twice is one message.
"""

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from frontline.channels.webhooks import outbound, services
from frontline.channels.webhooks.models import (
    CallDirection,
    CallOutcome,
    Conversation,
    InboundPayload,
    MessagingChannel,
    PayloadStatus,
)
from frontline.channels.webhooks.payloads import (
    CallPayload,
    MessagePayload,
    StatusPayload,
    attachments_of,
    parse,
    sender_of,
)
from frontline.channels.webhooks.signing import SignatureRefused, check_signature
from frontline.core.actors import Actor, ActorKind
from frontline.core.errors import FrontlineError, InvalidTransition, ValidationFailed
from frontline.customers.models import Customer
from frontline.tickets import services as tickets
from frontline.tickets.models import UNSOLVED_STATUSES, Channel, Status, Ticket

logger = logging.getLogger(__name__)

# Headers kept with the raw body: what a replay or an investigation may need.
_DROPPED_HEADERS = frozenset({"cookie", "authorization"})
SUBJECT_WORDS = 8
_PROCESSABLE = (PayloadStatus.RECEIVED, PayloadStatus.QUARANTINED)
_PROCESSED_FIELDS = (
    "status", "processed_at", "reason", "kind", "provider_id", "ticket", "message", "call",
    "attempts",
)  # fmt: skip


# The bench accepts posts without queueing their processing, then drains them itself.
_deferred: ContextVar[bool] = ContextVar("frontline_messaging_deferred", default=False)


@contextmanager
def processing_deferred() -> Iterator[None]:
    token = _deferred.set(True)
    try:
        yield
    finally:
        _deferred.reset(token)


def accept(channel: MessagingChannel, raw: bytes, headers: Mapping[str, str]) -> InboundPayload:
    """Check the signature, read the payload and store it as received, then queue its
    processing (``process``) for the worker. A forged or replayed post is counted on the
    channel, logged and refused, and its body is not stored; a signed post that cannot be
    read is stored quarantined and the error raised (the API answers 422); a provider id
    already taken is stored as a duplicate of the original."""
    try:
        check_signature(channel, headers, raw)
    except SignatureRefused as exc:
        record_refusal(channel, exc.message)
        raise
    payload = InboundPayload(
        channel=channel,
        raw=raw,
        headers={k: v for k, v in headers.items() if k.lower() not in _DROPPED_HEADERS},
        received_at=timezone.now(),
    )
    try:
        parsed = read(raw)
    except FrontlineError as exc:
        payload.status, payload.reason = PayloadStatus.QUARANTINED, _reason(exc)
        payload.save()
        logger.info(
            "messaging.inbound.quarantined",
            extra={"payload_id": payload.pk, "reason": payload.reason},
        )
        raise
    payload.kind, payload.provider_id = parsed.type, _provider_id(parsed)
    try:
        with transaction.atomic():
            payload.save()
    except IntegrityError:
        return _store_duplicate(payload)
    if not _deferred.get():
        _queue(payload)
    return payload


def _queue(payload: InboundPayload) -> None:
    from frontline.channels.webhooks import tasks

    tasks.process_payload(payload.pk)
    if HUEY.immediate:  # the job ran already: the answer says how it went
        payload.refresh_from_db(fields=["status", "ticket"])


def read(raw: bytes) -> MessagePayload | StatusPayload | CallPayload:
    """The payload, checked as far as it can be without the database."""
    parsed = parse(raw)
    if isinstance(parsed, MessagePayload):
        kind, value = sender_of(parsed)
        services.normalise_address(kind, value)
        attachments_of(parsed)
    elif isinstance(parsed, CallPayload):
        services.normalise_address("phone", _call_number(parsed))
    return parsed


def _reason(exc: FrontlineError) -> str:
    return (f"{exc.field}: {exc.message}" if exc.field else exc.message)[:2000]


def record_refusal(channel: MessagingChannel, reason: str) -> None:
    MessagingChannel.objects.filter(pk=channel.pk).update(
        rejected_count=F("rejected_count") + 1,
        last_rejected_at=timezone.now(),
        last_rejected_reason=reason[:200],
    )
    logger.warning(
        "messaging.inbound.refused",
        extra={"channel_id": channel.pk, "channel": channel.name, "reason": reason},
    )


def process(payload_id: int) -> InboundPayload | None:
    """Process a received (or quarantined) payload once: its ticket work and its new
    state commit together; a failure quarantines it with the reason, for a replay."""
    try:
        with transaction.atomic():
            payload = (
                InboundPayload.objects.select_for_update()
                .select_related("channel")
                .filter(pk=payload_id, status__in=_PROCESSABLE)
                .first()
            )
            if payload is None:
                return None  # gone, or processed already
            parsed = read(bytes(payload.raw))
            payload.kind, payload.provider_id = parsed.type, _provider_id(parsed)
            _apply(payload, parsed)
            payload.status, payload.processed_at, payload.reason = (
                PayloadStatus.PROCESSED,
                timezone.now(),
                "",
            )
            payload.attempts += 1
            payload.save(update_fields=_PROCESSED_FIELDS)
            return payload
    except IntegrityError:
        # A provider's retry was taken while this one sat in quarantine.
        stored = InboundPayload.objects.select_related("channel").get(pk=payload_id)
        again = parse(bytes(stored.raw))
        stored.kind, stored.provider_id = again.type, _provider_id(again)
        return _mark_duplicate(stored)
    except FrontlineError as exc:
        _quarantine(payload_id, _reason(exc))
    except Exception as exc:  # process boundary: keep it for a replay
        logger.exception("messaging.inbound.failed", extra={"payload_id": payload_id})
        _quarantine(payload_id, f"Unexpected error: {type(exc).__name__}: {exc}")
    return InboundPayload.objects.filter(pk=payload_id).first()


def replay_payload(payload: InboundPayload, *, actor: Actor) -> InboundPayload:
    """Process a quarantined payload again (after the channel or the data was fixed)."""
    services.ensure_manages_channels(actor)
    if payload.status not in _PROCESSABLE:
        raise InvalidTransition(
            f"Payload {payload.pk} is {payload.get_status_display().lower()}; only "
            "quarantined payloads are replayed.",
            field="status",
        )
    return process(payload.pk) or payload


def pending(limit: int = 200) -> list[int]:
    """Payloads received over a minute ago and never processed (their job was lost)."""
    stale = timezone.now() - timedelta(minutes=1)
    received = InboundPayload.objects.filter(
        status=PayloadStatus.RECEIVED, received_at__lt=stale
    ).order_by("received_at", "id")
    return list(received.values_list("pk", flat=True)[:limit])


def _provider_id(parsed: MessagePayload | StatusPayload | CallPayload) -> str:
    if isinstance(parsed, MessagePayload):
        return parsed.message_id
    if isinstance(parsed, CallPayload):
        return parsed.call_id
    return f"{parsed.message_id}:{parsed.status}"[:200]


def _accepted_before(payload: InboundPayload) -> InboundPayload | None:
    return (
        InboundPayload.objects.filter(
            channel_id=payload.channel_id,
            kind=payload.kind,
            provider_id=payload.provider_id,
            status__in=(PayloadStatus.RECEIVED, PayloadStatus.PROCESSED),
        )
        .exclude(pk=payload.pk)
        .first()
    )


def _store_duplicate(payload: InboundPayload) -> InboundPayload:
    original = _accepted_before(payload)
    if original is None:
        raise IntegrityError("A payload conflicts with none accepted.")
    payload.status, payload.duplicate_of = PayloadStatus.DUPLICATE, original
    payload.ticket_id = original.ticket_id
    payload.processed_at = timezone.now()
    payload.reason = f"Duplicate of payload {original.pk}."
    payload.save()
    return payload


def _mark_duplicate(payload: InboundPayload) -> InboundPayload:
    original = _accepted_before(payload)
    payload.status, payload.duplicate_of = PayloadStatus.DUPLICATE, original
    payload.ticket_id = original.ticket_id if original else None
    payload.processed_at = timezone.now()
    payload.reason = f"Duplicate of payload {original.pk if original else '?'}."
    payload.save(update_fields=[*_PROCESSED_FIELDS, "duplicate_of"])
    return payload


def _quarantine(payload_id: int, reason: str) -> None:
    InboundPayload.objects.filter(pk=payload_id).update(
        status=PayloadStatus.QUARANTINED, reason=reason[:2000], attempts=F("attempts") + 1
    )
    logger.info("messaging.inbound.quarantined", extra={"payload_id": payload_id, "reason": reason})


def _apply(payload: InboundPayload, parsed: MessagePayload | StatusPayload | CallPayload) -> None:
    channel = payload.channel
    if isinstance(parsed, MessagePayload):
        _take_message(payload, channel, parsed)
    elif isinstance(parsed, StatusPayload):
        delivery = outbound.apply_receipt(
            channel, str(parsed.message_id), status=parsed.status, error=parsed.error
        )
        payload.ticket_id = delivery.message.ticket_id
        payload.message_id = delivery.message_id
    else:
        _take_call(payload, channel, parsed)


def _take_message(
    payload: InboundPayload, channel: MessagingChannel, parsed: MessagePayload
) -> None:
    kind, value = sender_of(parsed)
    customer = services.get_or_create_customer(kind, value, name=parsed.sender.name)
    actor = Actor(ActorKind.CUSTOMER, customer=customer)
    attachments = attachments_of(parsed)
    ticket = continued_ticket(channel, customer)
    if ticket is None:
        ticket = tickets.open_ticket(
            customer=customer,
            subject=_subject(parsed.text, value),
            body=parsed.text,
            actor=actor,
            channel=channel.ticket_channel,
            team=channel.team,
            attachments=attachments,
            external_id=parsed.message_id,
        )
        Conversation.objects.create(
            ticket=ticket, channel=channel, address=services.normalise_address(kind, value)
        )
        message_id = ticket.messages.values_list("pk", flat=True).first()
    else:
        message = tickets.reply_to_ticket(
            ticket,
            body=parsed.text,
            actor=actor,
            attachments=attachments,
            channel=channel.ticket_channel,
            external_id=parsed.message_id,
        )
        message_id = message.pk
    payload.ticket_id = ticket.pk
    payload.message_id = message_id


def continued_ticket(channel: MessagingChannel, customer: Customer) -> Ticket | None:
    """The customer's newest ticket on this channel, if it is still open (or was solved
    within the reopen window); closed and older solved tickets get a new one."""
    conversation = (
        Conversation.objects.filter(channel=channel, ticket__customer=customer)
        .select_related("ticket")
        .order_by("-ticket__created_at", "-ticket_id")
        .first()
    )
    if conversation is None:
        return None
    ticket = conversation.ticket
    if ticket.status in UNSOLVED_STATUSES:
        return ticket
    window = timezone.now() - timedelta(days=channel.reopen_window_days)
    if ticket.status == Status.SOLVED and ticket.solved_at and ticket.solved_at >= window:
        return ticket
    return None


def _subject(text: str, sender: str) -> str:
    words = text.split()
    if not words:
        return f"Message from {sender}"
    subject = " ".join(words[:SUBJECT_WORDS])
    return subject + ("…" if len(words) > SUBJECT_WORDS else "")


def _call_number(parsed: CallPayload) -> str:
    """The customer's number: the caller of an inbound call, the callee of an outbound."""
    number = parsed.caller if parsed.direction == "inbound" else parsed.callee
    if not number:
        field = "from" if parsed.direction == "inbound" else "to"
        raise ValidationFailed(f"An {parsed.direction} call needs {field!r}.", field=field)
    return number


def _take_call(payload: InboundPayload, channel: MessagingChannel, parsed: CallPayload) -> None:
    number = _call_number(parsed)
    customer = services.get_or_create_customer("phone", number)
    ticket = (
        Ticket.objects.filter(customer=customer, status__in=UNSOLVED_STATUSES)
        .order_by("-updated_at", "-id")
        .first()
    )
    if ticket is None:
        ticket = tickets.open_ticket(
            customer=customer,
            subject=f"Phone call with {services.normalise_address('phone', number)}",
            body=parsed.note or f"{parsed.direction.capitalize()} call, {parsed.outcome}.",
            actor=Actor(ActorKind.CUSTOMER, customer=customer),
            channel=Channel.PHONE,
            team=channel.team,
            external_id=parsed.call_id,
        )
    call = services.log_call(
        ticket,
        call=services.CallFields(
            direction=CallDirection(parsed.direction),
            number=number,
            started_at=parsed.started_at,
            duration_seconds=parsed.duration_seconds,
            outcome=CallOutcome(parsed.outcome),
            note=parsed.note,
        ),
        actor=Actor.system(),
        channel=channel,
        external_id=parsed.call_id,
    )
    payload.ticket_id = ticket.pk
    payload.call_id = call.pk
