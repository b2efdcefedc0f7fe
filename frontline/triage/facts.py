"""The facts about a ticket that triage rules test, by the names the rule editor lists.

Facts are read lazily: a rule that tests only the subject costs no query for the sender's
address or the tags. Names are dotted (``organisation.tier``) so that later readers, such
as automation triggers, can add ``previous.status`` beside them.
"""

from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import Any

from django.utils import timezone

from frontline.core.conditions import Field, Kind
from frontline.customers.models import IdentityKind, Tier
from frontline.tickets.models import Channel, Message, Priority, Status, Ticket
from frontline.triage.models import MessageSignal, SentimentLabel

FIELDS: dict[str, Field] = {
    "subject": Field(Kind.TEXT, "The ticket's subject."),
    "body": Field(Kind.TEXT, "The text of the first message (without quoted history)."),
    "channel": Field(Kind.CHOICE, "Where the ticket came from.", tuple(Channel.values)),
    "priority": Field(Kind.CHOICE, "The ticket's priority.", tuple(Priority.values)),
    "status": Field(Kind.CHOICE, "The ticket's status.", tuple(Status.values)),
    "category": Field(Kind.TEXT, "The category's slug, e.g. billing."),
    "team": Field(Kind.TEXT, "The team's slug, e.g. tier-1."),
    "tags": Field(Kind.LIST, "Tags set so far (by earlier rules); the creator's come after."),
    "sender.email": Field(Kind.TEXT, "The customer's primary email address."),
    "sender.domain": Field(Kind.TEXT, "The domain of that address, e.g. example.com."),
    "customer.name": Field(Kind.TEXT, "The customer's name."),
    "customer.language": Field(Kind.TEXT, "The customer's preferred language code."),
    "customer.is_vip": Field(Kind.BOOLEAN, "Whether the customer is a VIP."),
    "customer.time_zone": Field(Kind.TEXT, "The customer's time zone, e.g. Europe/Berlin."),
    "organisation.name": Field(Kind.TEXT, "The customer's organisation."),
    "organisation.tier": Field(Kind.CHOICE, "The organisation's tier.", tuple(Tier.values)),
    "organisation.domains": Field(Kind.LIST, "The organisation's email domains."),
    "language": Field(Kind.TEXT, "The detected language of the first message, e.g. de."),
    "language_confidence": Field(Kind.NUMBER, "How sure the detection is, 0 to 1."),
    "sentiment": Field(Kind.NUMBER, "Sentiment of the first message, -1 to 1 (English)."),
    "sentiment_label": Field(
        Kind.CHOICE, "negative, neutral or positive.", tuple(SentimentLabel.values)
    ),
    "created_at": Field(Kind.DATETIME, "When the ticket was opened."),
    "now": Field(Kind.DATETIME, "The moment the rule is checked."),
}
# Custom attributes are open-ended: ``customer.attributes.<key>`` and
# ``organisation.attributes.<key>`` are accepted as text, number or yes/no.
ATTRIBUTE_PREFIXES = ("customer.attributes.", "organisation.attributes.")


class FieldCatalogue(Mapping[str, Field]):
    """``FIELDS`` plus any custom attribute name, for ``conditions.validate``."""

    def __getitem__(self, name: str) -> Field:
        if name in FIELDS:
            return FIELDS[name]
        if name.startswith(ATTRIBUTE_PREFIXES) and len(name.split(".")) == 3:
            return Field(Kind.TEXT, "A custom attribute.")
        raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        return iter(FIELDS)

    def __len__(self) -> int:
        return len(FIELDS)


CATALOGUE = FieldCatalogue()


class TicketFacts(Mapping[str, Any]):
    """The facts of one ticket, each computed on first use."""

    def __init__(self, readers: dict[str, Callable[[], Any]]) -> None:
        self._readers = readers
        self._values: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._values:
            reader = self._readers.get(name)
            if reader is None:
                raise KeyError(name)
            self._values[name] = reader()
        return self._values[name]

    def __contains__(self, name: object) -> bool:
        return name in self._readers

    def __iter__(self) -> Iterator[str]:
        return iter(self._readers)

    def __len__(self) -> int:
        return len(self._readers)


