"""Outgoing webhooks: queueing a delivery (the interface triggers call). The delivery
job, retries, back-off and disabling are in the outgoing-webhooks work."""

from typing import Any

from django.utils import timezone

from frontline.integrations.models import WebhookDelivery, WebhookSubscription


def enqueue_delivery(
    subscription: WebhookSubscription,
    *,
    event_type: str,
    payload: dict[str, Any],
    ticket_id: int | None = None,
) -> WebhookDelivery:
    """Log a delivery of ``payload`` to ``subscription``; the worker sends it after commit."""
    return WebhookDelivery.objects.create(
        subscription=subscription,
        event_type=event_type,
        ticket_id=ticket_id,
        payload=payload,
        created_at=timezone.now(),
    )
