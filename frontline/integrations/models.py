"""Outgoing webhooks: subscriptions per event type and the log of every delivery."""

import uuid
from typing import ClassVar

from django.db import models

from frontline.core.models import TimestampedModel


class WebhookSubscription(TimestampedModel):
    """An endpoint that receives signed JSON for the event types it subscribes to."""

    name = models.CharField(max_length=120)
    # Checked by services.clean_url (http/https; internal host names allowed), not URLField.
    url = models.CharField(max_length=500)
    secret = models.CharField(max_length=128, help_text="Signs every delivery (HMAC-SHA256).")
    # Event names such as "ticket.created"; ["*"] for all. Empty: only called by triggers.
    event_types = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(default=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.TextField(blank=True)
    last_delivery_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def state(self) -> str:
        """active, failing (its last deliveries failed) or disabled."""
        if not self.is_active:
            return "disabled"
        return "failing" if self.consecutive_failures else "active"

    @property
    def masked_secret(self) -> str:
        return f"{self.secret[:6]}…{self.secret[-4:]}" if len(self.secret) > 12 else "…"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    DELIVERED = "delivered", "Delivered"
    RETRYING = "retrying", "Retrying"
    FAILED = "failed", "Failed"


class WebhookDelivery(models.Model):
    """One event to one subscription: its payload, tries, last response and outcome."""

    # Sent as X-Frontline-Delivery and as the payload's "id": receivers drop repeats by it.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_type = models.CharField(max_length=60)
    ticket_id = models.BigIntegerField(null=True, blank=True)
    payload = models.JSONField()
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # When the worker should try (pending, retrying), or when a claim lapses (sending).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_duration_ms = models.FloatField(null=True, blank=True)
    response_excerpt = models.TextField(blank=True)
    created_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["subscription", "-created_at"], name="delivery_sub_created"),
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} to {self.subscription_id}"
