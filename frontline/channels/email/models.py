"""Mailboxes, the raw record of every inbound message, outbound delivery state, the
Message-IDs that thread mail onto tickets, and the templates of automatic mail."""

from typing import ClassVar

from django.db import models

from frontline.accounts.models import Team
from frontline.tickets.models import Message, Priority, Ticket


class Security(models.TextChoices):
    SSL = "ssl", "TLS from the start (IMAPS, SMTPS)"
    STARTTLS = "starttls", "STARTTLS"
    NONE = "none", "None (loopback and tests only)"


class AfterFetch(models.TextChoices):
    MARK_SEEN = "mark_seen", "Mark as seen"
    MOVE = "move", "Move to a folder"
    DELETE = "delete", "Delete"


class Mailbox(models.Model):
    """An address customers write to: where its mail comes from, which team gets it, and
    the identity replies go out with."""

    name = models.CharField(max_length=100, unique=True)
    address = models.EmailField(help_text="The support address; replies are sent from it.")
    from_name = models.CharField(max_length=100, blank=True, help_text="Display name of replies.")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="mailboxes"
    )
    default_priority = models.CharField(
        max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    is_active = models.BooleanField(default=True)
    is_default = models.BooleanField(
        default=False, help_text="Takes mail that names no mailbox (imports, the listener)."
    )
    auto_acknowledge = models.BooleanField(
        default=True, help_text="Answer each new ticket with the acknowledgment template."
    )
    reply_to_plus_address = models.BooleanField(
        default=False,
        help_text="Send replies with Reply-To support+t<number>-<code>@…, so replies thread "
        "even without headers; the mail server must deliver plus addresses here.",
    )
    reopen_window_days = models.PositiveIntegerField(
        default=14,
        help_text="A reply to a ticket solved fewer days ago reopens it; later replies, and "
        "replies to closed tickets, open a follow-up ticket.",
    )

    imap_host = models.CharField(max_length=255, blank=True, help_text="Empty: no polling.")
    imap_port = models.PositiveIntegerField(default=993)
    imap_security = models.CharField(max_length=10, choices=Security.choices, default=Security.SSL)
    imap_user = models.CharField(max_length=255, blank=True)
    imap_password = models.CharField(max_length=255, blank=True)
    imap_oauth2_token = models.TextField(
        blank=True, help_text="An OAuth2 bearer token; used instead of the password when set."
    )
    imap_folder = models.CharField(max_length=255, default="INBOX")
    after_fetch = models.CharField(
        max_length=10, choices=AfterFetch.choices, default=AfterFetch.MARK_SEEN
    )
    move_to_folder = models.CharField(max_length=255, blank=True)

    smtp_host = models.CharField(
        max_length=255, blank=True, help_text="Empty: the server in EMAIL_HOST settings."
    )
    smtp_port = models.PositiveIntegerField(default=587)
    smtp_security = models.CharField(
        max_length=10, choices=Security.choices, default=Security.STARTTLS
    )
    smtp_user = models.CharField(max_length=255, blank=True)
    smtp_password = models.CharField(max_length=255, blank=True)

    ingest_token_hash = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the token that posts raw MIME."
    )
    ingest_token_prefix = models.CharField(max_length=12, blank=True)

    poll_locked_until = models.DateTimeField(null=True, blank=True)
    poll_lock_owner = models.CharField(max_length=64, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_poll_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["name"]
        verbose_name_plural = "mailboxes"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="one_default_mailbox",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>"

    @property
    def polls(self) -> bool:
        return self.is_active and bool(self.imap_host)


class Source(models.TextChoices):
    IMAP = "imap", "IMAP"
    SMTP = "smtp", "SMTP/LMTP listener"
    HTTP = "http", "HTTP endpoint"
    IMPORT = "import", "Import"


class InboundStatus(models.TextChoices):
    RECEIVED = "received", "Received, not processed yet"
    PROCESSED = "processed", "On a ticket"
    IGNORED = "ignored", "Kept, no ticket (by rule)"
    FAILED = "failed", "Quarantined"


class Outcome(models.TextChoices):
    OPENED = "opened", "Opened a ticket"
    THREADED = "threaded", "Added to its ticket"
    FOLLOW_UP = "follow_up", "Opened a follow-up of a closed ticket"
    DUPLICATE = "duplicate", "Duplicate of a message already on a ticket"
    BOUNCE = "bounce", "Delivery failure report"
    COMPLAINT = "complaint", "Abuse or spam complaint report"
    RECEIPT = "receipt", "Read receipt"
    OWN_ADDRESS = "own_address", "Sent from one of our own addresses"
    MAILBOX_FILE = "mailbox_file", "An imported mbox file; its messages have their own records"
    TOO_LARGE = "too_large", "Larger than the message size limit"
    ATTACHMENT_TOO_LARGE = "attachment_too_large", "An attachment larger than allowed"
    TOO_MANY_ATTACHMENTS = "too_many_attachments", "More attachments than allowed"
    BODY_TOO_LONG = "body_too_long", "Text longer than the message text limit"
    NO_SENDER = "no_sender", "No sender address"
    REJECTED = "rejected", "Refused by the ticket rules"
    ERROR = "error", "Failed with an unexpected error"


def raw_path(instance: "InboundMessage", filename: str) -> str:
    return f"mail/raw/{instance.sha256[:2]}/{instance.sha256}.eml"


class InboundMessage(models.Model):
    """One received message, stored byte for byte before anything reads it."""

    mailbox = models.ForeignKey(Mailbox, on_delete=models.PROTECT, related_name="inbound")
    source = models.CharField(max_length=10, choices=Source.choices)
    message_id = models.CharField(max_length=998, blank=True, help_text="Without angle brackets.")
    sha256 = models.CharField(max_length=64)
    raw = models.FileField(upload_to=raw_path, max_length=200)
    size = models.PositiveBigIntegerField()
    envelope_sender = models.CharField(max_length=320, blank=True)
    envelope_recipients = models.JSONField(default=list, blank=True)
    received_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=InboundStatus.choices, default=InboundStatus.RECEIVED
    )
    outcome = models.CharField(max_length=25, choices=Outcome.choices, blank=True)
    error = models.TextField(blank=True)
    notes = models.TextField(
        blank=True, help_text="How a broken message was read: what was kept, and how."
    )
    attempts = models.PositiveIntegerField(default=0)
    processed_at = models.DateTimeField(null=True, blank=True)
    sender = models.CharField(max_length=320, blank=True)
    subject = models.CharField(max_length=250, blank=True)
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound_mail"
    )
    ticket_message = models.OneToOneField(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound_mail"
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["-received_at", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["message_id", "sha256"], name="inbound_once")
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["status", "received_at"], name="inbound_status_received"),
            models.Index(fields=["message_id"], name="inbound_message_id"),
        ]

    def __str__(self) -> str:
        return f"<{self.message_id}> ({self.status})"


