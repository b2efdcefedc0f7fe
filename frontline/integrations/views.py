"""The webhooks pages (admins and heads of support): the list, the form, one webhook with its
delivery log, and the demo's receiver."""

import json
import uuid
from typing import Any

from asgiref.sync import sync_to_async
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from frontline.accounts.permissions import can_manage_configuration
from frontline.accounts.web import staff_required, web_actor
from frontline.core.actors import Actor
from frontline.core.errors import FrontlineError, NotFound, ValidationFailed
from frontline.integrations import http, queries, services, webhooks
from frontline.integrations.models import WebhookDelivery, WebhookSubscription

LOG_SIZE = 50


def _manager(request: HttpRequest) -> Actor:
    actor = web_actor(request)
    if actor.user is None or not can_manage_configuration(actor.user):
        raise DjangoPermissionDenied("Webhooks are for admins and heads of support.")
    return actor


def _subscription(actor: Actor, subscription_id: int) -> WebhookSubscription:
    try:
        return queries.get_subscription_for(actor, subscription_id)
    except NotFound as error:
        raise Http404(error.message) from error


def _event_choices(chosen: list[str]) -> list[dict[str, Any]]:
    return [
        {"value": value, "label": label, "checked": value in chosen}
        for value, label in webhooks.EVENT_TYPES.items()
    ]


@require_GET
@staff_required
def webhook_list(request: HttpRequest) -> HttpResponse:
    actor = _manager(request)
    listed = list(queries.subscriptions_for(actor).order_by("name", "id"))
    return render(request, "integrations/webhooks.html", {"rows": listed, "section": "webhooks"})


@staff_required
def webhook_form(request: HttpRequest, subscription_id: int | None = None) -> HttpResponse:
    actor = _manager(request)
    subscription = _subscription(actor, subscription_id) if subscription_id else None
    if request.method != "POST":
        values = {
            "name": subscription.name if subscription else "",
            "url": subscription.url if subscription else "",
            "event_types": list(subscription.event_types) if subscription else ["ticket.*"],
        }
        return _form(request, subscription, values)
    name, url = request.POST.get("name", ""), request.POST.get("url", "")
    chosen = request.POST.getlist("event_types")
    values = {"name": name, "url": url, "event_types": chosen}
    fields = services.WebhookFields(name=name, url=url, event_types=chosen)
    try:
        if subscription is None:
            created = services.create_subscription(fields=fields, actor=actor)
            return _detail(request, actor, created, revealed=created.secret, status=201)
        services.update_subscription(subscription, fields=fields, actor=actor)
    except ValidationFailed as error:
        return _form(request, subscription, values, error=error, status=422)
    return redirect("integrations:webhook", subscription.pk)


def _form(
    request: HttpRequest,
    subscription: WebhookSubscription | None,
    values: dict[str, Any],
    *,
    error: ValidationFailed | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "subscription": subscription,
        "values": values,
        "events": _event_choices(values["event_types"]),
        "error": error,
        "section": "webhooks",
    }
    return render(request, "integrations/webhook_form.html", context, status=status)


@require_GET
@staff_required
def webhook_detail(request: HttpRequest, subscription_id: int) -> HttpResponse:
    actor = _manager(request)
    return _detail(request, actor, _subscription(actor, subscription_id))


def _detail(
    request: HttpRequest,
    actor: Actor,
    subscription: WebhookSubscription,
    *,
    revealed: str = "",
    status: int = 200,
    error: str = "",
) -> HttpResponse:
    log = queries.deliveries_for(actor, subscription).order_by("-created_at", "-id")
    context = {
        "subscription": subscription,
        "deliveries": list(log.defer("payload")[:LOG_SIZE]),
        "revealed": revealed,
        "error": error,
        "events": [webhooks.EVENT_TYPES.get(e, e) for e in subscription.event_types or []],
        "section": "webhooks",
    }
    return render(request, "integrations/webhook.html", context, status=status)


@require_POST
@staff_required
def webhook_action(request: HttpRequest, subscription_id: int, action: str) -> HttpResponse:
    actor = _manager(request)
    subscription = _subscription(actor, subscription_id)
    if action == "ping":
        services.send_ping(subscription, actor=actor)
    elif action == "rotate":
        rotated = services.rotate_secret(subscription, actor=actor)
        return _detail(request, actor, rotated, revealed=rotated.secret)
    elif action in ("enable", "disable"):
        fields = services.WebhookFields(is_active=action == "enable")
        services.update_subscription(subscription, fields=fields, actor=actor)
    elif action == "delete":
        services.delete_subscription(subscription, actor=actor)
        return redirect("integrations:webhooks")
    else:
        raise DjangoPermissionDenied("No such action.")
    return redirect("integrations:webhook", subscription.pk)


@require_POST
@staff_required
def delivery_redeliver(request: HttpRequest, delivery_id: int) -> HttpResponse:
    actor = _manager(request)
    try:
        delivery = queries.get_delivery_for(actor, delivery_id)
    except NotFound as error:
        raise Http404(error.message) from error
    try:
        services.redeliver(delivery, actor=actor)
    except FrontlineError as error:
        return _detail(request, actor, delivery.subscription, error=error.message, status=409)
    return redirect("integrations:webhook", delivery.subscription_id)


@csrf_exempt
async def demo_receiver(request: HttpRequest) -> HttpResponse:
    """The demo's receiving end, served by Frontline itself: it checks the signature with
    the secret of the webhook that sent it. Async, so a worker in the same process posting
    here never waits on the thread that runs sync views."""
    if request.method != "POST":
        return JsonResponse({"detail": "POST a signed delivery here."}, status=405)
    delivery_uuid = request.headers.get("X-Frontline-Delivery", "")
    secret = await sync_to_async(_secret_of)(delivery_uuid)
    if secret is None:
        return JsonResponse({"detail": "Unknown delivery."}, status=404)
    try:
        http.verify(secret, request.headers.get(http.SIGNATURE_HEADER), request.body)
    except http.SignatureInvalid as error:
        return JsonResponse({"detail": error.message}, status=401)
    event = json.loads(request.body or b"{}").get("event", "")
    return JsonResponse({"received": delivery_uuid, "event": event, "verified": True})


def _secret_of(delivery_uuid: str) -> str | None:
    try:
        key = uuid.UUID(delivery_uuid)
    except ValueError:
        return None
    found = WebhookDelivery.objects.filter(uuid=key)
    return found.values_list("subscription__secret", flat=True).first()
