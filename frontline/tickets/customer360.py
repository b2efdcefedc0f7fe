"""The customer beside a ticket: who they are, their organisation, their other tickets.

Other tickets come through ``tickets_visible_to`` so an agent sees only those they may.
Order history and satisfaction arrive with their apps; the template keeps places for them.
"""

import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from frontline.accounts.models import User
from frontline.core.actors import Actor
from frontline.customers.models import Customer, Identity, Organisation
from frontline.tickets.models import Ticket
from frontline.tickets.queries import ticket_identities, tickets_visible_to

OTHER_TICKETS = 8


@dataclass(frozen=True)
class Customer360:
    customer: Customer
    identities: list[Identity]
    organisation: Organisation | None
    account_manager: User | None
    other_tickets: list[Ticket]
    more_tickets: bool
    local_time: datetime | None

    @property
    def primary_email(self) -> str:
        emails = [i.value for i in self.identities if i.kind == "email"]
        return emails[0] if emails else ""

    @property
    def attributes(self) -> list[tuple[str, Any]]:
        return sorted(self.customer.custom_attributes.items())

    @property
    def organisation_attributes(self) -> list[tuple[str, Any]]:
        return sorted(self.organisation.custom_attributes.items()) if self.organisation else []


def customer_360(
    actor: Actor, ticket: Ticket, identities: Sequence[Identity] | None = None
) -> Customer360:
    """The panel for ``ticket``; ``identities`` may hold the ticket's identities already read
    (``ticket_identities``), of which the requester's are shown."""
    customer = ticket.customer
    organisation = ticket.organisation
    manager = None
    if organisation is not None and organisation.account_manager_id is not None:
        manager = User.objects.filter(pk=organisation.account_manager_id).first()
    others = list(_other_tickets(actor, ticket)[: OTHER_TICKETS + 1])
    return Customer360(
        customer=customer,
        identities=_own_identities(ticket, identities),
        organisation=organisation,
        account_manager=manager,
        other_tickets=others[:OTHER_TICKETS],
        more_tickets=len(others) > OTHER_TICKETS,
        local_time=_local_time(customer.time_zone),
    )


def _own_identities(ticket: Ticket, identities: Sequence[Identity] | None) -> list[Identity]:
    rows = ticket_identities(ticket) if identities is None else identities
    # A requester copied on their own ticket comes twice.
    own = {i.pk: i for i in rows if i.customer_id == ticket.customer_id}
    return sorted(own.values(), key=lambda i: (i.kind, not i.is_primary, i.value))


def _other_tickets(actor: Actor, ticket: Ticket) -> Any:
    """Open tickets first, then the rest, newest activity first."""
    return (
        tickets_visible_to(actor)
        .filter(customer_id=ticket.customer_id)
        .exclude(pk=ticket.pk)
        .order_by("-unsolved", "-updated_at", "-id")
        .only("id", "number", "subject", "status", "updated_at")
    )


def _local_time(zone: str) -> datetime | None:
    try:
        return timezone.now().astimezone(zoneinfo.ZoneInfo(zone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
