"""Tickets in the search module's ``tickets`` index: the subject as the title, every public
message as the body, internal notes as private text, and the names, addresses, number, tags
and category an agent searches by as extra.

The handlers below re-index a ticket on every event that changes those words, inside the
event's transaction (``frontline/events.py``), so a ticket created a moment ago is found at
once and a rolled-back write leaves nothing behind. Writers that bypass events (the demo)
call ``index_tickets`` themselves or rebuild with ``frontline search reindex``.
"""

from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db.models import IntegerField, QuerySet, Value

from frontline.core.actors import Actor
from frontline.core.search import TICKETS, Document, index_documents, remove_documents
from frontline.customers.models import Customer, Identity, Organisation
from frontline.tickets.models import EventType, Message, MessageKind, Ticket, TicketEvent

BATCH = 1000


def _language() -> str:
    return settings.LANGUAGE_CODE.split("-")[0].lower()


def _texts(ids: Sequence[int]) -> dict[int, tuple[list[str], list[str]]]:
    """Each ticket's public texts and its notes, in the order they were written."""
    texts: dict[int, tuple[list[str], list[str]]] = {}
    rows = (
        Message.objects.filter(ticket_id__in=ids)
        .order_by("ticket_id", "created_at", "id")
        .values_list("ticket_id", "kind", "visible_text", "body_text")
    )
    for ticket_id, kind, visible, body in rows:
        public, notes = texts.setdefault(ticket_id, ([], []))
        (notes if kind == MessageKind.NOTE else public).append(visible or body)
    return texts


_TAG, _ADDRESS = 0, 1


def _labels(ids: Sequence[int]) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """Tags per ticket and identities (emails, phones…) per customer, in one query."""
    kind = {"output_field": IntegerField()}
    tags = (
        Ticket.tags.through.objects.filter(ticket_id__in=ids)  # type: ignore[misc]
        .order_by()
        .annotate(source=Value(_TAG, **kind))
        .values_list("source", "ticket_id", "tag__name")
    )
    addresses = (
        Identity.objects.filter(customer__tickets__pk__in=ids)
        .order_by()
        .annotate(source=Value(_ADDRESS, **kind))
        .values_list("source", "customer_id", "value")
        .distinct()
    )
    found: tuple[dict[int, list[str]], dict[int, list[str]]] = ({}, {})
    for which, owner, text in tags.union(addresses, all=True):
        found[which].setdefault(owner, []).append(text)
    for names in (*found[_TAG].values(), *found[_ADDRESS].values()):
        names.sort()
    return found


def ticket_documents(ids: Sequence[int]) -> list[Document]:
    """The documents of those of ``ids`` that exist, in id order: three queries a batch."""
    ids = list(ids)
    if not ids:
        return []
    tickets = list(
        Ticket.objects.filter(pk__in=ids)
        .select_related("customer", "organisation", "category")
        .only(
            "number",
            "subject",
            "customer__name",
            "organisation__name",
            "category__name",
        )
        .order_by("pk")
    )
    texts = _texts(ids)
    tags, addresses = _labels(ids)
    language = _language()
    documents = []
    for ticket in tickets:
        public, notes = texts.get(ticket.pk, ([], []))
        extra = [
            str(ticket.number),
            f"#{ticket.number}",
            ticket.customer.name,
            *addresses.get(ticket.customer_id, []),
            ticket.organisation.name if ticket.organisation else "",
            *tags.get(ticket.pk, []),
            ticket.category.name if ticket.category else "",
        ]
        documents.append(
            Document(
                object_id=ticket.pk,
                title=ticket.subject,
                body="\n\n".join(t for t in public if t),
                extra=" ".join(e for e in extra if e),
                private="\n\n".join(t for t in notes if t),
                language=language,
            )
        )
    return documents


def index_tickets(ids: Iterable[int]) -> None:
    """(Re)index these tickets in the current transaction; ids that are gone are removed."""
    wanted = sorted(set(ids))
    documents = ticket_documents(wanted)
    index_documents(TICKETS, documents)
    remove_documents(TICKETS, sorted(set(wanted) - {d.object_id for d in documents}))


def unindex_tickets(ids: Sequence[int]) -> None:
    """Before deleting tickets: their documents go too."""
    remove_documents(TICKETS, list(ids))


def _wants_index(event: TicketEvent, ticket: Ticket) -> bool:
    # A new ticket's first message is counted on the row before it is written; the message's
    # own event follows in the transaction and indexes the ticket once, with its words.
    return not (event.type == EventType.CREATED and ticket.message_count > 0)


def index_ticket_after_event(*, event: TicketEvent, ticket: Ticket) -> None:
    """Registered for every ticket event that changes the indexed words."""
    if _wants_index(event, ticket):
        index_tickets([ticket.pk])


def index_tickets_after_events(pairs: Sequence[tuple[TicketEvent, Ticket]]) -> None:
    """The batch form (``tickets.events.record_many``): each ticket once."""
    index_tickets({ticket.pk for event, ticket in pairs if _wants_index(event, ticket)})


def _index_in_batches(tickets: QuerySet[Ticket]) -> None:
    ids = list(tickets.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        index_tickets(ids[start : start + BATCH])


def index_customer_tickets(*, customer: Customer) -> None:
    """A customer's name or addresses changed: their tickets' documents follow."""
    _index_in_batches(Ticket.objects.filter(customer=customer))


def index_organisation_tickets(*, organisation: Organisation) -> None:
    _index_in_batches(Ticket.objects.filter(organisation=organisation))


def index_merged_customer_tickets(*, source: Customer, target: Customer, actor: Actor) -> None:
    """The surviving customer gained the merged one's addresses (and tickets)."""
    _index_in_batches(Ticket.objects.filter(customer=target))


class _TicketSource:
    index = TICKETS

    def all_ids(self) -> Iterable[int]:
        return Ticket.objects.order_by("pk").values_list("pk", flat=True).iterator()

    def documents(self, ids: Sequence[int]) -> list[Document]:
        return ticket_documents(ids)


TICKET_SOURCE = _TicketSource()
