"""Inbound posts of messaging and telephony providers: signature first, then the raw
payload stored, then processed; one that cannot be processed is quarantined with the
reason and can be replayed (``replay_payload``), as email is.

A message continues the customer's newest ticket on the channel when it is unsolved (or
was solved within the channel's reopen window), else it opens a ticket. Posts are
idempotent on the provider's id: the same message twice is one message.
"""

import logging
from collections.abc import Mapping
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

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
_PROCESSED_FIELDS = (
    "status", "processed_at", "reason", "kind", "provider_id", "ticket", "message", "call",
    "attempts",
)  # fmt: skip


def accept(channel: MessagingChannel, raw: bytes, headers: Mapping[str, str]) -> InboundPayload:
    """Check the signature, store the payload, process it. A forged or replayed post is
    counted on the channel, logged and refused; its body is not stored."""
    try:
        check_signature(channel, headers, raw)
    except SignatureRefused as exc:
        record_refusal(channel, exc.message)
        raise
    payload = InboundPayload.objects.create(
        channel=channel,
        raw=raw,
        headers={k: v for k, v in headers.items() if k.lower() not in _DROPPED_HEADERS},
        received_at=timezone.now(),
    )
    return process(payload)


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


def process(payload: InboundPayload) -> InboundPayload:
    """Process a stored payload; a domain error quarantines it and is raised again (the
    caller answers 422), an unexpected one quarantines it quietly (kept for a replay)."""
    # Counted with the outcome's own write (one query less on the hot path).
    payload.attempts += 1
    try:
        parsed = parse(bytes(payload.raw))
        payload.kind = parsed.type
        payload.provider_id = _provider_id(parsed)
        original = _processed_before(payload)
        if original is not None:
            return _mark_duplicate(payload, original)
        try:
            with transaction.atomic():
                _apply(payload, parsed)
                payload.status = PayloadStatus.PROCESSED
                payload.processed_at = timezone.now()
                payload.reason = ""
                payload.save(update_fields=_PROCESSED_FIELDS)
        except IntegrityError:
            original = _processed_before(payload)
            if original is None:
                raise
            return _mark_duplicate(payload, original)
    except FrontlineError as exc:
        _quarantine(payload, f"{exc.field}: {exc.message}" if exc.field else exc.message)
        raise
    except Exception as exc:  # process boundary: keep it for a replay
        logger.exception("messaging.inbound.failed", extra={"payload_id": payload.pk})
        _quarantine(payload, f"Unexpected error: {type(exc).__name__}: {exc}")
    return payload


def replay_payload(payload: InboundPayload, *, actor: Actor) -> InboundPayload:
    """Process a quarantined payload again (after the channel or the data was fixed)."""
    services.ensure_manages_channels(actor)
    if payload.status not in (PayloadStatus.QUARANTINED, PayloadStatus.RECEIVED):
        raise InvalidTransition(
            f"Payload {payload.pk} is {payload.get_status_display().lower()}; only "
            "quarantined payloads are replayed.",
            field="status",
        )
    try:
        return process(payload)
    except FrontlineError:
        payload.refresh_from_db()
        return payload


def _provider_id(parsed: MessagePayload | StatusPayload | CallPayload) -> str:
    if isinstance(parsed, MessagePayload):
        return parsed.message_id
    if isinstance(parsed, CallPayload):
        return parsed.call_id
    return f"{parsed.message_id}:{parsed.status}"[:200]


def _processed_before(payload: InboundPayload) -> InboundPayload | None:
    return (
        InboundPayload.objects.filter(
            channel_id=payload.channel_id,
            kind=payload.kind,
            provider_id=payload.provider_id,
            status=PayloadStatus.PROCESSED,
        )
        .exclude(pk=payload.pk)
        .first()
    )


def _mark_duplicate(payload: InboundPayload, original: InboundPayload) -> InboundPayload:
    payload.status = PayloadStatus.DUPLICATE
    payload.duplicate_of = original
    payload.ticket_id = original.ticket_id
    payload.processed_at = timezone.now()
    payload.reason = f"Duplicate of payload {original.pk}."
    payload.save(update_fields=[*_PROCESSED_FIELDS, "duplicate_of"])
    return payload


def _quarantine(payload: InboundPayload, reason: str) -> None:
    payload.status = PayloadStatus.QUARANTINED
    payload.reason = reason[:2000]
    InboundPayload.objects.filter(pk=payload.pk).update(
        status=payload.status,
        reason=payload.reason,
        kind=payload.kind[:10],
        attempts=F("attempts") + 1,
    )
    logger.info("messaging.inbound.quarantined", extra={"payload_id": payload.pk, "reason": reason})


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


def _take_call(payload: InboundPayload, channel: MessagingChannel, parsed: CallPayload) -> None:
    number = parsed.caller if parsed.direction == "inbound" else parsed.callee
    if not number:
        field = "from" if parsed.direction == "inbound" else "to"
        raise ValidationFailed(f"An {parsed.direction} call needs {field!r}.", field=field)
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
