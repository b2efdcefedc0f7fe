"""Triage's reactions to ticket events (registered in ``frontline/events.py``).

On every inbound customer message: its language and sentiment. On a new ticket's request
(its first message, added in the transaction that opens it): the triage rules, which can
then test the request's text, language and sentiment as well as the ticket's fields.
"""

from collections.abc import Sequence
from typing import Any

from frontline.tickets.models import AuthorType, Direction, Message, Ticket, TicketEvent
from frontline.triage import rules, signals
from frontline.triage.facts import ticket_facts
from frontline.triage.models import MessageSignal


def on_message_added(*, event: TicketEvent, ticket: Ticket, **_: Any) -> None:
    if not _is_customers(event):
        return
    message = Message.objects.filter(pk=event.data.get("message_id")).first()
    if message is None:
        return
    signal = record_signal(message)
    if _is_request(ticket, event):
        facts = ticket_facts(ticket, message=message, signal=signal, now=event.created_at)
        rules.run_rules(ticket, facts, now=event.created_at)


def record_signal(message: Message) -> MessageSignal:
    signal = signal_row(message)
    signal.save(force_insert=True)
    return signal


def signal_row(message: Message) -> MessageSignal:
    reading = signals.read(message.visible_text or message.body_text)
    return MessageSignal(
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
    row before recording it; every later message is counted first (so 2 or more)."""
    return ticket.message_count == 1


def on_messages_added(pairs: Sequence[tuple[TicketEvent, Ticket]]) -> None:
    """``on_message_added`` for batch imports: the signals of all their inbound customer
    messages in two queries. Imported tickets are history: rules do not run on them."""
    wanted = [event.data.get("message_id") for event, _ in pairs if _is_customers(event)]
    messages = Message.objects.filter(pk__in=[m for m in wanted if m]).only(
        "id", "ticket_id", "body_text", "visible_text", "created_at"
    )
    MessageSignal.objects.bulk_create([signal_row(m) for m in messages], ignore_conflicts=True)


def _is_customers(event: TicketEvent) -> bool:
    data = event.data
    return bool(
        data.get("direction") == Direction.INBOUND
        and data.get("author_type") == AuthorType.CUSTOMER
    )
