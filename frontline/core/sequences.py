"""Gap-tolerant counters shared by all processes through the database."""

from django.db import connection, transaction

from frontline.core.models import Sequence


def next_value(name: str, *, start: int = 1) -> int:
    """Return the next value of the named counter, creating it at ``start``.

    One UPDATE ... RETURNING row lock, held until the surrounding transaction commits, so
    two writers never receive the same value on SQLite or PostgreSQL. No savepoint of its
    own: nothing here is undone alone (``get_or_create`` keeps its own), and a savepoint cost
    two statements on every ticket opened.
    """
    table = Sequence._meta.db_table
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET value = value + 1 WHERE name = %s RETURNING value",  # noqa: S608
            [name],
        )
        row = cursor.fetchone()
        if row is not None:
            return int(row[0])
        Sequence.objects.get_or_create(name=name, defaults={"value": start - 1})
        cursor.execute(
            f"UPDATE {table} SET value = value + 1 WHERE name = %s RETURNING value",  # noqa: S608
            [name],
        )
        row = cursor.fetchone()
        assert row is not None  # noqa: S101 - the row was created just above
        return int(row[0])


def set_at_least(name: str, value: int) -> None:
    """Make sure the counter will hand out numbers above ``value`` (after bulk loads)."""
    seq, _ = Sequence.objects.get_or_create(name=name, defaults={"value": value})
    if seq.value < value:
        Sequence.objects.filter(pk=seq.pk, value__lt=value).update(value=value)
