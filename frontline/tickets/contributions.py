"""What other apps contribute to the ticket page, the inbox row and the ticket API.

The list is ``frontline/contributions.py``, read by name the first time it is needed
(``core.contributions``), so this app depends on none of them (NetBox's template
extensions work the same way). Each kind of contribution has a shape here:

- ``TicketPanel``: a side panel of the ticket page, a template with the page's context.
- ``MessageFooter``: a line beneath a message in the staff timeline (e.g. how its email
  fared), from a related row fetched with the messages.
- ``core.contributions.DetailField`` under ``"ticket.detail_fields"``: a field of
  ``TicketDetailOut`` with its type and how to read it.
- ``DueTime``: when the ticket's next commitment falls due, for the "due" sort and filter
  and the rows' badge.
- ``ComposerTool``: something drawn inside the reply form (the macro picker), and
  ``ReplyAction``: what it does once the reply form's message is written, in the same
  transaction, from the form's posted fields (the picked macro's changes).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from django.db.models import QuerySet

from frontline.core.actors import Actor
from frontline.core.contributions import entries
from frontline.tickets.models import Message, Ticket


@dataclass(frozen=True)
class TicketPanel:
    template: str


class MessageFooter(Protocol):
    # The related row the footer reads (a reverse one-to-one on Message) and its columns.
    related: str
    fields: tuple[str, ...]

    def render(self, row: Any, *, ticket_number: int, csrf_token: str) -> str:
        """Escaped HTML for ``row``, the message's related object."""


class DueTime(Protocol):
    def annotate(
        self, tickets: QuerySet[Ticket], *, name: str, never: datetime
    ) -> QuerySet[Ticket]:
        """Add ``name``: the next due time, or ``never`` for a ticket with none."""

    def due_before(self, tickets: QuerySet[Ticket], when: datetime) -> QuerySet[Ticket]: ...

    def split(self, tickets: QuerySet[Ticket]) -> tuple[QuerySet[Ticket], QuerySet[Ticket], str]:
        """The tickets with a due time, those without, and the indexed column (a lookup
        path) to order the first by; for reading a due-first order in two index walks."""

    def due_at(self, ticket: Ticket) -> datetime | None:
        """The due time of one ticket read by ``row_relations``, with no query."""

    def lookup(self, ticket: Ticket) -> datetime | None:
        """The due time of one ticket, read from the database."""

    row_relations: tuple[str, ...]


class NoDueTime:
    """No app keeps due times: nothing is ever due."""

    row_relations: tuple[str, ...] = ()

    def annotate(
        self, tickets: QuerySet[Ticket], *, name: str, never: datetime
    ) -> QuerySet[Ticket]:
        from django.db.models import DateTimeField, Value

        return tickets.annotate(**{name: Value(never, output_field=DateTimeField())})

    def due_before(self, tickets: QuerySet[Ticket], when: datetime) -> QuerySet[Ticket]:
        return tickets.none()

    def split(self, tickets: QuerySet[Ticket]) -> tuple[QuerySet[Ticket], QuerySet[Ticket], str]:
        return tickets.none(), tickets, "id"

    def due_at(self, ticket: Ticket) -> datetime | None:
        return None

    def lookup(self, ticket: Ticket) -> datetime | None:
        return None


class ComposerTool(Protocol):
    def render(self, request: Any, *, ticket: Ticket) -> str:
        """Escaped HTML inside the reply form, for the request's agent."""


class ReplyAction(Protocol):
    def after_reply(
        self, data: Mapping[str, Any], *, ticket: Ticket, message: Message, actor: Actor
    ) -> None:
        """React to a reply sent from the reply form with its posted ``data``; raise a
        ``FrontlineError`` to refuse the reply (it is not written)."""


def composer_tools() -> tuple[ComposerTool, ...]:
    return entries("composer.tools")


def reply_actions() -> tuple[ReplyAction, ...]:
    return entries("composer.reply_actions")


def ticket_panels() -> tuple[TicketPanel, ...]:
    return entries("ticket.panels")


def message_footers() -> tuple[MessageFooter, ...]:
    return entries("message.footers")


def due_time() -> DueTime:
    found = entries("ticket.due_time")
    return found[0] if found else NoDueTime()


def with_footer_rows(messages: QuerySet[Message], *, only: Sequence[str] = ()) -> QuerySet[Message]:
    """``messages`` with every footer's related row joined; with ``only``, just those of the
    message's columns and the footers' own."""
    footers = message_footers()
    if not footers:
        return messages
    joined = messages.select_related(*(f.related for f in footers))
    if not only:
        return joined
    columns = [f"{f.related}__{name}" for f in footers for name in f.fields]
    return joined.only(*only, *columns)


def render_footers(message: Message, *, ticket_number: int, csrf_token: str) -> str:
    parts = []
    for footer in message_footers():
        row = getattr(message, footer.related, None)
        if row is not None:
            parts.append(footer.render(row, ticket_number=ticket_number, csrf_token=csrf_token))
    return "".join(parts)