class QuarantinedMessage(InboundMessage):
    """The quarantine: stored messages that could not be filed, for the admin's list."""

    class Meta:
        proxy = True
        verbose_name = "quarantined message"


class ThreadRef(models.Model):
    """A Message-ID known to belong to a ticket: one we received, sent, or saw referenced."""

    message_id = models.CharField(max_length=998, unique=True)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="thread_refs")

    def __str__(self) -> str:
        return f"<{self.message_id}> on {self.ticket_id}"


class OutboundKind(models.TextChoices):
    REPLY = "reply", "Agent reply"
    NOTIFICATION = "notification", "Notification of an agent reply"
    ACKNOWLEDGMENT = "acknowledgment", "Acknowledgment of a new ticket"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    RETRYING = "retrying", "Failed, will retry"
    SENT = "sent", "Accepted by the mail server"
    # No mail server is configured (EMAIL_HOST empty): written to DATA_DIR/outbox instead.
    KEPT = "kept", "Kept in the local outbox"
    FAILED = "failed", "Failed"
    BOUNCED = "bounced", "Bounced"


class OutboundMessage(models.Model):
    """The email that carries a ticket message out, with its Message-ID and send state."""

    ticket_message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="email")
    mailbox = models.ForeignKey(
        Mailbox, null=True, blank=True, on_delete=models.SET_NULL, related_name="outbound"
    )
    kind = models.CharField(max_length=15, choices=OutboundKind.choices)
    message_id = models.CharField(max_length=998, unique=True, help_text="Without brackets.")
    recipient = models.CharField(max_length=320, help_text="The main recipient, lower-cased.")
    cc = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=998)
    in_reply_to = models.CharField(max_length=998, blank=True)
    references = models.TextField(blank=True)
    is_automatic = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, help_text="When retrying: the next attempt; when sending: the claim."
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    bounced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["recipient", "created_at"], name="outbound_recipient_created"),
            models.Index(fields=["status", "next_attempt_at"], name="outbound_status_next"),
        ]

    def __str__(self) -> str:
        return f"<{self.message_id}> to {self.recipient} ({self.status})"


class TemplateKind(models.TextChoices):
    ACKNOWLEDGMENT = "acknowledgment", "Acknowledgment of a new ticket"
    REPLY = "reply", "Agent reply on an email ticket"
    NOTIFICATION = "notification", "Agent reply on a ticket from another channel"


class EmailTemplate(models.Model):
    """Subject and text of automatic mail, per team or the default (no team).

    Django template syntax; the context has ``ticket``, ``customer``, ``body``,
    ``expected_response`` and ``portal_url``."""

    kind = models.CharField(max_length=15, choices=TemplateKind.choices)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="email_templates"
    )
    subject = models.CharField(max_length=500)
    body = models.TextField()
    expected_response_hours = models.PositiveIntegerField(
        null=True, blank=True, help_text="Shown as the expected response time."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["kind", "team__name"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["kind", "team"], name="one_template_per_team"),
            models.UniqueConstraint(
                fields=["kind"], condition=models.Q(team=None), name="one_default_template"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.team or 'default'})"
