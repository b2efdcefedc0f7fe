"""Email endpoints: /api/v1/email. Mailboxes and templates for those who configure
Frontline, the quarantine, raw MIME posted by a mail provider, and delivery state."""

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from ninja.responses import Status
from ninja.security import HttpBearer

from frontline.accounts.api_auth import staff_actor
from frontline.accounts.queries import team_by_id
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
from frontline.channels.email.schemas import (
    DeliveryOut,
    InboundFilters,
    InboundOut,
    InboundPageOut,
    IngestTokenOut,
    MailboxIn,
    MailboxOut,
    QueuedOut,
    TemplateIn,
    TemplateOut,
)
from frontline.core.actors import Actor
from frontline.core.api_support import (
    ObjectId,
    responses,
)
from frontline.core.errors import NotFound, TooLarge, ValidationFailed
from frontline.core.pagination import PageParams, paginate
from frontline.tickets import queries
from frontline.tickets.models import Priority

router = Router(tags=["email"])


class MailboxPageOut(Schema):
    items: list[MailboxOut]
    next: str | None


class TemplatePageOut(Schema):
    items: list[TemplateOut]
    next: str | None


class DeliveryPageOut(Schema):
    items: list[DeliveryOut]
    next: str | None


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
            values["team"] = team_by_id(value)
            values["clear_team"] = value is None
        elif value is not None:
            values[name] = _CHOICES[name](value) if name in _CHOICES else value
    return services.MailboxFields(**values)


@router.get("/mailboxes", response=responses({200: MailboxPageOut}), summary="Mailboxes")
def list_mailboxes(request: HttpRequest, paging: Query[PageParams]) -> MailboxPageOut:
    _configurator(request)
    page = paginate(
        Mailbox.objects.all(),
        request,
        order=("id",),
        cursor=paging.cursor,
        page_size=paging.page_size,
    )
    return MailboxPageOut(items=[MailboxOut.of(m) for m in page.items], next=page.next)


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


@router.get("/templates", response=responses({200: TemplatePageOut}), summary="Templates")
def list_templates(request: HttpRequest, paging: Query[PageParams]) -> TemplatePageOut:
    _configurator(request)
    page = paginate(
        EmailTemplate.objects.all(),
        request,
        order=("id",),
        cursor=paging.cursor,
        page_size=paging.page_size,
    )
    return TemplatePageOut(items=[_template_out(t) for t in page.items], next=page.next)


@router.post("/templates", response=responses({201: TemplateOut}), summary="Set a team's template")
def save_template(request: HttpRequest, payload: TemplateIn) -> Status[TemplateOut]:
    actor = _configurator(request)
    template = services.save_template(
        kind=TemplateKind(payload.kind),
        team=team_by_id(payload.team_id),
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
    response=responses({200: DeliveryPageOut}),
    summary="Email sent for a ticket, and its state",
)
def list_deliveries(
    request: HttpRequest, ticket_id: ObjectId, paging: Query[PageParams]
) -> DeliveryPageOut:
    actor = staff_actor(request)
    ticket = queries.get_ticket_for(actor, ticket_id)
    page = paginate(
        OutboundMessage.objects.filter(ticket_message__ticket=ticket),
        request,
        order=("id",),
        cursor=paging.cursor,
        page_size=paging.page_size,
    )
    return DeliveryPageOut(items=[DeliveryOut.of(o) for o in page.items], next=page.next)


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
    queries.get_ticket_for(actor, found.ticket_message.ticket_id)  # 404 for tickets not seen
    return DeliveryOut.of(retry_delivery(found, actor=actor))
