"""The Channels page (admins and the head of support): channels, their secrets, the
inbound log with quarantine and replay; the ticket page's phone calls panel; and the demo's
local receiver of outbound replies."""

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from frontline.accounts.models import Team
from frontline.accounts.permissions import can_manage_configuration, can_write_tickets
from frontline.accounts.web import staff_required, web_actor
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
from frontline.core.errors import FrontlineError, ValidationFailed
from frontline.tickets.queries import get_ticket_by_number_for

LOG_ROWS = 50


def _ensure_configurator(request: HttpRequest) -> None:
    user = web_actor(request).user
    if user is None or not can_manage_configuration(user):
        raise DjangoPermissionDenied("Channels are configured by admins and the head of support.")


def _choices() -> dict[str, Any]:
    return {
        "kinds": ChannelKind.choices,
        "schemes": SignatureScheme.choices,
        "teams": Team.objects.order_by("name"),
        "section": "messaging",
    }


def _form_fields(data: Any) -> services.ChannelFields:
    team_id = (data.get("team_id") or "").strip()
    team = Team.objects.filter(pk=int(team_id)).first() if team_id.isdigit() else None
    try:
        tolerance = int(data.get("tolerance_seconds") or 300)
        window = int(data.get("reopen_window_days") or 7)
    except ValueError:
        raise ValidationFailed("Give whole numbers.", field="tolerance_seconds") from None
    kind, scheme = data.get("kind") or "sms", data.get("signature_scheme") or "frontline"
    if kind not in ChannelKind.values or scheme not in SignatureScheme.values:
        raise ValidationFailed("Choose a kind and a signature scheme.", field="kind")
    secret = data.get("outbound_secret") or ""
    return services.ChannelFields(
        name=(data.get("name") or "").strip(),
        kind=ChannelKind(kind),
        team=team,
        clear_team=team is None,
        is_active=data.get("is_active") == "on",
        signature_header=(data.get("signature_header") or "").strip(),
        signature_scheme=SignatureScheme(scheme),
        timestamp_header=(data.get("timestamp_header") or "").strip(),
        tolerance_seconds=max(tolerance, 1),
        outbound_url=(data.get("outbound_url") or "").strip(),
        outbound_secret=secret or None,  # empty keeps the one set
        reopen_window_days=max(window, 0),
    )


@staff_required
@require_http_methods(["GET", "POST"])
def channel_list(request: HttpRequest) -> HttpResponse:
    _ensure_configurator(request)
    context: dict[str, Any] = {"channels": MessagingChannel.objects.select_related("team")}
    context["values"] = {"signature_header": "X-Frontline-Signature", "is_active": "on"}
    if request.method == "POST":
        context["values"] = request.POST
        try:
            channel, secret = services.create_channel(
                fields=_form_fields(request.POST), actor=web_actor(request)
            )
        except FrontlineError as exc:
            context["error"] = exc
        else:
            return _detail(request, channel, secret=secret)
    return render(request, "webhooks/channels.html", {**context, **_choices()})


def _detail(
    request: HttpRequest,
    channel: MessagingChannel,
    *,
    secret: str = "",
    error: FrontlineError | None = None,
    status: int = 200,
) -> HttpResponse:
    shown = request.GET.get("status") or ""
    payloads = InboundPayload.objects.filter(channel=channel).select_related("ticket").defer("raw")
    if shown in PayloadStatus.values:
        payloads = payloads.filter(status=shown)
    context = {
        "channel": channel,
        "values": _channel_values(channel),
        "secret": secret,
        "error": error,
        "shown": shown,
        "statuses": PayloadStatus.choices,
        "payloads": payloads.order_by("-received_at", "-id")[:LOG_ROWS],
        "quarantined": InboundPayload.objects.filter(
            channel=channel, status=PayloadStatus.QUARANTINED
        ).count(),
        "inbound_url": request.build_absolute_uri(
            reverse("api-v1:post_inbound", kwargs={"channel_id": channel.pk})
        ),
    }
    return render(request, "webhooks/channel.html", {**context, **_choices()}, status=status)


def _channel_values(channel: MessagingChannel) -> dict[str, Any]:
    names = (
        "name", "kind", "signature_header", "signature_scheme", "timestamp_header",
        "tolerance_seconds", "outbound_url", "reopen_window_days", "is_active",
    )  # fmt: skip
    values = {name: getattr(channel, name) for name in names}
    values["team_id"] = str(channel.team_id or "")
    return values


