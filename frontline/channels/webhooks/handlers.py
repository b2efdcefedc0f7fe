"""Reactions of messaging channels to ticket events (registered in frontline/events.py)."""

from frontline.channels.webhooks import outbound
from frontline.tickets.models import Direction, Message, MessageKind, Ticket, TicketEvent


def send_public_reply(*, event: TicketEvent, ticket: Ticket) -> None:
    """A public reply on a ticket held on a messaging channel goes out through it; the
    send job runs after commit."""
    data = event.data
    if data.get("kind") != MessageKind.REPLY or data.get("direction") != Direction.OUTBOUND:
        return
    message = Message.objects.filter(pk=data.get("message_id")).first()
    if message is not None:
        outbound.queue_reply(message, ticket)
