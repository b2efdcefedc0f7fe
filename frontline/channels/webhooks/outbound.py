"""Agent replies out through a channel's outbound URL: queued with the reply, POSTed as
signed JSON by the worker with retries and back-off, and moved on by the provider's
delivery receipts (sent → delivered → read, or failed)."""

import json
import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from frontline.channels.webhooks.models import (
    Conversation,
    DeliveryStatus,
    MessagingChannel,
    OutboundMessage,
)
from frontline.core.errors import NotFound
from frontline.integrations import http
from frontline.tickets.models import Message, Ticket

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
FIRST_BACKOFF_S = 30
MAX_BACKOFF_S = 3600
STALLED_AFTER = timedelta(minutes=15)
# A receipt moves a reply forward only: a late "delivered" does not undo "read".
_RANK = {
    DeliveryStatus.SENT: 1,
    DeliveryStatus.DELIVERED: 2,
    DeliveryStatus.READ: 3,
}


def queue_reply(message: Message, ticket: Ticket) -> OutboundMessage | None:
    """The delivery of a public reply on a ticket held on a messaging channel; the send
    job is enqueued when the transaction commits. Other tickets get none."""
    conversation = (
        Conversation.objects.select_related("channel").filter(ticket_id=ticket.pk).first()
    )
    if conversation is None:
        return None
    channel = conversation.channel
    missing = "" if channel.outbound_url else "The channel has no outbound URL."
    delivery = OutboundMessage.objects.create(
        message=message,
        channel=channel,
        recipient=conversation.address,
        status=DeliveryStatus.FAILED if missing else DeliveryStatus.QUEUED,
        last_error=missing,
        created_at=timezone.now(),
    )
    if not missing:
        enqueue_on_commit(delivery.pk)
    return delivery


def enqueue_on_commit(delivery_id: int) -> None:
    from frontline.channels.webhooks import tasks

    transaction.on_commit(lambda: tasks.send_reply(delivery_id))


def body_for(delivery: OutboundMessage) -> bytes:
    message = delivery.message
    address_kind = "handle" if delivery.recipient.startswith("@") else "phone"
    document = {
        "type": "message",
        "id": delivery.pk,
        "to": {address_kind: delivery.recipient},
        "text": message.body_text,
        "ticket": {"id": message.ticket_id, "number": message.ticket.number},
        "attachments": [
            {"filename": a.filename, "content_type": a.content_type, "size": a.size}
            for a in message.attachments.all()
        ],
        "sent_at": message.created_at.isoformat(),
    }
    return json.dumps(document).encode()


def deliver(delivery_id: int) -> float | None:
    """POST one queued reply. Returns the seconds until the next attempt, or None when
    there is nothing more to do (sent, failed for good, or not ours to send)."""
    claimed = OutboundMessage.objects.filter(
        pk=delivery_id, status__in=(DeliveryStatus.QUEUED, DeliveryStatus.RETRYING)
    ).update(
        status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, next_attempt_at=timezone.now()
    )
    if not claimed:
        return None
    delivery = OutboundMessage.objects.select_related("channel", "message__ticket").get(
        pk=delivery_id
    )
    channel = delivery.channel
    body = body_for(delivery)
    secret = channel.outbound_secret or channel.secret
    result = http.post(
        channel.outbound_url,
        body=body,
        headers={http.SIGNATURE_HEADER: http.signature_header(secret, body)},
    )
    if result.ok:
        _sent(delivery, result)
        return None
    return _failed(delivery, result)


def _sent(delivery: OutboundMessage, result: http.HttpResult) -> None:
    now = timezone.now()
    OutboundMessage.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.SENT,
        provider_id=_provider_id(result.body_excerpt)[:200],
        sent_at=now,
        status_at=now,
        last_error="",
        next_attempt_at=None,
    )
    logger.info(
        "messaging.reply.sent",
        extra={"delivery": delivery.pk, "channel_id": delivery.channel_id},
    )


def _failed(delivery: OutboundMessage, result: http.HttpResult) -> float | None:
    error = (result.error or "Failed.")[:2000]
    if result.retryable and delivery.attempts < MAX_ATTEMPTS:
        delay = min(FIRST_BACKOFF_S * 2 ** (delivery.attempts - 1), MAX_BACKOFF_S)
        OutboundMessage.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.RETRYING,
            last_error=error,
            next_attempt_at=timezone.now() + timedelta(seconds=delay),
        )
        logger.warning(
            "messaging.reply.retrying",
            extra={"delivery": delivery.pk, "error": error, "attempt": delivery.attempts},
        )
        return float(delay)
    OutboundMessage.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.FAILED, last_error=error, next_attempt_at=None
    )
    logger.warning("messaging.reply.failed", extra={"delivery": delivery.pk, "error": error})
    return None


def _provider_id(answer: str) -> str:
    """The provider's id of the sent message, when its answer names one."""
    try:
        document = json.loads(answer)
    except ValueError:
        return ""
    if not isinstance(document, dict):
        return ""
    found = document.get("message_id") or document.get("id") or ""
    return str(found) if isinstance(found, str | int) else ""


def apply_receipt(
    channel: MessagingChannel, message_id: str, *, status: str, error: str = ""
) -> OutboundMessage:
    """A provider's delivery receipt, naming the reply by its id or ours."""
    lookup = Q(provider_id=message_id)
    if message_id.isdigit():
        lookup |= Q(pk=int(message_id))
    delivery = (
        OutboundMessage.objects.select_for_update()
        .filter(lookup, channel=channel)
        .order_by("-provider_id")  # the provider's id wins over ours
        .first()
    )
    if delivery is None:
        raise NotFound(f"No reply {message_id!r} was sent on this channel.", field="message_id")
    new = DeliveryStatus(status)
    now = timezone.now()
    if new == DeliveryStatus.FAILED:
        delivery.status, delivery.last_error = new, error or "The provider reported a failure."
    elif _RANK.get(new, 0) > _RANK.get(DeliveryStatus(delivery.status), 0):
        delivery.status = new
    delivery.status_at = now
    delivery.save(update_fields=["status", "last_error", "status_at"])
    return delivery


def due_deliveries() -> list[int]:
    """Retries whose time has come and queued or claimed replies whose job was lost."""
    now = timezone.now()
    stale = now - STALLED_AFTER
    return list(
        OutboundMessage.objects.filter(
            Q(status=DeliveryStatus.RETRYING, next_attempt_at__lte=now)
            | Q(status=DeliveryStatus.QUEUED, created_at__lt=stale)
            | Q(status=DeliveryStatus.SENDING, next_attempt_at__lt=stale)
        ).values_list("pk", flat=True)[:500]
    )


def release_stalled(ids: list[int]) -> None:
    OutboundMessage.objects.filter(pk__in=ids, status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.RETRYING
    )
