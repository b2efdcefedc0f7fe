"""The facts triggers test: triage's ticket facts (``frontline/triage/facts.py``) plus what
only an event can tell: which event it was, the values before the change, the newest
message, who made the change, the SLA target that warned or breached, the survey answer.

Every fact is read lazily, so a trigger that tests only the priority costs no query for
the newest message or the tags.
"""

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection

from frontline.accounts.models import Team, User
from frontline.automation.models import TriggerEvent
from frontline.core.conditions import Field, Kind
from frontline.sla.models import TargetKind
from frontline.tickets.models import (
    AuthorType,
    Category,
    Message,
    Priority,
    Status,
    Tag,
    Ticket,
)
from frontline.triage.facts import FIELDS, FieldCatalogue, TicketFacts, ticket_facts
from frontline.triage.models import MessageSignal

# Read by triage from its own batch when a dry run checks many tickets at once.
REQUEST_FACTS = ("tags", "body", "language", "language_confidence", "sentiment", "sentiment_label")
CHANGEABLE = ("status", "priority", "team", "assignee", "category", "tags", "subject")

TRIGGER_FIELDS: dict[str, Field] = {
    **FIELDS,
    "event": Field(Kind.CHOICE, "The trigger event being handled.", tuple(TriggerEvent.values)),
    "events": Field(Kind.LIST, "Every trigger event of this change (created, updated…)."),
    "changes": Field(Kind.LIST, f"Fields this change touched: {', '.join(CHANGEABLE)}."),
    "previous.status": Field(Kind.CHOICE, "The status before this change.", tuple(Status.values)),
    "previous.priority": Field(
        Kind.CHOICE, "The priority before this change.", tuple(Priority.values)
    ),
    "previous.team": Field(Kind.TEXT, "The team's slug before this change."),
    "previous.assignee": Field(Kind.TEXT, "The assignee's email before this change."),
    "previous.category": Field(Kind.TEXT, "The category's slug before this change."),
    "assignee": Field(Kind.TEXT, "The assignee's email address."),
    "message.body": Field(Kind.TEXT, "The text of the newest message of this change."),
    "message.author_type": Field(
        Kind.CHOICE, "Who wrote the newest message.", tuple(AuthorType.values)
    ),
    "message.is_public": Field(Kind.BOOLEAN, "Whether the newest message is a public reply."),
    "updated_by": Field(
        Kind.CHOICE,
        "Who made the change: agent, customer, system or bot.",
        tuple(AuthorType.values),
    ),
    "sla.target": Field(
        Kind.CHOICE, "The SLA target that warned or breached.", tuple(TargetKind.values)
    ),
    "survey.score": Field(Kind.NUMBER, "The score of the survey answer."),
    "survey.comment": Field(Kind.TEXT, "The comment of the survey answer."),
}


class TriggerCatalogue(FieldCatalogue):
    """``TRIGGER_FIELDS`` plus the custom attributes, for ``conditions.validate``."""

    def __getitem__(self, name: str) -> Field:
        if name in TRIGGER_FIELDS:
            return TRIGGER_FIELDS[name]
        return super().__getitem__(name)

    def __iter__(self) -> Iterator[str]:
        return iter(TRIGGER_FIELDS)

    def __len__(self) -> int:
        return len(TRIGGER_FIELDS)


CATALOGUE = TriggerCatalogue()


@dataclass
class Change:
    """What one committed transaction (or SLA alert, or survey answer) did to a ticket, as
    the collector saw it: the trigger events, the values before, the newest message."""

    ticket_id: int
    kinds: list[str] = field(default_factory=list)
    previous: dict[str, Any] = field(default_factory=dict)
    changed: list[str] = field(default_factory=list)
    message_id: int | None = None
    updated_by: str = ""
    sla_target: str = ""
    survey: dict[str, Any] = field(default_factory=dict)
    chain: list[int] = field(default_factory=list)
    depth: int = 0

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class TriggerFacts(Mapping[str, Any]):
    """Triage's lazy ticket facts under the event's own, which win."""

    def __init__(self, base: TicketFacts, extra: dict[str, Callable[[], Any]]) -> None:
        self._base = base
        self._extra = extra
        self._values: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name in self._extra:
            if name not in self._values:
                self._values[name] = self._extra[name]()
            return self._values[name]
        return self._base[name]

    def __contains__(self, name: object) -> bool:
        return name in self._extra or name in self._base

    def __iter__(self) -> Iterator[str]:
        yield from self._extra
        yield from (name for name in self._base if name not in self._extra)

    def __len__(self) -> int:
        return len(set(self._extra) | set(self._base))

    def set_event(self, kind: str) -> None:
        """``event`` is the one the trigger being checked listens for."""
        self._values["event"] = kind


