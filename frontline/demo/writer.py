"""Bulk inserts of prepared rows, straight into the tables, in batches.

``bulk_create`` would do, were it not for two things: ``auto_now``/``auto_now_add`` fields
overwrite the historical ``created_at``/``updated_at`` of every row with the present moment,
and building a million model instances costs more than writing them. So rows arrive as
tuples in a stated field order, with explicit ids handed out here (events carry the ids of
their messages), and go in with ``executemany`` on SQLite or ``COPY`` on PostgreSQL. Values
are converted the way the fields' own ``get_db_prep_save`` would convert them.
"""

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import DateTimeField, JSONField, Max, Model

from frontline.demo.rows import EventRow, History, MessageRow, TicketRow
from frontline.tickets.models import Message, Ticket, TicketEvent

Row = Sequence[Any]

TICKET_FIELDS = (
    "id", "number", "subject", "customer", "organisation", "channel", "status", "priority",
    "category", "custom_fields", "team", "assignee", "parent", "merged_into", "follow_up_of",
    "message_count", "last_message_at", "solved_at", "created_at", "updated_at",
)  # fmt: skip
MESSAGE_FIELDS = (
    "id", "ticket", "kind", "direction", "author_type", "author_user", "author_customer",
    "channel", "body_text", "body_html", "is_automatic", "external_id", "created_at",
)  # fmt: skip
EVENT_FIELDS = (
    "id", "ticket", "type", "actor_type", "actor_user", "actor_customer", "data", "created_at",
)  # fmt: skip


def _column(model_field: Any) -> str:
    column = getattr(model_field, "column", None)
    if not isinstance(column, str):
        raise TypeError(f"{model_field} is not stored in a column of its table.")
    return column


def _default(model_field: Any) -> Any:
    """What a new model instance would hold: the default, "" for text, else NULL."""
    value = model_field.get_default()
    if value is None and not model_field.null:
        raise ValueError(f"{model_field} has no default; name it in the inserted fields.")
    return value


def _sqlite_datetime(value: datetime | None) -> str | None:
    # What the SQLite backend's adapt_datetimefield_value stores: naive UTC, str().
    return None if value is None else str(value.astimezone(UTC).replace(tzinfo=None))


def _json(value: Any) -> str:
    return json.dumps(value)


