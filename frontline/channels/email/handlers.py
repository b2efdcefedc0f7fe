"""Reactions of the email channel to ticket events (registered in frontline/events.py)."""

from frontline.channels.email import outbound, threads
from frontline.tickets.models import Channel, Direction, Message, MessageKind, Ticket, TicketEvent

MESSAGING_CHANNELS = frozenset({Channel.SMS, Channel.SOCIAL})


def email_public_reply(*, event: TicketEvent, ticket: Ticket) -> None:
    """A public reply to the customer goes out by email; the send job runs after commit.
    SMS and social conversations are answered on their own channel (channels/webhooks), so
    their customers get no email copy of each text."""
    data = event.data
    if data.get("kind") != MessageKind.REPLY or data.get("direction") != Direction.OUTBOUND:
        return
    if ticket.channel in MESSAGING_CHANNELS:
        return
    message = Message.objects.filter(pk=data.get("message_id")).first()
    if message is not None:
        outbound.queue_message(message, ticket)


def thread_split_messages(*, event: TicketEvent, ticket: Ticket) -> None:
    """Mail about messages split out of a ticket threads onto the new ticket."""
    source_id, moved = event.data.get("from_id"), event.data.get("message_ids") or []
    if source_id:
        threads.move_message_refs(int(source_id), into=ticket, message_ids=moved)
