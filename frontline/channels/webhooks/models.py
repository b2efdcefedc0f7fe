"""Messaging channels (SMS, WhatsApp-style messaging, social) and telephony: how a
provider signs what it posts, the raw record of every inbound payload, the conversation a
ticket is held in, agent replies going out, and phone calls logged on tickets."""

from typing import ClassVar

from django.conf import settings
from django.db import models

from frontline.accounts.models import Team
from frontline.tickets.models import Channel, Message, Ticket


class ChannelKind(models.TextChoices):
    SMS = "sms", "SMS"
    MESSAGING = "messaging", "Messaging app (WhatsApp-style)"
    SOCIAL = "social", "Social network"
    TELEPHONY = "telephony", "Telephony"


# The ticket channel each kind files under: a messaging app speaks to a phone number.
TICKET_CHANNEL = {
    ChannelKind.SMS: Channel.SMS,
    ChannelKind.MESSAGING: Channel.SMS,
    ChannelKind.SOCIAL: Channel.SOCIAL,
    ChannelKind.TELEPHONY: Channel.PHONE,
}


class SignatureScheme(models.TextChoices):
    FRONTLINE = "frontline", "Frontline: t=<unix seconds>,v1=<hex HMAC of 't.body'>"
    HEX = "hex", "Hex HMAC-SHA256 of the body (timestamp in its own header)"
    BASE64 = "base64", "Base64 HMAC-SHA256 of the body (timestamp in its own header)"


class MessagingChannel(models.Model):
    """One provider account: where its posts come in, how they are signed, which team gets
    the tickets, and where agents' replies go out."""

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=10, choices=ChannelKind.choices, default=ChannelKind.SMS)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="messaging_channels"
    )
    is_active = models.BooleanField(default=True)
    # Kept as given: an HMAC is checked with the secret itself, so it cannot be hashed.
    secret = models.CharField(max_length=128, help_text="Shared secret of inbound signatures.")
    signature_header = models.CharField(max_length=100, default="X-Frontline-Signature")
    signature_scheme = models.CharField(
        max_length=10, choices=SignatureScheme.choices, default=SignatureScheme.FRONTLINE
    )
    timestamp_header = models.CharField(
        max_length=100,
        blank=True,
        help_text="Hex and base64 schemes: the header with the unix time, signed as "
        "'<time>.<body>'; empty signs the body alone.",
    )
    tolerance_seconds = models.PositiveIntegerField(
        default=300, help_text="Older signatures are refused as replays."
    )
    outbound_url = models.URLField(blank=True, help_text="Agent replies are POSTed here.")
    outbound_secret = models.CharField(max_length=128, blank=True)
    reopen_window_days = models.PositiveIntegerField(
        default=7, help_text="A message to a ticket solved fewer days ago reopens it."
    )
    rejected_count = models.PositiveIntegerField(default=0)
    last_rejected_at = models.DateTimeField(null=True, blank=True)
    last_rejected_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def ticket_channel(self) -> Channel:
        return TICKET_CHANNEL[ChannelKind(self.kind)]


class PayloadStatus(models.TextChoices):
    RECEIVED = "received", "Received, not processed yet"
    PROCESSED = "processed", "Processed"
    DUPLICATE = "duplicate", "Duplicate of one already processed"
    QUARANTINED = "quarantined", "Quarantined"


class InboundPayload(models.Model):
    """A signed post, stored as received before anything reads it."""

    channel = models.ForeignKey(MessagingChannel, on_delete=models.CASCADE, related_name="payloads")
    raw = models.BinaryField()
    headers = models.JSONField(default=dict)
    received_at = models.DateTimeField()
    processed_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=PayloadStatus.choices, default=PayloadStatus.RECEIVED
    )
    kind = models.CharField(max_length=10, blank=True, help_text="message, status or call.")
    provider_id = models.CharField(max_length=200, blank=True)
    reason = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    call = models.ForeignKey(
        "PhoneCall", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["channel", "status", "received_at"], name="payload_chan_status"),
        ]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            # Idempotency: one accepted payload per provider id and channel.
            models.UniqueConstraint(
                fields=["channel", "kind", "provider_id"],
                condition=models.Q(status__in=["received", "processed"])
                & ~models.Q(provider_id=""),
                name="payload_once_per_provider_id",
            )
        ]

    def __str__(self) -> str:
        return f"payload {self.pk} ({self.status})"


class Conversation(models.Model):
    """A ticket held on a messaging channel with one address: where replies go."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="conversation")
    channel = models.ForeignKey(
        MessagingChannel, on_delete=models.CASCADE, related_name="conversations"
    )
    address = models.CharField(max_length=320, help_text="Phone number or handle.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["channel", "address"], name="conversation_chan_addr"),
        ]

    def __str__(self) -> str:
        return f"{self.address} on {self.channel_id}"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    RETRYING = "retrying", "Retrying"
    SENT = "sent", "Sent"
    DELIVERED = "delivered", "Delivered"
    READ = "read", "Read"
    FAILED = "failed", "Failed"


class OutboundMessage(models.Model):
    """An agent's public reply on its way out through the channel's outbound URL."""

    message = models.OneToOneField(
        Message, on_delete=models.CASCADE, related_name="messaging_delivery"
    )
    channel = models.ForeignKey(MessagingChannel, on_delete=models.CASCADE, related_name="+")
    recipient = models.CharField(max_length=320)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    provider_id = models.CharField(max_length=200, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    status_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["channel", "provider_id"], name="msg_outbound_provider"),
        ]

    def __str__(self) -> str:
        return f"reply {self.message_id} to {self.recipient} ({self.status})"


class CallDirection(models.TextChoices):
    INBOUND = "inbound", "Inbound"
    OUTBOUND = "outbound", "Outbound"


class CallOutcome(models.TextChoices):
    ANSWERED = "answered", "Answered"
    MISSED = "missed", "Missed"
    VOICEMAIL = "voicemail", "Voicemail"
    BUSY = "busy", "Busy"
    FAILED = "failed", "Failed"


class PhoneCall(models.Model):
    """A call about a ticket, logged by an agent or by a telephony provider."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="phone_calls")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="phone_calls",
    )
    channel = models.ForeignKey(
        MessagingChannel, null=True, blank=True, on_delete=models.SET_NULL, related_name="calls"
    )
    direction = models.CharField(max_length=10, choices=CallDirection.choices)
    number = models.CharField(max_length=40)
    started_at = models.DateTimeField()
    duration_seconds = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=10, choices=CallOutcome.choices)
    note = models.TextField(blank=True)
    external_id = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["started_at", "id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["ticket", "started_at"], name="call_ticket_started"),
        ]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["channel", "external_id"],
                condition=~models.Q(external_id=""),
                name="call_once_per_external_id",
            )
        ]

    def __str__(self) -> str:
        return f"{self.direction} call {self.number} on ticket {self.ticket_id}"

    @property
    def length_label(self) -> str:
        """``4 min 12 s``; ``40 s`` under a minute."""
        minutes, seconds = divmod(self.duration_seconds, 60)
        return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"