def trigger_facts(
    ticket: Ticket, change: Change, *, now: datetime, base: TicketFacts | None = None
) -> TriggerFacts:
    """Facts about ``ticket`` after ``change``; ``ticket`` comes with its customer,
    organisation, team, category and assignee (one query). ``base``: triage's facts when
    the caller read them for many tickets at once (a dry run)."""
    request_facts = base is None
    base = base or ticket_facts(ticket, message=None, signal=None, now=now)
    request: dict[str, Any] = {}

    def first() -> tuple[Message | None, MessageSignal | None]:
        if "pair" not in request:
            message = (
                Message.objects.filter(ticket_id=ticket.pk, direction="inbound")
                .order_by("id")
                .first()
            )
            signal = MessageSignal.objects.filter(message=message).first() if message else None
            request["pair"] = (message, signal)
        pair: tuple[Message | None, MessageSignal | None] = request["pair"]
        return pair

    def newest() -> Message | None:
        if "newest" not in request:
            found = Message.objects.filter(ticket_id=ticket.pk)
            if change.message_id is not None:
                found = found.filter(pk=change.message_id)
            request["newest"] = found.order_by("-id").first()
        message: Message | None = request["newest"]
        return message

    def signal_value(name: str) -> Any:
        signal = first()[1]
        return (getattr(signal, name) or None) if signal is not None else None

    previous = change.previous
    extra: dict[str, Callable[[], Any]] = {
        "tags": lambda: _tags(ticket.pk),
        "body": lambda: _text(first()[0]),
        "language": lambda: signal_value("language"),
        "language_confidence": lambda: signal_value("language_confidence"),
        "sentiment": lambda: signal_value("sentiment"),
        "sentiment_label": lambda: signal_value("sentiment_label"),
        "event": lambda: change.kinds[0] if change.kinds else None,
        "events": lambda: list(change.kinds),
        "changes": lambda: list(change.changed),
        "previous.status": lambda: previous.get("status", ticket.status),
        "previous.priority": lambda: previous.get("priority", ticket.priority),
        "previous.team": lambda: _slug(Team, previous, "team", ticket.team),
        "previous.assignee": lambda: _previous_assignee(previous, ticket),
        "previous.category": lambda: _slug(Category, previous, "category", ticket.category),
        "assignee": lambda: ticket.assignee.email if ticket.assignee else None,
        "message.body": lambda: _text(newest()),
        "message.author_type": lambda: _author_type(newest()),
        "message.is_public": lambda: _is_public(newest()),
        "updated_by": lambda: change.updated_by or None,
        "sla.target": lambda: change.sla_target or None,
        "survey.score": lambda: change.survey.get("score"),
        "survey.comment": lambda: change.survey.get("comment"),
    }
    if not request_facts:
        for name in (
            "tags",
            "body",
            "language",
            "language_confidence",
            "sentiment",
            "sentiment_label",
        ):
            del extra[name]
    return TriggerFacts(base, extra)


def _tags(ticket_id: int) -> list[str]:
    """The ticket's tag names, in a query written out: triggers read them on nearly every
    change, and the ORM takes longer to build this query than the database to answer it."""
    through = Ticket.tags.through._meta
    tag = Tag._meta
    quote = connection.ops.quote_name
    sql = (
        f"SELECT t.{quote('name')} FROM {quote(tag.db_table)} t "  # noqa: S608 - names only
        f"JOIN {quote(through.db_table)} tt ON tt.{quote('tag_id')} = t.{quote('id')} "
        f"WHERE tt.{quote('ticket_id')} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [ticket_id])
        return [row[0] for row in cursor.fetchall()]


def _text(message: Message | None) -> str:
    if message is None:
        return ""
    return message.visible_text or message.body_text


def _author_type(message: Message | None) -> str | None:
    return message.author_type if message is not None else None


def _is_public(message: Message | None) -> bool | None:
    return message.kind == "reply" if message is not None else None


def _slug(model: type[Team] | type[Category], previous: dict[str, Any], name: str, now: Any) -> Any:
    if name not in previous:
        return now.slug if now is not None else None
    old = previous[name]
    if old is None:
        return None
    return model.objects.filter(pk=old).values_list("slug", flat=True).first()


def _previous_assignee(previous: dict[str, Any], ticket: Ticket) -> str | None:
    if "assignee" not in previous:
        return ticket.assignee.email if ticket.assignee else None
    old = previous["assignee"]
    if old is None:
        return None
    found: str | None = User.objects.filter(pk=old).values_list("email", flat=True).first()
    return found
