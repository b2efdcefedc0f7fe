"""Reads of webhook subscriptions and their deliveries, for those who configure them."""

from django.db.models import QuerySet

from frontline.core.actors import Actor
from frontline.core.errors import NotFound
from frontline.integrations.models import WebhookDelivery, WebhookSubscription
from frontline.integrations.services import ensure_can_configure


def subscriptions_for(actor: Actor) -> QuerySet[WebhookSubscription]:
    ensure_can_configure(actor)
    return WebhookSubscription.objects.all()


def get_subscription_for(actor: Actor, subscription_id: int) -> WebhookSubscription:
    found = subscriptions_for(actor).filter(pk=subscription_id).first()
    if found is None:
        raise NotFound(f"Webhook {subscription_id} does not exist.")
    return found


def deliveries_for(actor: Actor, subscription: WebhookSubscription) -> QuerySet[WebhookDelivery]:
    ensure_can_configure(actor)
    return WebhookDelivery.objects.filter(subscription=subscription)


def get_delivery_for(actor: Actor, delivery_id: int) -> WebhookDelivery:
    ensure_can_configure(actor)
    found = WebhookDelivery.objects.select_related("subscription").filter(pk=delivery_id).first()
    if found is None:
        raise NotFound(f"Webhook delivery {delivery_id} does not exist.")
    return found