class BulkWriter:
    """Writes rows of one database; counts what it wrote per table."""

    def __init__(
        self,
        *,
        using: str = DEFAULT_DB_ALIAS,
        batch_size: int = 5000,
        progress: Callable[[str, int], None] | None = None,
    ) -> None:
        self.connection = connections[using]
        self.batch_size = batch_size
        self.progress = progress
        self.counts: Counter[str] = Counter()
        self._next_ids: dict[type[Model], int] = {}

    @property
    def vendor(self) -> str:
        return str(self.connection.vendor)

    def allocate_ids(self, model: type[Model], count: int) -> int:
        """Reserve ``count`` ids above every existing row; returns the first."""
        if model not in self._next_ids:
            highest = model._default_manager.using(self.connection.alias).aggregate(m=Max("pk"))
            self._next_ids[model] = int(highest["m"] or 0) + 1
        first = self._next_ids[model]
        self._next_ids[model] = first + count
        return first

    def insert(self, model: type[Model], fields: Sequence[str], rows: Iterable[Row]) -> int:
        """Insert ``rows`` (values in ``fields`` order). Columns not named get the field's
        default, or NULL; an id not named is left to the database."""
        meta = model._meta
        named = [meta.get_field(name) for name in fields]
        defaults = [
            f
            for f in meta.concrete_fields
            if f not in named
            and not f.primary_key
            and not getattr(f, "auto_created", False)
            and not f.generated
        ]
        constant = tuple(_default(f) for f in defaults)
        columns = [_column(f) for f in [*named, *defaults]]
        adapters = [
            (index, adapt)
            for index, adapt in enumerate(self._adapter(f) for f in [*named, *defaults])
            if adapt is not None
        ]
        table = self.connection.ops.quote_name(meta.db_table)
        quoted = ", ".join(self.connection.ops.quote_name(c) for c in columns)
        written = 0
        iterator = iter(rows)
        while batch := list(islice(iterator, self.batch_size)):
            prepared = [self._prepare((*row, *constant), adapters) for row in batch]
            if self.vendor == "postgresql":
                self._copy(table, quoted, prepared)
            else:
                marks = ", ".join(["%s"] * len(columns))
                with self.connection.cursor() as cursor:
                    sql = f"INSERT INTO {table} ({quoted}) VALUES ({marks})"  # noqa: S608
                    cursor.executemany(sql, prepared)
            written += len(batch)
        self.counts[meta.label] += written
        if self.progress is not None:
            self.progress(meta.label, written)
        return written

    def finish(self, models: Iterable[type[Model]]) -> None:
        """Move PostgreSQL's id sequences past the explicit ids (SQLite follows by itself)."""
        statements = self.connection.ops.sequence_reset_sql(no_style(), list(models))
        with self.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    def analyze(self) -> None:
        """Refresh the query planner's statistics, as after any bulk load: without them
        SQLite guesses, and picks poor plans for large tables."""
        with self.connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def _adapter(self, model_field: Any) -> Callable[[Any], Any] | None:
        if isinstance(model_field, JSONField):
            return _json
        if isinstance(model_field, DateTimeField) and self.vendor == "sqlite":
            return _sqlite_datetime
        return None

    @staticmethod
    def _prepare(row: Row, adapters: list[tuple[int, Callable[[Any], Any]]]) -> list[Any]:
        values = list(row)
        for index, adapt in adapters:
            if values[index] is not None:
                values[index] = adapt(values[index])
        return values

    def _copy(self, table: str, columns: str, rows: list[list[Any]]) -> None:
        with self.connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)


def write_tickets(
    writer: BulkWriter, tickets: Sequence[TicketRow], history: History, tag_ids: dict[str, int]
) -> None:
    """Insert tickets, their tags, messages and events; ids of messages and events are
    handed out here, in time order."""
    history.number(
        first_message_id=writer.allocate_ids(Message, len(history.messages)),
        first_event_id=writer.allocate_ids(TicketEvent, len(history.events)),
    )
    writer.insert(Ticket, TICKET_FIELDS, (_ticket_row(t) for t in tickets))
    tag_rows = ((t.id, tag_ids[name]) for t in tickets for name in t.tags)
    writer.insert(Ticket.tags.through, ("ticket", "tag"), tag_rows)
    writer.insert(Message, MESSAGE_FIELDS, (_message_row(m) for m in history.messages))
    writer.insert(TicketEvent, EVENT_FIELDS, (_event_row(e) for e in history.events))


def _ticket_row(t: TicketRow) -> Row:
    return (
        t.id, t.number, t.subject, t.customer_id, t.organisation_id, t.channel, t.status,
        t.priority, t.category_id, t.custom_fields, t.team_id, t.assignee_id, t.parent_id,
        t.merged_into_id, None, t.message_count, t.last_message_at, t.solved_at, t.created_at,
        t.updated_at,
    )  # fmt: skip


def _message_row(m: MessageRow) -> Row:
    author = m.author
    return (
        m.id, m.ticket.id, m.kind, m.direction, author.kind,
        author.user_id if author.kind == "agent" else None, author.customer_id, m.channel,
        m.body, "", False, m.external_id, m.created_at,
    )  # fmt: skip


def _event_row(e: EventRow) -> Row:
    actor = e.actor
    return (
        e.id, e.ticket.id, e.type, actor.kind,
        actor.user_id if actor.kind == "agent" else None, actor.customer_id, e.data,
        e.created_at,
    )  # fmt: skip


def chunked(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk
