"""Outgoing webhooks under /api/v1/webhooks: subscriptions, their delivery log, test pings,
redelivery and secret rotation. Admins and heads of support only."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from frontline.accounts.api_auth import staff_actor
from frontline.core.api_support import InputSchema, ObjectId, responses
from frontline.core.pagination import PageParams, paginate
from frontline.integrations import queries, services
from frontline.integrations.models import WebhookDelivery, WebhookSubscription

router = Router(tags=["webhooks"])

EVENTS_HELP = (
    'Event names such as "ticket.created", "ticket.*" for every ticket event, "sla.warned", '
    '"sla.breached", "survey.answered"; empty: only triggers call it. See docs/webhooks.md.'
)


class WebhookIn(InputSchema):
    name: str = Field(max_length=120)
    url: str = Field(max_length=500, description="http:// or https:// address to post to.")
    event_types: list[str] = Field(default_factory=list, max_length=40, description=EVENTS_HELP)
    is_active: bool = True


class WebhookUpdateIn(InputSchema):
    name: str | None = Field(default=None, max_length=120)
    url: str | None = Field(default=None, max_length=500)
    event_types: list[str] | None = Field(default=None, max_length=40)
    is_active: bool | None = Field(
        default=None, description="true enables a disabled webhook again (failures reset)."
    )


class WebhookOut(Schema):
    id: int
    name: str
    url: str
    event_types: list[str]
    state: str = Field(description="active, failing (recent deliveries failed) or disabled.")
    is_active: bool
    secret: str = Field(description="Masked, except in the answer that created or rotated it.")
    consecutive_failures: int
    disabled_at: datetime | None
    disabled_reason: str
    last_delivery_at: datetime | None
    last_success_at: datetime | None
    created_at: datetime
    updated_at: datetime


class WebhookPageOut(Schema):
    items: list[WebhookOut]
    next: str | None


class WebhookDeliveryOut(Schema):
    id: int
    uuid: str
    webhook_id: int
    event_type: str
    ticket_id: int | None
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str
    last_duration_ms: float | None
    response_excerpt: str
    created_at: datetime
    delivered_at: datetime | None
    payload: dict[str, Any]


class WebhookDeliveryPageOut(Schema):
    items: list[WebhookDeliveryOut]
    next: str | None


def _out(subscription: WebhookSubscription, *, reveal: bool = False) -> WebhookOut:
    return WebhookOut(
        id=subscription.pk,
        name=subscription.name,
        url=subscription.url,
        event_types=list(subscription.event_types or []),
        state=subscription.state,
        is_active=subscription.is_active,
        secret=subscription.secret if reveal else subscription.masked_secret,
        consecutive_failures=subscription.consecutive_failures,
        disabled_at=subscription.disabled_at,
        disabled_reason=subscription.disabled_reason,
        last_delivery_at=subscription.last_delivery_at,
        last_success_at=subscription.last_success_at,
        created_at=subscription.created_at,
        updated_at=subscription.updated_at,
    )


def _delivery_out(delivery: WebhookDelivery) -> WebhookDeliveryOut:
    return WebhookDeliveryOut(
        id=delivery.pk,
        uuid=str(delivery.uuid),
        webhook_id=delivery.subscription_id,
        event_type=delivery.event_type,
        ticket_id=delivery.ticket_id,
        status=delivery.status,
        attempts=delivery.attempts,
        next_attempt_at=delivery.next_attempt_at,
        last_status_code=delivery.last_status_code,
        last_error=delivery.last_error,
        last_duration_ms=delivery.last_duration_ms,
        response_excerpt=delivery.response_excerpt,
        created_at=delivery.created_at,
        delivered_at=delivery.delivered_at,
        payload=delivery.payload if isinstance(delivery.payload, dict) else {},
    )


@router.get("", response=responses({200: WebhookPageOut}), summary="Webhooks")
def list_webhooks(request: HttpRequest, paging: Query[PageParams]) -> WebhookPageOut:
    actor = staff_actor(request)
    page = paginate(
        queries.subscriptions_for(actor),
        request,
        order=("name", "id"),
        cursor=paging.cursor,
        page_size=paging.page_size,
    )
    return WebhookPageOut(items=[_out(s) for s in page.items], next=page.next)


@router.post("", response=responses({201: WebhookOut}), summary="New webhook")
def create_webhook(request: HttpRequest, payload: WebhookIn) -> Status[WebhookOut]:
    """The answer holds the signing secret in full, once; later reads show it masked."""
    actor = staff_actor(request)
    fields = services.WebhookFields(
        name=payload.name,
        url=payload.url,
        event_types=payload.event_types,
        is_active=payload.is_active,
    )
    created = services.create_subscription(fields=fields, actor=actor)
    return Status(201, _out(created, reveal=True))


@router.get("/{webhook_id}", response=responses({200: WebhookOut}), summary="Read a webhook")
def get_webhook(request: HttpRequest, webhook_id: ObjectId) -> WebhookOut:
    return _out(queries.get_subscription_for(staff_actor(request), webhook_id))


@router.patch("/{webhook_id}", response=responses({200: WebhookOut}), summary="Change a webhook")
def update_webhook(
    request: HttpRequest, webhook_id: ObjectId, payload: WebhookUpdateIn
) -> WebhookOut:
    actor = staff_actor(request)
    subscription = queries.get_subscription_for(actor, webhook_id)
    fields = services.WebhookFields(
        name=payload.name,
        url=payload.url,
        event_types=payload.event_types,
        is_active=payload.is_active,
    )
    return _out(services.update_subscription(subscription, fields=fields, actor=actor))


@router.delete("/{webhook_id}", response=responses({204: None}), summary="Delete a webhook")
def delete_webhook(request: HttpRequest, webhook_id: ObjectId) -> Status[None]:
    actor = staff_actor(request)
    services.delete_subscription(queries.get_subscription_for(actor, webhook_id), actor=actor)
    return Status(204, None)


@router.get(
    "/{webhook_id}/deliveries",
    response=responses({200: WebhookDeliveryPageOut}),
    summary="A webhook's delivery log, newest first",
)
def list_deliveries(
    request: HttpRequest, webhook_id: ObjectId, paging: Query[PageParams]
) -> WebhookDeliveryPageOut:
    actor = staff_actor(request)
    subscription = queries.get_subscription_for(actor, webhook_id)
    page = paginate(
        queries.deliveries_for(actor, subscription),
        request,
        order=("-created_at", "-id"),
        cursor=paging.cursor,
        page_size=paging.page_size,
    )
    return WebhookDeliveryPageOut(items=[_delivery_out(d) for d in page.items], next=page.next)


@router.post(
    "/{webhook_id}/ping",
    response=responses({201: WebhookDeliveryOut}),
    summary="Send a test delivery",
)
def ping_webhook(request: HttpRequest, webhook_id: ObjectId) -> Status[WebhookDeliveryOut]:
    """A signed "ping" delivery, sent by the worker; its outcome is in the delivery log."""
    actor = staff_actor(request)
    subscription = queries.get_subscription_for(actor, webhook_id)
    return Status(201, _delivery_out(services.send_ping(subscription, actor=actor)))


@router.post(
    "/{webhook_id}/rotate-secret",
    response=responses({200: WebhookOut}),
    summary="Replace a webhook's signing secret",
)
def rotate_webhook_secret(request: HttpRequest, webhook_id: ObjectId) -> WebhookOut:
    """The new secret, in full, once; every delivery from now on (retries too) uses it."""
    actor = staff_actor(request)
    subscription = queries.get_subscription_for(actor, webhook_id)
    return _out(services.rotate_secret(subscription, actor=actor), reveal=True)


@router.post(
    "/deliveries/{webhook_delivery_id}/redeliver",
    response=responses({201: WebhookDeliveryOut}),
    summary="Send a delivery again",
)
def redeliver_webhook(
    request: HttpRequest, webhook_delivery_id: ObjectId
) -> Status[WebhookDeliveryOut]:
    """The same event as a new delivery (with an id of its own) to the same webhook."""
    actor = staff_actor(request)
    delivery = queries.get_delivery_for(actor, webhook_delivery_id)
    return Status(201, _delivery_out(services.redeliver(delivery, actor=actor)))
