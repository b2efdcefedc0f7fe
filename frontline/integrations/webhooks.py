"""Outgoing webhooks: which subscriptions an event goes to, the delivery log rows, and the
worker's side (one attempt, back-off, disabling after repeated failure).

A delivery is written in the transaction of the change it reports, so a rolled-back change
sends nothing and a committed one is never lost; the job that sends it is enqueued on
commit, and a periodic sweep picks up whatever a lost job or a restarted worker left. Each
attempt is claimed with a conditional update, so two workers never send one attempt twice.

The active subscriptions are kept in memory per process under a token in the cache, which
every change of a subscription replaces: matching a ticket event costs no query at all.
"""

import json
import logging
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from frontline.accounts.models import NotificationKind
from frontline.accounts.queries import configuration_managers
from frontline.accounts.services import notify
from frontline.customers.models import IdentityKind
from frontline.integrations import http
from frontline.integrations.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from frontline.tickets.models import EventType, Ticket

logger = logging.getLogger(__name__)

# What a subscription may list; "ticket.*" is every ticket event.
OTHER_EVENTS = {
    "sla.warned": "An SLA target is about to be missed.",
    "sla.breached": "An SLA target was missed.",
    "survey.answered": "A customer answered a satisfaction survey.",
    "trigger.fired": "A trigger's 'call a webhook' action (only the trigger's webhook).",
}
TICKET_EVENTS = {f"ticket.{value}": label for value, label in EventType.choices}
EVENT_TYPES: dict[str, str] = {"ticket.*": "Every ticket event", **TICKET_EVENTS, **OTHER_EVENTS}
PING = "ping"

# Seconds to wait after the 1st, 2nd... failed attempt; the last repeats.
BACKOFF_SECONDS = (60, 5 * 60, 25 * 60, 2 * 3600, 10 * 3600)
# A claimed attempt not finished by then (a crashed worker) is tried again by the sweep.
CLAIM_SECONDS = 120
# A pending delivery whose job never ran is sent by the sweep after this.
LOST_JOB_SECONDS = 60
# How long a process trusts its copy of the subscriptions without a shared cache.
SNAPSHOT_SECONDS = 30.0
SWEEP_BATCH = 500
_VERSION_KEY = "integrations.webhooks.version"


# --- which subscriptions an event goes to ----------------------------------------------


@dataclass(frozen=True)
class _Listener:
    subscription_id: int
    event_types: frozenset[str]

    def wants(self, event_type: str) -> bool:
        if event_type in self.event_types:
            return True
        return event_type.startswith("ticket.") and "ticket.*" in self.event_types


@dataclass
class _Snapshot:
    token: str
    read_at: float
    listeners: tuple[_Listener, ...]


_snapshot: _Snapshot | None = None


def subscriptions_changed() -> None:
    """Call in the transaction of every change to a subscription: each process reads them
    again (now, for this process, and once the change commits, for all)."""
    cache.set(_VERSION_KEY, uuid.uuid4().hex, None)
    transaction.on_commit(lambda: cache.set(_VERSION_KEY, uuid.uuid4().hex, None))


def _current_token() -> str:
    token = cache.get(_VERSION_KEY)
    if token is None:
        # The cache was emptied: nobody may trust the copy they hold.
        token = uuid.uuid4().hex
        cache.add(_VERSION_KEY, token, None)
        token = cache.get(_VERSION_KEY) or token
    return str(token)


def listeners() -> tuple[_Listener, ...]:
    global _snapshot
    token = _current_token()
    fresh = _snapshot is not None and time.monotonic() - _snapshot.read_at < SNAPSHOT_SECONDS
    if _snapshot is None or _snapshot.token != token or not fresh:
        rows = WebhookSubscription.objects.filter(is_active=True).values_list("pk", "event_types")
        found = tuple(_Listener(pk, frozenset(str(e) for e in (types or []))) for pk, types in rows)
        _snapshot = _Snapshot(token=token, read_at=time.monotonic(), listeners=found)
    return _snapshot.listeners


