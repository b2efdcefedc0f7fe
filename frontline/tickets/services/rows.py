"""Writing many rows of one model with one statement per batch, without the ORM
compiler's work for every value, which costs more than the database's own for the wide
rows of a ticket import (about half the time of inserting a message row).

The values are those ``save`` writes: each field's ``pre_save`` (``auto_now``, files)
and ``get_db_prep_save``."""

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import (
    BooleanField,
    CharField,
    Field,
    ForeignKey,
    IntegerField,
    Model,
    TextField,
)
from django.db.models.constants import OnConflict

M = TypeVar("M", bound=Model)


def insert_rows(rows: Iterable[M], *, ignore_conflicts: bool = False) -> list[M]:
    """``bulk_create``: the rows get their primary keys (none with ``ignore_conflicts``,
    which skips rows that would break a unique constraint)."""
    rows = list(rows)
    if not rows:
        return rows
    connection = transaction.get_connection()
    meta = type(rows[0])._meta
    fields = [f for f in meta.concrete_fields if not f.generated and f is not meta.auto_field]
    ops, quote = connection.ops, connection.ops.quote_name
    conflict = OnConflict.IGNORE if ignore_conflicts else None
    columns = ", ".join(quote(str(field.column)) for field in fields)
    head = (
        f"{ops.insert_statement(on_conflict=conflict)} {quote(meta.db_table)} ({columns}) VALUES "
    )
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    if ignore_conflicts:
        tail = ops.on_conflict_suffix_sql(fields, conflict, None, None)
    else:
        # SQLite 3.35+ and PostgreSQL: what bulk_create relies on for the keys too.
        assert connection.features.can_return_rows_from_bulk_insert  # noqa: S101
        tail = f"RETURNING {quote(str(meta.pk.column if meta.pk else 'id'))}"
    size = max(1, ops.bulk_batch_size(fields, rows))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            values = _values(chunk, fields, connection)
            cursor.execute(f"{head}{', '.join([one] * len(chunk))} {tail}", values)
            if not ignore_conflicts:
                _read_keys(chunk, cursor.fetchall())
    for row in rows:
        row._state.adding, row._state.db = False, connection.alias
    return rows


def update_rows(rows: Sequence[Model], fields: Sequence[str]) -> None:
    """``bulk_update`` without its CASE expression, which costs more to build than the
    rows cost to write: one UPDATE by primary key, executed for all the rows at once."""
    if not rows:
        return
    connection = transaction.get_connection()
    meta = type(rows[0])._meta
    concrete = {field.name: field for field in meta.concrete_fields}
    columns = [concrete[name] for name in fields]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(str(column.column))} = %s" for column in columns)
    pk = meta.pk
    assert pk is not None  # noqa: S101 - every model has one
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(str(pk.column))} = %s"  # noqa: S608 - names from _meta
    params = [
        [c.get_db_prep_save(getattr(row, c.attname), connection) for c in columns] + [row.pk]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


# Values these fields store as they are (what get_db_prep_save returns for them).
_AS_IS: tuple[tuple[type[Field], type], ...] = (  # type: ignore[type-arg]
    (CharField, str),
    (TextField, str),
    (IntegerField, int),
    (ForeignKey, int),
    (BooleanField, bool),
)


def _values(rows: Sequence[Model], fields: Sequence[Field], connection: Any) -> list[Any]:  # type: ignore[type-arg]
    plain = [
        next((kind for field_type, kind in _AS_IS if isinstance(field, field_type)), None)
        for field in fields
    ]
    values = []
    for row in rows:
        for field, kind in zip(fields, plain, strict=True):
            value = field.pre_save(row, True)
            if kind is None or type(value) is not kind:
                value = field.get_db_prep_save(value, connection)
            values.append(value)
    return values


def _read_keys(rows: Sequence[Model], returned: Sequence[Sequence[object]]) -> None:
    pk = type(rows[0])._meta.pk
    assert pk is not None  # noqa: S101 - every model has one
    for row, (value,) in zip(rows, returned, strict=True):
        setattr(row, pk.attname, value)
