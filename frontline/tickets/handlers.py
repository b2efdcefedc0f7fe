"""Reactions of the tickets app to other apps' events (registered in frontline/events.py)."""

from frontline.core.actors import Actor
from frontline.customers.models import Customer
from frontline.tickets import events
from frontline.tickets.models import EventType, Message, Ticket


def move_tickets_to_surviving_customer(*, source: Customer, target: Customer, actor: Actor) -> None:
    """After a customer merge, every ticket and message of the merged customer moves over."""
    tickets = list(Ticket.objects.filter(customer=source).select_for_update())
    Ticket.objects.filter(customer=source).update(
        customer=target, organisation=target.organisation_id
    )
    Message.objects.filter(author_customer=source).update(author_customer=target)
    for ticket in tickets:
        events.record(
            ticket,
            EventType.CUSTOMER_CHANGED,
            actor=actor,
            data={"from": source.pk, "to": target.pk, "reason": "customer_merged"},
        )
