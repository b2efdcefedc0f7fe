"""Workspace actions on email: sending a failed reply again from the ticket page, and the
local outbox administrators read when no mail server is configured."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from frontline.accounts.web import staff_required, web_actor
from frontline.channels.email import outbox
from frontline.channels.email.models import OutboundMessage
from frontline.channels.email.outbound import retry_delivery
from frontline.core.errors import NotFound
from frontline.tickets.queries import get_ticket_by_number_for


@require_POST
@staff_required
def retry(request: HttpRequest, number: int, delivery_id: int) -> HttpResponse:
    """Queue a failed or retrying email again; the ticket page shows it as queued."""
    actor = web_actor(request)
    ticket = get_ticket_by_number_for(actor, number)
    outbound = OutboundMessage.objects.filter(pk=delivery_id, ticket_message__ticket=ticket).first()
    if outbound is None:
        raise NotFound(f"Ticket #{number} has no email {delivery_id}.")
    retry_delivery(outbound, actor=actor)
    url = reverse("tickets:ticket", args=[number]) + f"#message-{outbound.ticket_message_id}"
    return HttpResponseRedirect(url)


def _ensure_administrator(request: HttpRequest) -> None:
    # The outbox holds every customer's mail: administrators only, like the Django admin.
    user = web_actor(request).user
    if user is None or not user.is_superuser:
        raise DjangoPermissionDenied("The outbox is for administrators.")


@require_GET
@staff_required
def outbox_list(request: HttpRequest) -> HttpResponse:
    _ensure_administrator(request)
    messages, total = outbox.kept_messages()
    context = {
        "messages": messages,
        "total": total,
        "folder": outbox.outbox_dir(),
        "in_use": outbox.is_in_use(),
        "section": "outbox",
    }
    return render(request, "email/outbox.html", context)


@require_GET
@staff_required
def outbox_message(request: HttpRequest, name: str) -> HttpResponse:
    _ensure_administrator(request)
    context = {"kept": outbox.kept_message(name), "section": "outbox"}
    return render(request, "email/outbox_message.html", context)