def ticket_facts(
    ticket: Ticket,
    *,
    message: Message | None,
    signal: MessageSignal | None,
    now: datetime | None = None,
    tags: list[str] | None = None,
    sender: str | None = None,
) -> TicketFacts:
    """Facts about ``ticket`` whose request is ``message``; ``tags`` and ``sender`` when the
    caller already has them (a preview of many tickets), else each is one query on use."""
    moment = now or timezone.now()
    customer = ticket.customer
    readers: dict[str, Callable[[], Any]] = {
        "subject": lambda: ticket.subject,
        "body": lambda: _text(message),
        "channel": lambda: ticket.channel,
        "priority": lambda: ticket.priority,
        "status": lambda: ticket.status,
        "category": lambda: ticket.category.slug if ticket.category else None,
        "team": lambda: ticket.team.slug if ticket.team else None,
        "tags": (lambda: tags) if tags is not None else lambda: _tags(ticket),
        "sender.email": (lambda: sender) if sender is not None else lambda: _sender(ticket),
        "customer.name": lambda: customer.name,
        "customer.language": lambda: customer.language,
        "customer.is_vip": lambda: customer.is_vip,
        "customer.time_zone": lambda: customer.time_zone,
        "customer.attributes": lambda: customer.custom_attributes,
        "organisation.name": lambda: _organisation(ticket, "name"),
        "organisation.tier": lambda: _organisation(ticket, "tier"),
        "organisation.attributes": lambda: _organisation(ticket, "custom_attributes"),
        "organisation.domains": lambda: _domains(ticket),
        "language": lambda: (signal.language if signal else "") or None,
        "language_confidence": lambda: signal.language_confidence if signal else None,
        "sentiment": lambda: signal.sentiment if signal else None,
        "sentiment_label": lambda: (signal.sentiment_label if signal else "") or None,
        "created_at": lambda: ticket.created_at,
        "now": lambda: moment,
    }
    facts = TicketFacts(readers)
    readers["sender.domain"] = lambda: _domain(facts["sender.email"])
    return facts


def _text(message: Message | None) -> str:
    if message is None:
        return ""
    return message.visible_text or message.body_text


def _tags(ticket: Ticket) -> list[str]:
    return list(ticket.tags.values_list("name", flat=True))


def _sender(ticket: Ticket) -> str | None:
    return (
        ticket.customer.identities.filter(kind=IdentityKind.EMAIL)
        .order_by("-is_primary", "id")
        .values_list("value", flat=True)
        .first()
    )


def _domain(address: Any) -> str | None:
    if not isinstance(address, str) or "@" not in address:
        return None
    return address.rsplit("@", 1)[1].lower()


def _organisation(ticket: Ticket, name: str) -> Any:
    if ticket.organisation_id is None:
        return None
    organisation = ticket.organisation
    return getattr(organisation, name) if organisation is not None else None


def _domains(ticket: Ticket) -> list[str]:
    if ticket.organisation_id is None:
        return []
    from frontline.customers.models import OrganisationDomain

    found = OrganisationDomain.objects.filter(organisation_id=ticket.organisation_id)
    return list(found.values_list("domain", flat=True))


def first_message_ids(ticket_ids: list[int]) -> dict[int, int]:
    """Each ticket's request: its first inbound message, read with one query."""
    from django.db.models import Min

    rows = (
        Message.objects.filter(ticket_id__in=ticket_ids, direction="inbound")
        .values("ticket_id")
        .annotate(first=Min("id"))
    )
    return {row["ticket_id"]: row["first"] for row in rows}


def facts_for_tickets(
    tickets: list[Ticket], *, now: datetime
) -> Iterator[tuple[Ticket, TicketFacts]]:
    """Facts of many tickets (tags prefetched) in a fixed number of queries."""
    firsts = first_message_ids([t.pk for t in tickets])
    messages = Message.objects.in_bulk(list(firsts.values()))
    signals = {s.message_id: s for s in MessageSignal.objects.filter(message_id__in=messages)}
    senders: dict[int, str] = {}
    from frontline.customers.models import Identity

    identities = Identity.objects.filter(
        customer_id__in={t.customer_id for t in tickets}, kind=IdentityKind.EMAIL
    ).order_by("-is_primary", "id")
    for identity in identities:
        senders.setdefault(identity.customer_id, identity.value)
    for ticket in tickets:
        first = firsts.get(ticket.pk)
        message = messages.get(first) if first else None
        yield (
            ticket,
            ticket_facts(
                ticket,
                message=message,
                signal=signals.get(first) if first else None,
                now=now,
                tags=[tag.name for tag in ticket.tags.all()],
                sender=senders.get(ticket.customer_id, ""),
            ),
        )
