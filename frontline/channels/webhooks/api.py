"""Messaging channel endpoints: the signed inbound post of providers
(``/channels/{id}/inbound``, whose auth is the signature, not a user), channel
configuration and the payload log for admins and the head of support, and phone calls on
tickets for agents."""

from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from frontline.accounts.api_auth import staff_actor
from frontline.accounts.queries import team_by_id
from frontline.channels.webhooks import inbound, services
from frontline.channels.webhooks.models import (
    CallDirection,
    CallOutcome,
    ChannelKind,
    InboundPayload,
    MessagingChannel,
    PayloadStatus,
    PhoneCall,
    SignatureScheme,
)
from frontline.core.actors import Actor
from frontline.core.api_support import NO_NUL, InputSchema, ObjectId, responses
from frontline.core.errors import NotFound
from frontline.core.pagination import PageParams, paginate
from frontline.tickets import queries

router = Router(tags=["messaging"])

_Name = Annotated[str, Field(min_length=1, max_length=100, pattern=NO_NUL)]
_Header = Annotated[str, Field(max_length=100, pattern=r"^[A-Za-z0-9-]*$")]


class MessagingChannelIn(InputSchema):
    name: _Name | None = None
    kind: Literal["sms", "messaging", "social", "telephony"] | None = None
    team_id: ObjectId | None = None
    is_active: bool | None = None
    signature_header: _Header | None = None
    signature_scheme: Literal["frontline", "hex", "base64"] | None = None
    timestamp_header: _Header | None = None
    tolerance_seconds: Annotated[int, Field(ge=1, le=86_400)] | None = None
    outbound_url: Annotated[str, Field(max_length=200, pattern=NO_NUL)] | None = None
    outbound_secret: Annotated[str, Field(max_length=128, pattern=NO_NUL)] | None = None
    reopen_window_days: Annotated[int, Field(ge=0, le=365)] | None = None


class MessagingChannelOut(Schema):
    id: int
    name: str
    kind: str
    team_id: int | None
    is_active: bool
    inbound_path: str = Field(description="Where the provider posts, signed.")
    signature_header: str
    signature_scheme: str
    timestamp_header: str
    tolerance_seconds: int
    outbound_url: str
    has_outbound_secret: bool
    reopen_window_days: int
    rejected_count: int = Field(description="Posts refused for a bad or replayed signature.")
    last_rejected_at: datetime | None
    created_at: datetime

    @staticmethod
    def of(channel: MessagingChannel) -> "MessagingChannelOut":
        return MessagingChannelOut(
            id=channel.pk,
            name=channel.name,
            kind=channel.kind,
            team_id=channel.team_id,
            is_active=channel.is_active,
            inbound_path=f"/api/v1/channels/{channel.pk}/inbound",
            signature_header=channel.signature_header,
            signature_scheme=channel.signature_scheme,
            timestamp_header=channel.timestamp_header,
            tolerance_seconds=channel.tolerance_seconds,
            outbound_url=channel.outbound_url,
            has_outbound_secret=bool(channel.outbound_secret),
            reopen_window_days=channel.reopen_window_days,
            rejected_count=channel.rejected_count,
            last_rejected_at=channel.last_rejected_at,
            created_at=channel.created_at,
        )


class MessagingChannelCreatedOut(MessagingChannelOut):
    secret: str = Field(description="The inbound signing secret, shown this once.")


class MessagingSecretOut(Schema):
    channel_id: int
    secret: str = Field(description="The new inbound signing secret, shown this once.")


class MessagingChannelPageOut(Schema):
    items: list[MessagingChannelOut]
    next: str | None


class MessagingInboundOut(Schema):
    id: int = Field(description="The stored payload.")
    status: str
    ticket_id: int | None


class MessagingPayloadOut(Schema):
    id: int
    channel_id: int
    received_at: datetime
    status: str
    kind: str
    provider_id: str
    reason: str
    attempts: int
    size: int
    ticket_id: int | None
    duplicate_of: int | None

    @staticmethod
    def of(payload: InboundPayload) -> "MessagingPayloadOut":
        return MessagingPayloadOut(
            id=payload.pk,
            channel_id=payload.channel_id,
            received_at=payload.received_at,
            status=payload.status,
            kind=payload.kind,
            provider_id=payload.provider_id,
            reason=payload.reason,
            attempts=payload.attempts,
            size=len(payload.raw),
            ticket_id=payload.ticket_id,
            duplicate_of=payload.duplicate_of_id,
        )


class MessagingPayloadPageOut(Schema):
    items: list[MessagingPayloadOut]
    next: str | None


