"""Email endpoints: /api/v1/email. Mailboxes and templates for those who configure
Frontline, the quarantine, raw MIME posted by a mail provider, and delivery state."""

from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.responses import Status
from ninja.security import HttpBearer

from frontline.accounts.models import Team
from frontline.channels.email import ingest, services, tasks
from frontline.channels.email.models import (
    AfterFetch,
    EmailTemplate,
    InboundMessage,
    InboundStatus,
    Mailbox,
    OutboundMessage,
    Security,
    Source,
    TemplateKind,
)
from frontline.channels.email.outbound import retry_delivery
from frontline.core.actors import Actor
from frontline.core.api_support import (
    NO_NUL,
    NON_BLANK,
    InputSchema,
    ObjectId,
    responses,
    staff_actor,
)
from frontline.core.errors import NotFound, TooLarge, ValidationFailed
from frontline.core.pagination import paginate
from frontline.tickets import queries
from frontline.tickets.models import Priority

router = Router(tags=["email"])

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


class MailboxTokenAuth(HttpBearer):
    """A mailbox's own ingest token (not a person's): a provider posting raw mail."""

    def authenticate(self, request: HttpRequest, token: str) -> Mailbox | None:
        return services.mailbox_for_token(token)


def _configurator(request: HttpRequest) -> Actor:
    actor = staff_actor(request)
    services.ensure_manages_email(actor)
    return actor


def _mailbox(mailbox_id: int) -> Mailbox:
    mailbox = Mailbox.objects.filter(pk=mailbox_id).first()
    if mailbox is None:
        raise NotFound(f"There is no mailbox {mailbox_id}.")
    return mailbox


def _team(team_id: int | None) -> Team | None:
    if team_id is None:
        return None
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise ValidationFailed(f"There is no team {team_id}.", field="team_id")
    return team


_CHOICES: dict[str, Any] = {
    "default_priority": Priority,
    "imap_security": Security,
    "smtp_security": Security,
    "after_fetch": AfterFetch,
}


def _fields(payload: MailboxIn) -> services.MailboxFields:
    """The fields the request names; ``team_id: null`` removes the team."""
    values: dict[str, Any] = {}
    for name in payload.model_fields_set:
        value = getattr(payload, name)
        if name == "team_id":
            values["team"] = _team(value)
            values["clear_team"] = value is None
        elif value is not None:
            values[name] = _CHOICES[name](value) if name in _CHOICES else value
    return services.MailboxFields(**values)


@router.get("/mailboxes", response=responses({200: list[MailboxOut]}), summary="Mailboxes")
def list_mailboxes(request: HttpRequest) -> list[MailboxOut]:
    _configurator(request)
    return [MailboxOut.of(m) for m in Mailbox.objects.order_by("name")]


@router.post("/mailboxes", response=responses({201: MailboxOut}), summary="Add a mailbox")
def create_mailbox(request: HttpRequest, payload: MailboxIn) -> Status[MailboxOut]:
    actor = _configurator(request)
    mailbox = services.create_mailbox(fields=_fields(payload), actor=actor)
    return Status(201, MailboxOut.of(mailbox))


@router.get("/mailboxes/{mailbox_id}", response=responses({200: MailboxOut}), summary="Mailbox")
def get_mailbox(request: HttpRequest, mailbox_id: ObjectId) -> MailboxOut:
    _configurator(request)
    return MailboxOut.of(_mailbox(mailbox_id))


@router.patch("/mailboxes/{mailbox_id}", response=responses({200: MailboxOut}), summary="Change")
def update_mailbox(request: HttpRequest, mailbox_id: ObjectId, payload: MailboxIn) -> MailboxOut:
    actor = _configurator(request)
    mailbox = services.update_mailbox(_mailbox(mailbox_id), fields=_fields(payload), actor=actor)
    return MailboxOut.of(mailbox)


@router.delete(
    "/mailboxes/{mailbox_id}", response=responses({204: None}), summary="Delete a mailbox"
)
def delete_mailbox(request: HttpRequest, mailbox_id: ObjectId) -> Status[None]:
    actor = _configurator(request)
    services.delete_mailbox(_mailbox(mailbox_id), actor=actor)
    return Status(204, None)


@router.post(
    "/mailboxes/{mailbox_id}/ingest-token",
    response=responses({201: IngestTokenOut}),
    summary="New token for posting raw MIME",
)
def issue_ingest_token(request: HttpRequest, mailbox_id: ObjectId) -> Status[IngestTokenOut]:
    actor = _configurator(request)
    secret = services.issue_ingest_token(_mailbox(mailbox_id), actor=actor)
    return Status(201, IngestTokenOut(mailbox_id=mailbox_id, token=secret, prefix=secret[:12]))


@router.post(
    "/mailboxes/{mailbox_id}/poll", response=responses({202: QueuedOut}), summary="Poll now"
)
def poll_now(request: HttpRequest, mailbox_id: ObjectId) -> Status[QueuedOut]:
    _configurator(request)
    mailbox = _mailbox(mailbox_id)
    if not mailbox.polls:
        raise ValidationFailed("This mailbox has no IMAP server or is inactive.", field="imap_host")
    tasks.poll_mailbox(mailbox.pk)
    return Status(202, QueuedOut(queued=True))


