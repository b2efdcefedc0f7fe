"""Request and response bodies of the email API."""

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from frontline.channels.email.models import InboundMessage, Mailbox, OutboundMessage
from frontline.core.api_support import NO_NUL, NON_BLANK, InputSchema, ObjectId

SecurityName = Literal["ssl", "starttls", "none"]
AfterFetchName = Literal["mark_seen", "move", "delete"]
PriorityName = Literal["low", "normal", "high", "urgent"]
Host = Field(None, max_length=255, pattern=r"^[A-Za-z0-9.:\[\]_-]*$")
Port = Field(None, ge=1, le=65535)
Text255 = Field(None, max_length=255, pattern=NO_NUL)


class MailboxOut(Schema):
    id: int
    name: str
    address: str
    from_name: str
    team_id: int | None
    default_priority: str
    is_active: bool
    is_default: bool
    auto_acknowledge: bool
    reply_to_plus_address: bool
    reopen_window_days: int
    imap_host: str
    imap_port: int
    imap_security: str
    imap_user: str
    has_imap_password: bool
    has_imap_oauth2_token: bool
    imap_folder: str
    after_fetch: str
    move_to_folder: str
    smtp_host: str
    smtp_port: int
    smtp_security: str
    smtp_user: str
    has_smtp_password: bool
    ingest_token_prefix: str
    last_polled_at: datetime | None
    last_poll_error: str

    @staticmethod
    def of(mailbox: Mailbox) -> "MailboxOut":
        return MailboxOut(
            id=mailbox.pk,
            name=mailbox.name,
            address=mailbox.address,
            from_name=mailbox.from_name,
            team_id=mailbox.team_id,
            default_priority=mailbox.default_priority,
            is_active=mailbox.is_active,
            is_default=mailbox.is_default,
            auto_acknowledge=mailbox.auto_acknowledge,
            reply_to_plus_address=mailbox.reply_to_plus_address,
            reopen_window_days=mailbox.reopen_window_days,
            imap_host=mailbox.imap_host,
            imap_port=mailbox.imap_port,
            imap_security=mailbox.imap_security,
            imap_user=mailbox.imap_user,
            has_imap_password=bool(mailbox.imap_password),
            has_imap_oauth2_token=bool(mailbox.imap_oauth2_token),
            imap_folder=mailbox.imap_folder,
            after_fetch=mailbox.after_fetch,
            move_to_folder=mailbox.move_to_folder,
            smtp_host=mailbox.smtp_host,
            smtp_port=mailbox.smtp_port,
            smtp_security=mailbox.smtp_security,
            smtp_user=mailbox.smtp_user,
            has_smtp_password=bool(mailbox.smtp_password),
            ingest_token_prefix=mailbox.ingest_token_prefix,
            last_polled_at=mailbox.last_polled_at,
            last_poll_error=mailbox.last_poll_error,
        )


class MailboxIn(InputSchema):
    """Secrets (passwords, tokens) are write-only: reads say only whether one is set."""

    name: str | None = Field(None, max_length=100, pattern=NON_BLANK)
    address: str | None = Field(None, max_length=254, json_schema_extra={"format": "email"})
    from_name: str | None = Field(None, max_length=100, pattern=NO_NUL)
    team_id: ObjectId | None = None
    default_priority: PriorityName | None = None
    is_active: bool | None = None
    is_default: bool | None = None
    auto_acknowledge: bool | None = None
    reply_to_plus_address: bool | None = None
    reopen_window_days: int | None = Field(None, ge=0, le=3650)
    imap_host: str | None = Host
    imap_port: int | None = Port
    imap_security: SecurityName | None = None
    imap_user: str | None = Text255
    imap_password: str | None = Text255
    imap_oauth2_token: str | None = Field(None, max_length=10_000, pattern=NO_NUL)
    imap_folder: str | None = Field(None, max_length=255, pattern=NON_BLANK)
    after_fetch: AfterFetchName | None = None
    move_to_folder: str | None = Text255
    smtp_host: str | None = Host
    smtp_port: int | None = Port
    smtp_security: SecurityName | None = None
    smtp_user: str | None = Text255
    smtp_password: str | None = Text255


class IngestTokenOut(Schema):
    mailbox_id: int
    token: str = Field(description="Send as 'Authorization: Bearer <token>'; shown once.")
    prefix: str


class QueuedOut(Schema):
    queued: bool


class InboundOut(Schema):
    id: int
    mailbox_id: int
    source: str
    message_id: str
    sha256: str
    size: int
    received_at: datetime
    status: str
    outcome: str
    reason: str
    error: str
    notes: str = Field(description="How a broken message was read: what was kept, and how.")
    attempts: int
    sender: str
    subject: str
    ticket_id: int | None
    ticket_number: int | None

    @staticmethod
    def of(inbound: InboundMessage) -> "InboundOut":
        return InboundOut(
            id=inbound.pk,
            mailbox_id=inbound.mailbox_id,
            source=inbound.source,
            message_id=inbound.message_id,
            sha256=inbound.sha256,
            size=inbound.size,
            received_at=inbound.received_at,
            status=inbound.status,
            outcome=inbound.outcome,
            reason=inbound.get_outcome_display() if inbound.outcome else "",
            error=inbound.error,
            notes=inbound.notes,
            attempts=inbound.attempts,
            sender=inbound.sender,
            subject=inbound.subject,
            ticket_id=inbound.ticket_id,
            ticket_number=inbound.ticket.number if inbound.ticket else None,
        )


class InboundPageOut(Schema):
    items: list[InboundOut]
    next: str | None


class InboundFilters(Schema):
    status: Literal["received", "processed", "ignored", "failed"] | None = Field(
        None, description="Default: the quarantine (failed)."
    )
    mailbox_id: ObjectId | None = None
    cursor: str | None = Field(None, max_length=1000, pattern=NO_NUL)
    page_size: int | None = Field(None, ge=1, le=100)


class TemplateOut(Schema):
    id: int
    kind: str
    team_id: int | None
    subject: str
    body: str
    expected_response_hours: int | None
    updated_at: datetime


class TemplateIn(InputSchema):
    kind: Literal["acknowledgment", "reply", "notification"]
    team_id: ObjectId | None = Field(None, description="None: the default of every team.")
    subject: str = Field(max_length=500, pattern=NON_BLANK)
    body: str = Field(max_length=20_000, pattern=NON_BLANK)
    expected_response_hours: int | None = Field(None, ge=1, le=24 * 365)


class DeliveryOut(Schema):
    id: int
    message_id: int
    kind: str
    email_message_id: str
    recipient: str
    cc: list[str]
    subject: str
    status: str
    attempts: int
    last_error: str
    next_attempt_at: datetime | None
    sent_at: datetime | None
    bounced_at: datetime | None
    created_at: datetime

    @staticmethod
    def of(outbound: OutboundMessage) -> "DeliveryOut":
        return DeliveryOut(
            id=outbound.pk,
            message_id=outbound.ticket_message_id,
            kind=outbound.kind,
            email_message_id=outbound.message_id,
            recipient=outbound.recipient,
            cc=list(outbound.cc),
            subject=outbound.subject,
            status=outbound.status,
            attempts=outbound.attempts,
            last_error=outbound.last_error,
            next_attempt_at=outbound.next_attempt_at,
            sent_at=outbound.sent_at,
            bounced_at=outbound.bounced_at,
            created_at=outbound.created_at,
        )