class MessagingPayloadFilters(PageParams):
    status: Literal["received", "processed", "duplicate", "quarantined"] | None = Field(
        default=None, description="Default: quarantined."
    )


class CallIn(InputSchema):
    direction: Literal["inbound", "outbound"]
    number: Annotated[str, Field(min_length=1, max_length=40, pattern=NO_NUL)]
    started_at: Annotated[datetime, Field(strict=False)]
    duration_seconds: Annotated[int, Field(ge=0, le=services.MAX_CALL_SECONDS)]
    outcome: Literal["answered", "missed", "voicemail", "busy", "failed"]
    note: Annotated[str, Field(max_length=10_000, pattern=NO_NUL)] = ""


class CallOut(Schema):
    id: int
    ticket_id: int
    agent_id: int | None
    channel_id: int | None
    direction: str
    number: str
    started_at: datetime
    duration_seconds: int
    outcome: str
    note: str
    external_id: str

    @staticmethod
    def of(call: PhoneCall) -> "CallOut":
        return CallOut(
            id=call.pk,
            ticket_id=call.ticket_id,
            agent_id=call.agent_id,
            channel_id=call.channel_id,
            direction=call.direction,
            number=call.number,
            started_at=call.started_at,
            duration_seconds=call.duration_seconds,
            outcome=call.outcome,
            note=call.note,
            external_id=call.external_id,
        )


class CallPageOut(Schema):
    items: list[CallOut]
    next: str | None


def _configurator(request: HttpRequest) -> Actor:
    actor = staff_actor(request)
    services.ensure_manages_channels(actor)
    return actor


def _channel(channel_id: int) -> MessagingChannel:
    channel = MessagingChannel.objects.filter(pk=channel_id).first()
    if channel is None:
        raise NotFound(f"There is no messaging channel {channel_id}.")
    return channel


def _fields(payload: MessagingChannelIn) -> services.ChannelFields:
    values: dict[str, Any] = {}
    for name in payload.model_fields_set:
        value = getattr(payload, name)
        if name == "team_id":
            values["team"] = team_by_id(value)
            values["clear_team"] = value is None
        elif name == "kind" and value is not None:
            values["kind"] = ChannelKind(value)
        elif name == "signature_scheme" and value is not None:
            values["signature_scheme"] = SignatureScheme(value)
        elif value is not None:
            values[name] = value
    return services.ChannelFields(**values)


@router.post(
    "/channels/{channel_id}/inbound",
    auth=None,
    response=responses({200: MessagingInboundOut, 202: MessagingInboundOut}),
    summary="A provider's signed post: a message, a delivery receipt or a call",
    description="Signed with the channel's secret in its signature header (see "
    "docs/messaging-channels.md); a forged or too old signature is a 401. 202 for a new "
    "payload, stored and queued for the worker (status received; processed once it ran); "
    "200 with the original for a provider id seen before; a payload that cannot be read is "
    "kept, quarantined, and answered 422 with the field.",
    openapi_extra={
        "security": [],
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object"}}},
        },
    },
)
def post_inbound(request: HttpRequest, channel_id: ObjectId) -> Status[MessagingInboundOut]:
    try:
        channel = MessagingChannel.objects.get(pk=channel_id, is_active=True)
    except MessagingChannel.DoesNotExist:
        raise NotFound(f"There is no active messaging channel {channel_id}.") from None
    payload = inbound.accept(channel, request.body, request.headers)
    if payload.status == PayloadStatus.DUPLICATE and payload.duplicate_of is not None:
        return Status(200, _inbound_out(payload.duplicate_of))
    return Status(202, _inbound_out(payload))


def _inbound_out(payload: InboundPayload) -> MessagingInboundOut:
    return MessagingInboundOut(id=payload.pk, status=payload.status, ticket_id=payload.ticket_id)


@router.get(
    "/messaging-channels",
    response=responses({200: MessagingChannelPageOut}),
    summary="Messaging channels",
)
def list_channels(request: HttpRequest, paging: Query[PageParams]) -> MessagingChannelPageOut:
    _configurator(request)
    page = paginate(
        MessagingChannel.objects.all(),
        request,
        order=("id",),
        cursor=paging.cursor,
        page_size=paging.page_size,
    )
    return MessagingChannelPageOut(
        items=[MessagingChannelOut.of(c) for c in page.items], next=page.next
    )


@router.post(
    "/messaging-channels",
    response=responses({201: MessagingChannelCreatedOut}),
    summary="Add a messaging channel",
)
def create_channel(
    request: HttpRequest, payload: MessagingChannelIn
) -> Status[MessagingChannelCreatedOut]:
    actor = _configurator(request)
    channel, secret = services.create_channel(fields=_fields(payload), actor=actor)
    shown = MessagingChannelOut.of(channel).model_dump()
    return Status(201, MessagingChannelCreatedOut(**shown, secret=secret))


