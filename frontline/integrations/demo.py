"""Webhooks' part of the demo: one webhook posting to a receiver that `make run` serves
itself (``/integrations/demo-receiver/``, which checks the signature), pinged once so its
log shows a real delivery, and one that kept failing until Frontline disabled it."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from frontline.accounts.models import Role, User
from frontline.core.actors import Actor
from frontline.integrations import services, webhooks
from frontline.integrations.models import DeliveryStatus, WebhookDelivery
from frontline.tickets.models import Ticket

UNREACHABLE = "https://crm.example.invalid/hooks/frontline"
ERROR = "ConnectError: [Errno -2] Name or service not known"


@transaction.atomic
def load_demo(*, now: datetime) -> None:
    admin = (
        User.objects.filter(is_active=True, role__in=(Role.HEAD_OF_SUPPORT, Role.ADMIN))
        .order_by("pk")
        .first()
    )
    if admin is None:
        return
    actor = Actor.for_user(admin)
    receiver = services.create_subscription(
        fields=services.WebhookFields(
            name="Demo receiver",
            url=f"{settings.SITE_URL}{reverse('integrations:demo-receiver')}",
            event_types=["ticket.*", "sla.warned", "sla.breached"],
        ),
        actor=actor,
    )
    services.send_ping(receiver, actor=actor)
    _disabled_crm(actor, now=now)


def _disabled_crm(actor: Actor, *, now: datetime) -> None:
    crm = services.create_subscription(
        fields=services.WebhookFields(
            name="Old CRM sync", url=UNREACHABLE, event_types=["ticket.created"]
        ),
        actor=actor,
    )
    limit = settings.FRONTLINE_WEBHOOK_DISABLE_AFTER
    recent = list(Ticket.objects.order_by("-created_at", "-id")[:limit])[::-1]
    for index in range(limit):
        ticket = recent[index % len(recent)] if recent else None
        at = now - timedelta(days=2, hours=limit - index)
        delivery = webhooks.demo_delivery(crm.pk, ticket, at=at)
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED,
            attempts=settings.FRONTLINE_WEBHOOK_ATTEMPTS,
            next_attempt_at=None,
            last_error=ERROR,
        )
        webhooks.count_failed_delivery(crm.pk, error=ERROR)
