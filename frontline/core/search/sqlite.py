"""SQLite FTS5: one virtual table per index, rowid = the object's id, bm25 ranking with
title above extra above body above private."""

import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.backends.utils import CursorWrapper

from frontline.core.search.documents import Document
from frontline.core.search.query import Query
from frontline.core.search.snippets import START, STOP

COLUMNS = ("title", "extra", "body", "private")
WEIGHTS = "10.0, 4.0, 1.0, 0.5"
_PUBLIC = "{title extra body}"


def create_sql(table: str, *, prefixes: bool) -> list[str]:
    prefix = ", prefix='2 3'" if prefixes else ""
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5("
        "title, extra, body, private, language UNINDEXED, "
        f"tokenize='porter unicode61 remove_diacritics 2'{prefix})"
    ]


def drop_sql(table: str) -> list[str]:
    return [f"DROP TABLE IF EXISTS {table}"]


def _quoted(word: str) -> str | None:
    tokens = re.findall(r"\w+", word)
    return '"' + " ".join(tokens) + '"' if tokens else None


def match_expression(query: Query, *, match: str, include_private: bool) -> str | None:
    """The FTS5 MATCH string: every word quoted (so nothing typed is an operator)."""
    terms = [q for q in (_quoted(w) for w in query.terms) if q]
    if query.prefix and terms:
        terms[-1] += "*"
    positives = [*terms, *(q for q in (_quoted(p) for p in query.phrases) if q)]
    if not positives:
        return None
    joined = f" {'OR' if match == 'any' else 'AND'} ".join(positives)
    expression = f"({joined})"
    for word in query.excluded:
        quoted = _quoted(word)
        if quoted:
            expression += f" NOT {quoted}"
    if not include_private:
        expression = f"{_PUBLIC} : ({expression})"
    return expression


def upsert(cursor: CursorWrapper, table: str, documents: Sequence[Document]) -> None:
    ids = [(d.object_id,) for d in documents]
    cursor.executemany(f"DELETE FROM {table} WHERE rowid = %s", ids)
    cursor.executemany(
        f"INSERT INTO {table} (rowid, title, extra, body, private, language) "
        "VALUES (%s, %s, %s, %s, %s, %s)",
        [(d.object_id, d.title, d.extra, d.body, d.private, d.language) for d in documents],
    )


def delete(cursor: CursorWrapper, table: str, ids: Sequence[int]) -> None:
    cursor.executemany(f"DELETE FROM {table} WHERE rowid = %s", [(i,) for i in ids])


def correlated_row(table: str) -> str | None:
    """The scope is checked match by match, by primary key: given ``rowid IN (scope)``,
    SQLite runs the full-text query once per row of the scope instead."""
    return f"{table}.rowid"


# Up to this many scope ids are matched one by one (FTS5 seeks each in the doclists).
FEW_IDS = 200


def ids_condition(table: str, ids: Sequence[int]) -> tuple[str, list[Any]]:
    return f"{table}.rowid IN ({', '.join(['%s'] * len(ids))})", list(ids)


def scope_condition(table: str, scope: tuple[str, Sequence[Any]]) -> tuple[str, list[Any]]:
    return f"EXISTS ({scope[0]})", list(scope[1])


def ranked_ids(
    cursor: CursorWrapper,
    table: str,
    expression: str,
    *,
    scope: tuple[str, Sequence[Any]] | None,
    candidates: int,
    limit: int,
    offset: int,
) -> list[tuple[int, float]]:
    """Rank the newest ``candidates`` matches (FTS5 walks its doclists in rowid order, so
    the cost is bounded however common the word) and return one page of them."""
    where, params = f"{table} MATCH %s", [expression]
    if scope is not None:
        where += f" AND {scope[0]}"
        params.extend(scope[1])
    cursor.execute(
        f"SELECT id, score FROM (SELECT rowid AS id, bm25({table}, {WEIGHTS}) AS score "
        f"FROM {table} WHERE {where} ORDER BY rowid DESC LIMIT %s) "
        "ORDER BY score, id DESC LIMIT %s OFFSET %s",
        [*params, candidates, limit, offset],
    )
    # bm25 is lower-is-better; the module's scores are higher-is-better.
    return [(row[0], -float(row[1])) for row in cursor.fetchall()]


def snippets(
    cursor: CursorWrapper, table: str, expression: str, ids: Sequence[int], *, private: bool
) -> dict[int, str]:
    if not ids:
        return {}
    # -1: the column with the most matches; for customers only public columns can match.
    column = -1
    marks = ", ".join(["%s"] * len(ids))
    cursor.execute(
        f"SELECT rowid, snippet({table}, {column}, %s, %s, '…', 24), title FROM {table} "
        f"WHERE {table} MATCH %s AND rowid IN ({marks})",
        [START, STOP, expression, *ids],
    )
    return {row[0]: row[1] or row[2] for row in cursor.fetchall()}


def stored(cursor: CursorWrapper, table: str, ids: Sequence[int]) -> Iterable[Document]:
    marks = ", ".join(["%s"] * len(ids))
    cursor.execute(
        f"SELECT rowid, title, body, extra, private, language FROM {table} "
        f"WHERE rowid IN ({marks})",
        list(ids),
    )
    return [Document(*row) for row in cursor.fetchall()]


def ids_sql(table: str) -> str:
    return f"SELECT rowid FROM {table} WHERE rowid > %s ORDER BY rowid LIMIT %s"