@router.get(
    "/messaging-channels/{channel_id}",
    response=responses({200: MessagingChannelOut}),
    summary="Messaging channel",
)
def get_channel(request: HttpRequest, channel_id: ObjectId) -> MessagingChannelOut:
    _configurator(request)
    return MessagingChannelOut.of(_channel(channel_id))


@router.patch(
    "/messaging-channels/{channel_id}",
    response=responses({200: MessagingChannelOut}),
    summary="Change a messaging channel",
)
def update_channel(
    request: HttpRequest, channel_id: ObjectId, payload: MessagingChannelIn
) -> MessagingChannelOut:
    actor = _configurator(request)
    channel = services.update_channel(_channel(channel_id), fields=_fields(payload), actor=actor)
    return MessagingChannelOut.of(channel)


@router.delete(
    "/messaging-channels/{channel_id}",
    response=responses({204: None}),
    summary="Delete a messaging channel",
)
def delete_channel(request: HttpRequest, channel_id: ObjectId) -> Status[None]:
    actor = _configurator(request)
    services.delete_channel(_channel(channel_id), actor=actor)
    return Status(204, None)


@router.post(
    "/messaging-channels/{channel_id}/secret",
    response=responses({201: MessagingSecretOut}),
    summary="A new inbound signing secret",
)
def rotate_secret(request: HttpRequest, channel_id: ObjectId) -> Status[MessagingSecretOut]:
    actor = _configurator(request)
    secret = services.rotate_secret(_channel(channel_id), actor=actor)
    return Status(201, MessagingSecretOut(channel_id=channel_id, secret=secret))


@router.get(
    "/messaging-channels/{channel_id}/payloads",
    response=responses({200: MessagingPayloadPageOut}),
    summary="Inbound payloads (quarantine by default)",
)
def list_payloads(
    request: HttpRequest, channel_id: ObjectId, filters: Query[MessagingPayloadFilters]
) -> MessagingPayloadPageOut:
    _configurator(request)
    channel = _channel(channel_id)
    payloads = InboundPayload.objects.filter(
        channel=channel, status=filters.status or PayloadStatus.QUARANTINED
    )
    page = paginate(
        payloads,
        request,
        order=("-received_at", "-id"),
        cursor=filters.cursor,
        page_size=filters.page_size,
    )
    return MessagingPayloadPageOut(
        items=[MessagingPayloadOut.of(p) for p in page.items], next=page.next
    )


@router.post(
    "/messaging-channels/payloads/{payload_id}/replay",
    response=responses({200: MessagingPayloadOut}),
    summary="Process a quarantined payload again",
)
def replay(request: HttpRequest, payload_id: ObjectId) -> MessagingPayloadOut:
    actor = _configurator(request)
    payload = InboundPayload.objects.select_related("channel").filter(pk=payload_id).first()
    if payload is None:
        raise NotFound(f"There is no stored payload {payload_id}.")
    return MessagingPayloadOut.of(inbound.replay_payload(payload, actor=actor))


@router.get(
    "/tickets/{ticket_id}/calls",
    response=responses({200: CallPageOut}),
    summary="Phone calls logged on a ticket",
)
def list_calls(request: HttpRequest, ticket_id: ObjectId, paging: Query[PageParams]) -> CallPageOut:
    actor = staff_actor(request)
    ticket = queries.get_ticket_for(actor, ticket_id)
    page = paginate(
        PhoneCall.objects.filter(ticket=ticket),
        request,
        order=("started_at", "id"),
        cursor=paging.cursor,
        page_size=paging.page_size,
    )
    return CallPageOut(items=[CallOut.of(c) for c in page.items], next=page.next)


@router.post(
    "/tickets/{ticket_id}/calls",
    response=responses({201: CallOut}),
    summary="Log a phone call on a ticket",
)
def log_call(request: HttpRequest, ticket_id: ObjectId, payload: CallIn) -> Status[CallOut]:
    actor = staff_actor(request)
    ticket = queries.get_ticket_for(actor, ticket_id)
    call = services.log_call(
        ticket,
        call=services.CallFields(
            direction=CallDirection(payload.direction),
            number=payload.number,
            started_at=payload.started_at,
            duration_seconds=payload.duration_seconds,
            outcome=CallOutcome(payload.outcome),
            note=payload.note,
        ),
        actor=actor,
    )
    return Status(201, CallOut.of(call))
