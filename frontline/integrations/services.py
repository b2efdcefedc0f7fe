"""Outgoing webhook subscriptions: the only writer of them, for the API, the workspace pages
and the demo alike. Only admins and heads of support configure them; every change is
validated here with a message naming the field at fault."""

import logging
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone

from frontline.accounts.permissions import can_manage_configuration
from frontline.core.actors import Actor
from frontline.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from frontline.integrations import webhooks
from frontline.integrations.models import WebhookDelivery, WebhookSubscription

logger = logging.getLogger(__name__)

MAX_NAME = 120
MAX_URL = 500
_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$", re.I)
_IPV6 = re.compile(r"^[0-9a-f:.]*:[0-9a-f:.]*$", re.I)
_SPACE = re.compile(r"\s")


@dataclass(frozen=True)
class WebhookFields:
    """A subscription's settings as a form or request gives them; ``None`` leaves one."""

    name: str | None = None
    url: str | None = None
    event_types: Sequence[str] | None = None
    is_active: bool | None = None


def ensure_can_configure(actor: Actor) -> None:
    user = actor.user
    if not actor.is_agent or user is None or not can_manage_configuration(user):
        raise PermissionDenied("Only admins and heads of support configure webhooks.")


def new_secret() -> str:
    return f"whsec_{secrets.token_urlsafe(32)}"


# --- validation ------------------------------------------------------------------------


def clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationFailed("A webhook needs a name.", field="name")
    if len(name) > MAX_NAME:
        raise ValidationFailed(f"A name is at most {MAX_NAME} characters.", field="name")
    return name


def clean_url(url: str) -> str:
    """http(s), a host (a name such as ``crm`` on an internal network is fine), a valid
    port, no spaces and no user:password (secrets belong in the signature)."""
    url = url.strip()
    if not url:
        raise ValidationFailed("Give the address that receives the webhook.", field="url")
    if len(url) > MAX_URL:
        raise ValidationFailed(f"An address is at most {MAX_URL} characters.", field="url")
    if not url.lower().startswith(("http://", "https://")):
        raise ValidationFailed("The address starts with http:// or https://.", field="url")
    try:
        parts = urlsplit(url)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        port_ok = False
        parts = None
    if parts is None or not port_ok or not _host_ok(parts.hostname or "") or _SPACE.search(url):
        raise ValidationFailed(
            "This is not a web address Frontline can post to (e.g. https://example.com/hook).",
            field="url",
        )
    if parts.username or parts.password:
        raise ValidationFailed("Leave the user name and password out of the address.", field="url")
    return url


def _host_ok(host: str) -> bool:
    labels = host.removesuffix(".").split(".")
    return bool(host) and (_IPV6.match(host) is not None or all(map(_LABEL.match, labels)))


def clean_event_types(event_types: Sequence[str]) -> list[str]:
    unknown = [e for e in event_types if e not in webhooks.EVENT_TYPES]
    if unknown:
        known = ", ".join(webhooks.EVENT_TYPES)
        raise ValidationFailed(
            f"Unknown event {unknown[0]!r}; choose from: {known}.", field="event_types"
        )
    chosen = list(dict.fromkeys(event_types))
    if "ticket.*" in chosen:
        chosen = [e for e in chosen if not e.startswith("ticket.") or e == "ticket.*"]
    return chosen


# --- changes ---------------------------------------------------------------------------


@transaction.atomic
def create_subscription(*, fields: WebhookFields, actor: Actor) -> WebhookSubscription:
    """A new subscription with a new secret (shown to its creator once)."""
    ensure_can_configure(actor)
    subscription = WebhookSubscription(
        name=clean_name(fields.name or ""),
        url=clean_url(fields.url or ""),
        event_types=clean_event_types(fields.event_types or []),
        secret=new_secret(),
        is_active=True if fields.is_active is None else fields.is_active,
    )
    subscription.save()
    webhooks.subscriptions_changed()
    logger.info("webhooks.subscription.created", extra=_context(subscription, actor))
    return subscription


@transaction.atomic
def update_subscription(
    subscription: WebhookSubscription, *, fields: WebhookFields, actor: Actor
) -> WebhookSubscription:
    ensure_can_configure(actor)
    changed: list[str] = []
    if fields.name is not None:
        subscription.name = clean_name(fields.name)
        changed.append("name")
    if fields.url is not None:
        subscription.url = clean_url(fields.url)
        changed.append("url")
    if fields.event_types is not None:
        subscription.event_types = clean_event_types(fields.event_types)
        changed.append("event_types")
    if fields.is_active is not None and fields.is_active != subscription.is_active:
        changed += _set_active(subscription, fields.is_active)
    if changed:
        subscription.save(update_fields=[*changed, "updated_at"])
        webhooks.subscriptions_changed()
        logger.info("webhooks.subscription.changed", extra=_context(subscription, actor))
    return subscription


def _set_active(subscription: WebhookSubscription, active: bool) -> list[str]:
    subscription.is_active = active
    if active:
        # Enabled again: a fresh start, the old failures no longer count.
        subscription.consecutive_failures = 0
        subscription.disabled_at = None
        subscription.disabled_reason = ""
    else:
        subscription.disabled_at = timezone.now()
        subscription.disabled_reason = "Disabled by hand."
    return ["is_active", "consecutive_failures", "disabled_at", "disabled_reason"]


def enable_subscription(subscription: WebhookSubscription, *, actor: Actor) -> WebhookSubscription:
    return update_subscription(subscription, fields=WebhookFields(is_active=True), actor=actor)


@transaction.atomic
def rotate_secret(subscription: WebhookSubscription, *, actor: Actor) -> WebhookSubscription:
    """A new secret for every delivery from now on, retries included."""
    ensure_can_configure(actor)
    subscription.secret = new_secret()
    subscription.save(update_fields=["secret", "updated_at"])
    logger.info("webhooks.secret.rotated", extra=_context(subscription, actor))
    return subscription


@transaction.atomic
def delete_subscription(subscription: WebhookSubscription, *, actor: Actor) -> None:
    """The subscription and its delivery log."""
    ensure_can_configure(actor)
    logger.info("webhooks.subscription.deleted", extra=_context(subscription, actor))
    subscription.delete()
    webhooks.subscriptions_changed()


@transaction.atomic
def send_ping(subscription: WebhookSubscription, *, actor: Actor) -> WebhookDelivery:
    """A signed test delivery, disabled subscriptions too (to check before enabling)."""
    ensure_can_configure(actor)
    data: dict[str, Any] = {"message": "A test delivery from Frontline.", "by": actor.label}
    return webhooks.enqueue_delivery(subscription, event_type=webhooks.PING, payload=data)


@transaction.atomic
def redeliver(delivery: WebhookDelivery, *, actor: Actor) -> WebhookDelivery:
    """The same event again, as a new delivery with an id of its own."""
    ensure_can_configure(actor)
    subscription = delivery.subscription
    if not subscription.is_active and delivery.event_type != webhooks.PING:
        raise InvalidTransition(
            "This webhook is disabled; enable it before sending deliveries again.",
            field="is_active",
        )
    copy = webhooks.copy_delivery(delivery)
    logger.info(
        "webhooks.redelivered",
        extra={"delivery_id": delivery.pk, "copy_id": copy.pk, "actor": actor.label},
    )
    return copy


def _context(subscription: WebhookSubscription, actor: Actor) -> dict[str, Any]:
    return {"subscription_id": subscription.pk, "actor": actor.label}
