"""What the tickets app adds to a customer's API page (registered in
``frontline/contributions.py`` under ``"customer.detail_fields"``): their latest tickets."""

from datetime import datetime
from typing import Any

from ninja import Schema

from frontline.core.actors import Actor
from frontline.customers.models import Customer
from frontline.tickets.models import Ticket
from frontline.tickets.queries import tickets_visible_to
from frontline.tickets.schemas import PriorityName, StatusName

TICKETS_SHOWN = 50


class TicketSummaryOut(Schema):
    id: int
    number: int
    subject: str
    status: StatusName
    priority: PriorityName
    updated_at: datetime

    @classmethod
    def from_model(cls, ticket: Ticket) -> "TicketSummaryOut":
        fields: dict[str, Any] = {
            "id": ticket.pk,
            "number": ticket.number,
            "subject": ticket.subject,
            "status": ticket.status,
            "priority": ticket.priority,
            "updated_at": ticket.updated_at,
        }
        return cls(**fields)


class _RecentTickets:
    name = "tickets"
    annotation = list[TicketSummaryOut]
    description = f"The {TICKETS_SHOWN} most recently updated tickets you may see."

    def value(self, customer: Customer, *, actor: Actor, now: datetime) -> list[TicketSummaryOut]:
        tickets = tickets_visible_to(actor).filter(customer=customer)
        latest = tickets.order_by("-updated_at", "-id")[:TICKETS_SHOWN]
        return [TicketSummaryOut.from_model(t) for t in latest]


RECENT_TICKETS = _RecentTickets()
