"""Reactions of the email channel to ticket events (registered in frontline/events.py)."""

from frontline.channels.email import outbound
from frontline.tickets.models import Direction, Message, MessageKind, Ticket, TicketEvent


def email_public_reply(*, event: TicketEvent, ticket: Ticket) -> None:
    """A public reply to the customer goes out by email; the send job runs after commit."""
    data = event.data
    if data.get("kind") != MessageKind.REPLY or data.get("direction") != Direction.OUTBOUND:
        return
    message = Message.objects.filter(pk=data.get("message_id")).first()
    if message is not None:
        outbound.queue_message(message, ticket)
