"""Triage's reactions to ticket events (registered in ``frontline/events.py``).

On every inbound customer message: its language and sentiment. On a new ticket's request
(its first message, added in the transaction that opens it): the triage rules, which can
then test the request's text, language and sentiment as well as the ticket's fields.
"""

from typing import Any

from frontline.tickets.models import AuthorType, Direction, Message, Ticket, TicketEvent
from frontline.triage import rules, signals
from frontline.triage.facts import ticket_facts
from frontline.triage.models import MessageSignal


def on_message_added(*, event: TicketEvent, ticket: Ticket, **_: Any) -> None:
    data = event.data
    if data.get("direction") != Direction.INBOUND or data.get("author_type") != (
        AuthorType.CUSTOMER
    ):
        return
    message = Message.objects.filter(pk=data.get("message_id")).first()
    if message is None:
        return
    signal = record_signal(message)
    if _is_request(ticket, event):
        facts = ticket_facts(ticket, message=message, signal=signal, now=event.created_at)
        rules.run_rules(ticket, facts, now=event.created_at)


def record_signal(message: Message) -> MessageSignal:
    reading = signals.read(message.visible_text or message.body_text)
    return MessageSignal.objects.create(
        message=message,
        ticket_id=message.ticket_id,
        language=reading.language,
        language_confidence=reading.language_confidence,
        sentiment=reading.sentiment,
        sentiment_label=reading.sentiment_label,
        created_at=message.created_at,
    )


def _is_request(ticket: Ticket, event: TicketEvent) -> bool:
    """The first message of a ticket being opened: ``open_ticket`` counts it on the new
    row and gives it the ticket's own time."""
    return ticket.message_count == 1 and event.created_at == ticket.created_at