def subscribers(event_type: str) -> list[int]:
    return [item.subscription_id for item in listeners() if item.wants(event_type)]


# --- payloads --------------------------------------------------------------------------


def ticket_payload(ticket: Ticket) -> dict[str, Any]:
    customer = ticket.customer
    email = (
        customer.identities.filter(kind=IdentityKind.EMAIL)
        .order_by("-is_primary", "id")
        .values_list("value", flat=True)
        .first()
    )
    team, assignee = ticket.team, ticket.assignee
    path = reverse("tickets:ticket", args=[ticket.number])
    return {
        "id": ticket.pk,
        "number": ticket.number,
        "subject": ticket.subject,
        "status": ticket.status,
        "priority": ticket.priority,
        "channel": ticket.channel,
        "team": {"id": team.pk, "name": team.name} if team else None,
        "assignee": {"id": assignee.pk, "name": assignee.name} if assignee else None,
        "customer": {"id": customer.pk, "name": customer.name, "email": email},
        "tags": sorted(ticket.tags.values_list("name", flat=True)),
        "url": f"{settings.SITE_URL}{path}",
    }


def _envelope(
    delivery_uuid: uuid.UUID,
    *,
    event_type: str,
    at: datetime,
    ticket: dict[str, Any] | None,
    data: dict[str, Any],
) -> dict[str, Any]:
    envelope = {
        "id": str(delivery_uuid),
        "event": event_type,
        "created_at": at.isoformat(),
        "ticket": ticket,
        "data": data,
    }
    # Through JSON and back: what is stored is exactly what is sent.
    loaded: dict[str, Any] = json.loads(json.dumps(envelope, cls=DjangoJSONEncoder))
    return loaded


def _new_delivery(
    subscription_id: int,
    *,
    event_type: str,
    ticket: dict[str, Any] | None,
    data: dict[str, Any],
    now: datetime,
    happened_at: datetime | None = None,
) -> WebhookDelivery:
    delivery_uuid = uuid.uuid4()
    payload = _envelope(
        delivery_uuid, event_type=event_type, at=happened_at or now, ticket=ticket, data=data
    )
    return WebhookDelivery(
        uuid=delivery_uuid,
        subscription_id=subscription_id,
        event_type=event_type,
        ticket_id=ticket["id"] if ticket else None,
        payload=payload,
        created_at=now,
        next_attempt_at=now + timedelta(seconds=LOST_JOB_SECONDS),
    )


def _send_on_commit(delivery_ids: Iterable[int]) -> None:
    from frontline.integrations import tasks

    for delivery_id in list(delivery_ids):
        transaction.on_commit(partial(tasks.deliver_webhook, delivery_id), robust=True)


def enqueue_delivery(
    subscription: WebhookSubscription,
    *,
    event_type: str,
    payload: dict[str, Any],
    ticket_id: int | None = None,
) -> WebhookDelivery:
    """Log a delivery to ``subscription``; the worker sends it after commit. ``payload``
    is the envelope's ``data``; the envelope names the event and, with ``ticket_id``, the
    ticket as it is now."""
    ticket = None
    if ticket_id is not None:
        found = Ticket.objects.select_related("customer", "team", "assignee").filter(pk=ticket_id)
        ticket = next((ticket_payload(t) for t in found), None)
    delivery = _new_delivery(
        subscription.pk, event_type=event_type, ticket=ticket, data=payload, now=timezone.now()
    )
    delivery.save()
    _send_on_commit([delivery.pk])
    return delivery


def demo_delivery(subscription_id: int, ticket: Ticket | None, *, at: datetime) -> WebhookDelivery:
    """A delivery of a ticket's creation as it was written then, not sent (the demo)."""
    data = {"type": EventType.CREATED.value, "changes": {}}
    delivery = _new_delivery(
        subscription_id,
        event_type=f"ticket.{EventType.CREATED.value}",
        ticket=ticket_payload(ticket) if ticket is not None else None,
        data=data,
        now=at,
    )
    delivery.save()
    return delivery


