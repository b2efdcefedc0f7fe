"""The search module's one interface, whichever database is underneath: SQLite FTS5 on
the embedded database, PostgreSQL full-text search on PostgreSQL.

Writes go through ``index_documents`` and ``remove_documents`` on the caller's connection
and inside the caller's transaction, so the index never drifts from the rows it mirrors:
a ticket created a moment ago is found at once, and a rolled-back write leaves nothing.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from types import ModuleType
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from frontline.core.search import postgres, sqlite
from frontline.core.search.documents import INDEXES, Document, Hit
from frontline.core.search.query import Query
from frontline.core.search.snippets import START, STOP, to_html

Match = Literal["all", "any"]

# Ranking looks at the newest this-many matches of a search (then orders them by
# relevance), so a word in half a million tickets costs no more than a rare one. Tickets are
# searched for recent work, so a few hundred suffice; the articles index is small, and every
# match of a customer's question is ranked.
CANDIDATES = {"tickets": 300, "articles": 10_000}

TABLES = {name: f"search_{name}" for name in INDEXES}
# Articles are searched as customers type, so their index keeps prefix tables.
PREFIXED = {"articles"}


@dataclass(frozen=True)
class Page:
    hits: list[Hit]
    has_more: bool


def _backend() -> ModuleType:
    return postgres if connection.vendor == "postgresql" else sqlite


def _table(index: str) -> str:
    try:
        return TABLES[index]
    except KeyError:
        raise ValueError(f"No search index {index!r}; there are {', '.join(INDEXES)}.") from None


def create_tables(schema_connection: Any) -> None:
    """Create every index table (the core migration calls this)."""
    backend = postgres if schema_connection.vendor == "postgresql" else sqlite
    with schema_connection.cursor() as cursor:
        for index, table in TABLES.items():
            for sql in backend.create_sql(table, prefixes=index in PREFIXED):
                cursor.execute(sql)


def drop_tables(schema_connection: Any) -> None:
    backend = postgres if schema_connection.vendor == "postgresql" else sqlite
    with schema_connection.cursor() as cursor:
        for table in TABLES.values():
            for sql in backend.drop_sql(table):
                cursor.execute(sql)


def index_documents(index: str, documents: Sequence[Document]) -> None:
    """Add or replace these documents, in the current transaction."""
    if not documents:
        return
    table = _table(index)
    with connection.cursor() as cursor:
        _backend().upsert(cursor, table, [clean_document(d) for d in documents])


def clean_text(text: str) -> str:
    """What the index keeps of a text: without NUL (PostgreSQL's text cannot hold it) and
    without the two characters that mark matches in snippets (so a message holding them
    cannot highlight words of its own)."""
    return text.translate(_UNSTORED)


_UNSTORED = dict.fromkeys(map(ord, ("\x00", START, STOP)))


def clean_document(document: Document) -> Document:
    return replace(
        document,
        title=clean_text(document.title),
        body=clean_text(document.body),
        extra=clean_text(document.extra),
        private=clean_text(document.private),
    )


def remove_documents(index: str, object_ids: Sequence[int]) -> None:
    if not object_ids:
        return
    table = _table(index)
    with connection.cursor() as cursor:
        _backend().delete(cursor, table, list(object_ids))


def _scope_sql(scope: QuerySet[Any] | None, *, row: str | None) -> tuple[str, Sequence[Any]] | None:
    """The scope as SQL: its ids as a subquery or, given the index's ``row`` id column, a
    subquery correlated to it (for ``EXISTS``). Raises ``EmptyResultSet`` for a scope that
    can hold nothing (``.none()``, ``pk__in=[]``)."""
    if scope is None:
        return None
    scope = scope.order_by()
    if row is not None:
        scope = scope.filter(pk=RawSQL(row, []))  # noqa: S611 - the backend's own column name
    sql, params = scope.values("pk").query.sql_with_params()
    return sql, params


def _scope_condition(
    backend: ModuleType, table: str, scope: QuerySet[Any] | None
) -> tuple[str, Sequence[Any]] | None:
    """The scope as a condition on the index's rows: the ids themselves when there are few,
    else the scope's query (correlated on SQLite). ``EmptyResultSet`` when it is empty."""
    if scope is None:
        return None
    ids = _few_ids(scope, backend.FEW_IDS)
    if ids is not None:
        if not ids:
            raise EmptyResultSet
        condition: tuple[str, Sequence[Any]] = backend.ids_condition(table, ids)
        return condition
    sql = _scope_sql(scope, row=backend.correlated_row(table))
    assert sql is not None  # noqa: S101 - scope is not None here
    condition = backend.scope_condition(table, sql)
    return condition


def _configs() -> list[str]:
    configs = {postgres.config_for(code) for code in settings.SEARCH_LANGUAGES}
    return sorted(configs | {"simple"})


def _few_ids(scope: QuerySet[Any] | None, few: int) -> list[int] | None:
    """The scope's ids when it holds at most ``few`` rows (one indexed read), else ``None``.
    A search within a handful of tickets (one customer's, ``from:`` someone) then checks
    those few documents instead of walking a common word's matches for ones in scope."""
    if scope is None:
        return None
    ids = list(scope.order_by().values_list("pk", flat=True)[: few + 1])
    return ids if len(ids) <= few else None


def search(
    index: str,
    query: Query,
    *,
    scope: QuerySet[Any] | None = None,
    match: Match = "all",
    include_private: bool = False,
    limit: int = 20,
    offset: int = 0,
) -> Page:
    """One page of hits for ``query``, best first, among the rows of ``scope`` (a queryset
    of the owner's rows the searcher may see; ``None`` for all). A query without words
    matches nothing here; filters alone are the owner's to apply."""
    table = _table(index)
    backend = _backend()
    if backend is postgres:
        expression: Any = postgres.tsquery(query, match=match, configs=_configs())
        extra: dict[str, Any] = {"include_private": include_private}
    else:
        expression = sqlite.match_expression(query, match=match, include_private=include_private)
        extra = {}
    if expression is None:
        return Page([], has_more=False)
    try:
        condition = _scope_condition(backend, table, scope)
    except EmptyResultSet:
        return Page([], has_more=False)
    with connection.cursor() as cursor:
        ranked = backend.ranked_ids(
            cursor,
            table,
            expression,
            scope=condition,
            candidates=CANDIDATES[index],
            limit=limit + 1,
            offset=offset,
            **extra,
        )
        page = ranked[:limit]
        snippets = backend.snippets(
            cursor, table, expression, [i for i, _ in page], private=include_private
        )
    hits = [Hit(i, score, to_html(snippets.get(i, ""))) for i, score in page]
    return Page(hits, has_more=len(ranked) > limit)


def indexed_ids(index: str, *, batch: int = 5000) -> Iterator[int]:
    """Every id in the index, ascending, read in batches."""
    table = _table(index)
    sql = _backend().ids_sql(table)
    after = -1
    while True:
        with connection.cursor() as cursor:
            cursor.execute(sql, [after, batch])
            ids = [row[0] for row in cursor.fetchall()]
        yield from ids
        if len(ids) < batch:
            return
        after = ids[-1]


def stored_documents(index: str, object_ids: Sequence[int]) -> dict[int, Document]:
    """The documents as the index holds them, for drift checks."""
    if not object_ids:
        return {}
    table = _table(index)
    with connection.cursor() as cursor:
        rows = _backend().stored(cursor, table, list(object_ids))
    return {d.object_id: d for d in rows}