@staff_required
@require_http_methods(["GET", "POST"])
def channel_detail(request: HttpRequest, channel_id: int) -> HttpResponse:
    _ensure_configurator(request)
    channel = get_object_or_404(MessagingChannel, pk=channel_id)
    if request.method == "POST":
        try:
            services.update_channel(
                channel, fields=_form_fields(request.POST), actor=web_actor(request)
            )
        except FrontlineError as exc:
            channel.refresh_from_db()
            return _detail(request, channel, error=exc, status=422)
        return HttpResponseRedirect(reverse("webhooks:channel", args=[channel.pk]))
    return _detail(request, channel)


@staff_required
@require_POST
def rotate_secret(request: HttpRequest, channel_id: int) -> HttpResponse:
    _ensure_configurator(request)
    channel = get_object_or_404(MessagingChannel, pk=channel_id)
    secret = services.rotate_secret(channel, actor=web_actor(request))
    return _detail(request, channel, secret=secret)


@staff_required
@require_POST
def delete_channel(request: HttpRequest, channel_id: int) -> HttpResponse:
    _ensure_configurator(request)
    channel = get_object_or_404(MessagingChannel, pk=channel_id)
    services.delete_channel(channel, actor=web_actor(request))
    return HttpResponseRedirect(reverse("webhooks:channels"))


@staff_required
@require_POST
def replay(request: HttpRequest, payload_id: int) -> HttpResponse:
    _ensure_configurator(request)
    payload = get_object_or_404(InboundPayload.objects.select_related("channel"), pk=payload_id)
    inbound.replay_payload(payload, actor=web_actor(request))
    return HttpResponseRedirect(reverse("webhooks:channel", args=[payload.channel_id]))


@staff_required
@require_http_methods(["GET", "POST"])
def ticket_calls(request: HttpRequest, number: int) -> HttpResponse:
    """The calls panel of the ticket page, and logging a call from it (htmx)."""
    actor = web_actor(request)
    ticket = get_ticket_by_number_for(actor, number)
    context: dict[str, Any] = {"ticket": ticket, "values": {"direction": "inbound"}}
    status = 200
    if request.method == "POST":
        try:
            services.log_call(ticket, call=_call_fields(request), actor=actor)
        except FrontlineError as exc:
            context.update(error=exc, values=request.POST)
            status = 422
    context.update(
        calls=PhoneCall.objects.filter(ticket=ticket).select_related("agent"),
        directions=CallDirection.choices,
        outcomes=CallOutcome.choices,
        may_log=actor.user is not None and can_write_tickets(actor.user),
    )
    return render(request, "webhooks/_calls_panel_body.html", context, status=status)


def _call_fields(request: HttpRequest) -> services.CallFields:
    data = request.POST
    direction, outcome = data.get("direction", ""), data.get("outcome", "")
    if direction not in CallDirection.values:
        raise ValidationFailed("Choose inbound or outbound.", field="direction")
    if outcome not in CallOutcome.values:
        raise ValidationFailed("Choose what came of the call.", field="outcome")
    try:
        minutes = int(data.get("minutes") or 0)
        seconds = int(data.get("seconds") or 0)
    except ValueError:
        raise ValidationFailed(
            "Give the length in whole minutes and seconds.", field="minutes"
        ) from None
    if minutes < 0 or not 0 <= seconds < 60:
        raise ValidationFailed("Give the length in minutes and 0-59 seconds.", field="minutes")
    number = (data.get("number") or "").strip()
    if not number:
        raise ValidationFailed("Give the phone number.", field="number")
    return services.CallFields(
        direction=CallDirection(direction),
        number=number,
        started_at=_started(data.get("started_at") or "", request),
        duration_seconds=minutes * 60 + seconds,
        outcome=CallOutcome(outcome),
        note=data.get("note") or "",
    )


def _started(value: str, request: HttpRequest) -> datetime:
    """A ``datetime-local`` value in the viewer's time zone; empty: now."""
    if not value:
        return timezone.now()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationFailed("Give the start as a date and time.", field="started_at") from None
    if timezone.is_naive(moment):
        zone = timezone.get_current_timezone() or ZoneInfo("UTC")
        moment = timezone.make_aware(moment, zone)
    return moment


@csrf_exempt
async def demo_receiver(request: HttpRequest) -> HttpResponse:
    """Stands in for a provider in the demo: takes any reply and names it, so the demo's
    outbound replies show as sent. Async, so a server posting to itself cannot deadlock."""
    if request.method != "POST":
        return JsonResponse({"detail": "POST a reply."}, status=405)
    try:
        document = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"detail": "Not JSON."}, status=400)
    reply_id = document.get("id") if isinstance(document, dict) else None
    return JsonResponse({"message_id": f"demo-{reply_id}"}, status=202)