def copy_delivery(delivery: WebhookDelivery) -> WebhookDelivery:
    """The same event to the same subscription once more, under an id of its own."""
    now = timezone.now()
    copy_uuid = uuid.uuid4()
    payload = {**delivery.payload, "id": str(copy_uuid)}
    copy = WebhookDelivery.objects.create(
        uuid=copy_uuid,
        subscription_id=delivery.subscription_id,
        event_type=delivery.event_type,
        ticket_id=delivery.ticket_id,
        payload=payload,
        created_at=now,
        next_attempt_at=now + timedelta(seconds=LOST_JOB_SECONDS),
    )
    _send_on_commit([copy.pk])
    return copy


def deliver_event(
    event_type: str,
    *,
    ticket: Ticket | None,
    data: dict[str, Any],
    at: datetime | None = None,
) -> list[WebhookDelivery]:
    """A delivery to every active subscription that listens for ``event_type``; nothing at
    all (not even a query) when none does. ``at``: when it happened (default now)."""
    subscription_ids = subscribers(event_type)
    if not subscription_ids:
        return []
    now = timezone.now()
    snapshot = ticket_payload(ticket) if ticket is not None else None
    rows = [
        _new_delivery(
            pk, event_type=event_type, ticket=snapshot, data=data, now=now, happened_at=at
        )
        for pk in subscription_ids
    ]
    created = WebhookDelivery.objects.bulk_create(rows)
    ids = [row.pk for row in created] if all(row.pk for row in created) else _ids_of(rows)
    _send_on_commit(ids)
    return created


def _ids_of(rows: list[WebhookDelivery]) -> list[int]:
    uuids = [row.uuid for row in rows]
    return list(WebhookDelivery.objects.filter(uuid__in=uuids).values_list("pk", flat=True))


# --- the worker's side -----------------------------------------------------------------


def backoff(attempt: int) -> timedelta:
    """The wait after failed attempt number ``attempt`` (1-based)."""
    return timedelta(seconds=BACKOFF_SECONDS[min(attempt, len(BACKOFF_SECONDS)) - 1])


def _claim(delivery_id: int, now: datetime) -> bool:
    due = Q(status=DeliveryStatus.PENDING) | Q(
        status__in=(DeliveryStatus.RETRYING, DeliveryStatus.SENDING),
        next_attempt_at__lte=now + timedelta(seconds=1),
    )
    claimed = WebhookDelivery.objects.filter(due, pk=delivery_id).update(
        status=DeliveryStatus.SENDING,
        attempts=F("attempts") + 1,
        next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS),
    )
    return claimed == 1


def attempt(delivery_id: int, *, now: datetime | None = None) -> float | None:
    """Try one delivery once. Returns the seconds until its next try, or None when there is
    nothing more to do (delivered, failed for good, gone, or not due)."""
    now = now or timezone.now()
    if not _claim(delivery_id, now):
        return None
    delivery = WebhookDelivery.objects.select_related("subscription").get(pk=delivery_id)
    subscription = delivery.subscription
    if not subscription.is_active and delivery.event_type != PING:
        _finish(delivery, status=DeliveryStatus.FAILED, error="The webhook is disabled.")
        return None
    result = _post(delivery, subscription)
    if result.ok:
        _succeeded(delivery, result)
        return None
    return _failed(delivery, result)


def _post(delivery: WebhookDelivery, subscription: WebhookSubscription) -> http.HttpResult:
    body = json.dumps(delivery.payload, separators=(",", ":")).encode()
    headers = {
        http.SIGNATURE_HEADER: http.signature_header(subscription.secret, body),
        "X-Frontline-Event": delivery.event_type,
        "X-Frontline-Delivery": str(delivery.uuid),
    }
    timeout = float(settings.FRONTLINE_WEBHOOK_TIMEOUT_SECONDS)
    try:
        return http.post(subscription.url, body=body, headers=headers, timeout_s=timeout)
    except Exception as exc:  # a bug or a refused socket must not leave it "sending"
        logger.exception("webhooks.delivery.crashed", extra={"delivery_id": delivery.pk})
        return http.HttpResult(None, 0.0, error=f"{type(exc).__name__}: {exc}", retryable=True)


