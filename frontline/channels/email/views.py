"""Workspace actions on email: sending a failed reply again from the ticket page."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from frontline.accounts.web import staff_required, web_actor
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