@router.post(
    "/inbound",
    auth=[MailboxTokenAuth()],
    response=responses({202: InboundOut}),
    summary="Post one raw MIME message (mail providers)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "One raw MIME message, as received. Any Content-Type is taken "
            "(message/rfc822 is usual); the body is stored byte for byte.",
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            },
        }
    },
)
def post_raw_message(request: HttpRequest) -> Status[InboundOut]:
    mailbox = request.auth  # type: ignore[attr-defined]
    assert isinstance(mailbox, Mailbox)  # noqa: S101 - MailboxTokenAuth sets it
    try:
        raw = request.body
    except RequestDataTooBig:
        raise TooLarge("The message is larger than this endpoint takes.", field="body") from None
    if not raw.strip():
        raise ValidationFailed("The body must be one raw MIME message.", field="body")
    received = ingest.receive(raw, mailbox=mailbox, source=Source.HTTP)
    if received.inbound.status == InboundStatus.RECEIVED:
        tasks.process_inbound(received.inbound.pk)
    received.inbound.refresh_from_db()
    return Status(202, InboundOut.of(received.inbound))


@router.get("/inbound", response=responses({200: InboundPageOut}), summary="Quarantine")
def list_inbound(request: HttpRequest, filters: Query[InboundFilters]) -> InboundPageOut:
    _configurator(request)
    records = InboundMessage.objects.select_related("ticket").filter(
        status=filters.status or InboundStatus.FAILED
    )
    if filters.mailbox_id is not None:
        records = records.filter(mailbox_id=filters.mailbox_id)
    page = paginate(
        records,
        request,
        order=("-received_at", "-id"),
        cursor=filters.cursor,
        page_size=filters.page_size,
    )
    return InboundPageOut(items=[InboundOut.of(r) for r in page.items], next=page.next)


def _inbound(inbound_id: int) -> InboundMessage:
    inbound = InboundMessage.objects.select_related("ticket").filter(pk=inbound_id).first()
    if inbound is None:
        raise NotFound(f"There is no stored message {inbound_id}.")
    return inbound


@router.get("/inbound/{inbound_id}", response=responses({200: InboundOut}), summary="Stored mail")
def get_inbound(request: HttpRequest, inbound_id: ObjectId) -> InboundOut:
    _configurator(request)
    return InboundOut.of(_inbound(inbound_id))


@router.get("/inbound/{inbound_id}/raw", response=responses({200: None}), summary="The raw bytes")
def get_inbound_raw(request: HttpRequest, inbound_id: ObjectId) -> HttpResponse:
    _configurator(request)
    inbound = _inbound(inbound_id)
    response = HttpResponse(ingest.read_raw(inbound), content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="message-{inbound.pk}.eml"'
    return response


@router.post(
    "/inbound/{inbound_id}/reprocess",
    response=responses({200: InboundOut}),
    summary="Process a quarantined message again",
)
def reprocess(request: HttpRequest, inbound_id: ObjectId) -> InboundOut:
    actor = _configurator(request)
    return InboundOut.of(services.reprocess(_inbound(inbound_id), actor=actor))


@router.get("/templates", response=responses({200: list[TemplateOut]}), summary="Templates")
def list_templates(request: HttpRequest) -> list[TemplateOut]:
    _configurator(request)
    rows = EmailTemplate.objects.order_by("kind", "team_id", "id")
    return [_template_out(t) for t in rows]


@router.post("/templates", response=responses({201: TemplateOut}), summary="Set a team's template")
def save_template(request: HttpRequest, payload: TemplateIn) -> Status[TemplateOut]:
    actor = _configurator(request)
    template = services.save_template(
        kind=TemplateKind(payload.kind),
        team=_team(payload.team_id),
        subject=payload.subject,
        body=payload.body,
        expected_response_hours=payload.expected_response_hours,
        actor=actor,
    )
    return Status(201, _template_out(template))


@router.delete(
    "/templates/{template_id}", response=responses({204: None}), summary="Back to the default"
)
def delete_template(request: HttpRequest, template_id: ObjectId) -> Status[None]:
    actor = _configurator(request)
    template = EmailTemplate.objects.filter(pk=template_id).first()
    if template is None:
        raise NotFound(f"There is no template {template_id}.")
    services.delete_template(template, actor=actor)
    return Status(204, None)


def _template_out(template: EmailTemplate) -> TemplateOut:
    return TemplateOut(
        id=template.pk,
        kind=template.kind,
        team_id=template.team_id,
        subject=template.subject,
        body=template.body,
        expected_response_hours=template.expected_response_hours,
        updated_at=template.updated_at,
    )


@router.get(
    "/tickets/{ticket_id}/deliveries",
    response=responses({200: list[DeliveryOut]}),
    summary="Email sent for a ticket, and its state",
)
def list_deliveries(request: HttpRequest, ticket_id: ObjectId) -> list[DeliveryOut]:
    actor = staff_actor(request)
    ticket = queries.get_ticket_for(actor, ticket_id)
    sent = OutboundMessage.objects.filter(ticket_message__ticket=ticket).order_by("created_at")
    return [DeliveryOut.of(o) for o in sent]


@router.post(
    "/deliveries/{delivery_id}/retry",
    response=responses({200: DeliveryOut}),
    summary="Send a failed email again",
)
def retry(request: HttpRequest, delivery_id: ObjectId) -> DeliveryOut:
    actor = staff_actor(request)
    outbound = OutboundMessage.objects.select_related("ticket_message").filter(pk=delivery_id)
    found = outbound.first()
    if found is None:
        raise NotFound(f"There is no email {delivery_id}.")
    ticket = queries.get_ticket_for(actor, found.ticket_message.ticket_id)
    queries.ensure_can_work(actor, ticket)
    return DeliveryOut.of(retry_delivery(found))