def _finish(
    delivery: WebhookDelivery,
    *,
    status: DeliveryStatus,
    error: str,
    result: http.HttpResult | None = None,
    next_at: datetime | None = None,
) -> None:
    now = timezone.now()
    fields: dict[str, Any] = {
        "status": status,
        "last_error": error[:2000],
        "next_attempt_at": next_at,
    }
    if result is not None:
        fields |= {
            "last_status_code": result.status_code,
            "last_duration_ms": result.elapsed_ms,
            "response_excerpt": result.body_excerpt,
        }
    if status == DeliveryStatus.DELIVERED:
        fields["delivered_at"] = now
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields)


def _succeeded(delivery: WebhookDelivery, result: http.HttpResult) -> None:
    _finish(delivery, status=DeliveryStatus.DELIVERED, error="", result=result)
    now = timezone.now()
    WebhookSubscription.objects.filter(pk=delivery.subscription_id).update(
        consecutive_failures=0, last_delivery_at=now, last_success_at=now
    )
    logger.info(
        "webhooks.delivered",
        extra={"delivery_id": delivery.pk, "status_code": result.status_code},
    )


def _failed(delivery: WebhookDelivery, result: http.HttpResult) -> float | None:
    attempts = delivery.attempts
    final = not result.retryable or attempts >= settings.FRONTLINE_WEBHOOK_ATTEMPTS
    wait = backoff(attempts)
    _finish(
        delivery,
        status=DeliveryStatus.FAILED if final else DeliveryStatus.RETRYING,
        error=result.error or "Failed.",
        result=result,
        next_at=None if final else timezone.now() + wait,
    )
    logger.warning(
        "webhooks.delivery.failed",
        extra={
            "delivery_id": delivery.pk,
            "subscription_id": delivery.subscription_id,
            "attempts": attempts,
            "final": final,
            "status_code": result.status_code,
            "error": result.error,
        },
    )
    WebhookSubscription.objects.filter(pk=delivery.subscription_id).update(
        last_delivery_at=timezone.now()
    )
    if final and delivery.event_type != PING:
        count_failed_delivery(delivery.subscription_id, error=result.error)
    return None if final else wait.total_seconds()


def count_failed_delivery(subscription_id: int, *, error: str) -> None:
    WebhookSubscription.objects.filter(pk=subscription_id).update(
        consecutive_failures=F("consecutive_failures") + 1
    )
    limit = settings.FRONTLINE_WEBHOOK_DISABLE_AFTER
    with transaction.atomic():
        reason = f"Disabled after {limit} deliveries in a row failed; the last: {error}"
        disabled = WebhookSubscription.objects.filter(
            pk=subscription_id, is_active=True, consecutive_failures__gte=limit
        ).update(is_active=False, disabled_at=timezone.now(), disabled_reason=reason[:2000])
        if disabled:
            subscriptions_changed()
            _tell_admins(WebhookSubscription.objects.get(pk=subscription_id))


def _tell_admins(subscription: WebhookSubscription) -> None:
    url = reverse("integrations:webhook", args=[subscription.pk])
    for user in configuration_managers():
        notify(
            user,
            kind=NotificationKind.WEBHOOK_DISABLED,
            title=f"Webhook disabled: {subscription.name}",
            excerpt=subscription.disabled_reason,
            url=url,
        )
    logger.warning(
        "webhooks.subscription.disabled",
        extra={"subscription_id": subscription.pk, "reason": subscription.disabled_reason},
    )


def due_deliveries(*, now: datetime | None = None, limit: int = SWEEP_BATCH) -> list[int]:
    """Deliveries whose time has come and that no job is known to hold: retries due, jobs
    lost before they ran, and claims of a worker that died mid-send."""
    now = now or timezone.now()
    waiting = (DeliveryStatus.PENDING, DeliveryStatus.RETRYING, DeliveryStatus.SENDING)
    due = WebhookDelivery.objects.filter(status__in=waiting, next_attempt_at__lte=now)
    return list(due.order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit])
