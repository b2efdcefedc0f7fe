"""PostgreSQL full-text search: one table per index with a stored, weighted ``tsvector``
(title A, extra B, body C, private D) in the document's own language, under a GIN index.
Customers' searches keep only the A to C lexemes (``ts_filter``), so a note never matches
for them."""

import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.backends.utils import CursorWrapper

from frontline.core.search.documents import Document
from frontline.core.search.query import Query
from frontline.core.search.snippets import START, STOP

# Languages whose stemming PostgreSQL ships; any other is indexed word for word.
CONFIGS = {
    "da": "danish",
    "de": "german",
    "en": "english",
    "es": "spanish",
    "fi": "finnish",
    "fr": "french",
    "hu": "hungarian",
    "it": "italian",
    "nl": "dutch",
    "no": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sv": "swedish",
    "tr": "turkish",
}
_HEADLINE = f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, MaxFragments=2"


def config_for(language: str) -> str:
    return CONFIGS.get(language.split("-")[0].lower(), "simple")


def create_sql(table: str, *, prefixes: bool) -> list[str]:
    return [
        f"CREATE TABLE IF NOT EXISTS {table} ("
        "object_id bigint PRIMARY KEY, language varchar(10) NOT NULL, "
        "config regconfig NOT NULL, title text NOT NULL, extra text NOT NULL, "
        "body text NOT NULL, private text NOT NULL, "
        "vector tsvector GENERATED ALWAYS AS ("
        "setweight(to_tsvector(config, title), 'A') || "
        "setweight(to_tsvector(config, extra), 'B') || "
        "setweight(to_tsvector(config, body), 'C') || "
        "setweight(to_tsvector(config, private), 'D')) STORED)",
        f"CREATE INDEX IF NOT EXISTS {table}_vector ON {table} USING gin (vector)",
    ]


def drop_sql(table: str) -> list[str]:
    return [f"DROP TABLE IF EXISTS {table}"]


def _lexeme_prefix(word: str) -> str | None:
    tokens = re.findall(r"\w+", word)
    return " & ".join(f"{t}:*" for t in tokens) if tokens else None


def _one(word: str, configs: Sequence[str], *, phrase: bool, prefix: bool) -> tuple[str, list[str]]:
    """One word or phrase as a tsquery: its stemmed form in each configured language, or'ed,
    so a German article is found by a German word whatever language the searcher uses."""
    word = word.replace("\x00", "")
    if prefix:
        lexemes = _lexeme_prefix(word)
        if lexemes is not None:
            parts = [f"to_tsquery('{c}', %s)" for c in configs]
            return "(" + " || ".join(parts) + ")", [lexemes] * len(configs)
    function = "phraseto_tsquery" if phrase else "plainto_tsquery"
    parts = [f"{function}('{c}', %s)" for c in configs]
    either = "(" + " || ".join(parts) + ")"
    stemming = [c for c in configs if c != "simple"]
    if not stemming:
        return either, [word] * len(configs)
    # A stop word of a stemming language is in no vector of that language, yet "simple"
    # keeps it: left in, "where is my refund" would match no English document at all.
    stop = " OR ".join(f"numnode({function}('{c}', %s)) = 0" for c in stemming)
    sql = f"(CASE WHEN {stop} THEN ''::tsquery ELSE {either} END)"
    return sql, [word] * (len(stemming) + len(configs))


def tsquery(query: Query, *, match: str, configs: Sequence[str]) -> tuple[str, list[str]] | None:
    items: list[tuple[str, list[str]]] = []
    for position, term in enumerate(query.terms):
        last = query.prefix and position == len(query.terms) - 1
        items.append(_one(term, configs, phrase=False, prefix=last))
    items.extend(_one(p, configs, phrase=True, prefix=False) for p in query.phrases)
    if not items:
        return None
    operator = " || " if match == "any" else " && "
    sql = "(" + operator.join(s for s, _ in items) + ")"
    params = [p for _, ps in items for p in ps]
    for word in query.excluded:
        excluded, more = _one(word, configs, phrase=True, prefix=False)
        sql = f"({sql} && !!{excluded})"
        params.extend(more)
    return sql, params


def upsert(cursor: CursorWrapper, table: str, documents: Sequence[Document]) -> None:
    cursor.executemany(
        f"INSERT INTO {table} (object_id, language, config, title, extra, body, private) "
        "VALUES (%s, %s, %s::regconfig, %s, %s, %s, %s) ON CONFLICT (object_id) DO UPDATE SET "
        "language = EXCLUDED.language, config = EXCLUDED.config, title = EXCLUDED.title, "
        "extra = EXCLUDED.extra, body = EXCLUDED.body, private = EXCLUDED.private",
        [
            (
                d.object_id,
                d.language,
                config_for(d.language),
                d.title,
                d.extra,
                d.body,
                d.private,
            )
            for d in documents
        ],
    )


def delete(cursor: CursorWrapper, table: str, ids: Sequence[int]) -> None:
    cursor.execute(f"DELETE FROM {table} WHERE object_id = ANY(%s)", [list(ids)])


def correlated_row(table: str) -> str | None:
    # PostgreSQL plans ``object_id IN (scope)`` as a semi-join itself.
    return None


# Up to this many scope ids are passed as an array: the primary key finds them at once.
FEW_IDS = 2000


def ids_condition(table: str, ids: Sequence[int]) -> tuple[str, list[Any]]:
    return "object_id = ANY(%s)", [list(ids)]


def scope_condition(table: str, scope: tuple[str, Sequence[Any]]) -> tuple[str, list[Any]]:
    return f"object_id IN ({scope[0]})", list(scope[1])


def ranked_ids(
    cursor: CursorWrapper,
    table: str,
    expression: tuple[str, list[str]],
    *,
    include_private: bool,
    scope: tuple[str, Sequence[Any]] | None,
    candidates: int,
    limit: int,
    offset: int,
) -> list[tuple[int, float]]:
    """Rank the newest ``candidates`` matches and return one page of them.

    The tsquery is written out where it is used, not computed once in a CTE: only a
    constant lets the planner estimate how many rows match, and so walk the newest rows
    backwards for a common word instead of reading all its matches from the GIN index."""
    sql, params = expression
    vector = "vector" if include_private else "ts_filter(vector, '{a,b,c}')"
    where, where_params = f"vector @@ {sql}", list(params)
    if not include_private:
        where += f" AND {vector} @@ {sql}"
        where_params += params
    if scope is not None:
        where += f" AND {scope[0]}"
        where_params += list(scope[1])
    cursor.execute(
        f"SELECT object_id, ts_rank({vector}, {sql}) AS score "
        f"FROM (SELECT object_id, vector FROM {table} WHERE {where} "
        "ORDER BY object_id DESC LIMIT %s) c "
        "ORDER BY score DESC, object_id DESC LIMIT %s OFFSET %s",
        [*params, *where_params, candidates, limit, offset],
    )
    return [(row[0], float(row[1])) for row in cursor.fetchall()]


def snippets(
    cursor: CursorWrapper,
    table: str,
    expression: tuple[str, list[str]],
    ids: Sequence[int],
    *,
    private: bool,
) -> dict[int, str]:
    if not ids:
        return {}
    sql, params = expression
    text = "body || ' ' || private" if private else "body"
    cursor.execute(
        f"WITH q AS (SELECT {sql} AS q) "
        f"SELECT object_id, ts_headline(config, {text}, q.q, %s), title "
        f"FROM {table}, q WHERE object_id = ANY(%s)",
        [*params, _HEADLINE, list(ids)],
    )
    return {row[0]: row[1] or row[2] for row in cursor.fetchall()}


def stored(cursor: CursorWrapper, table: str, ids: Sequence[int]) -> Iterable[Document]:
    cursor.execute(
        f"SELECT object_id, title, body, extra, private, language FROM {table} "
        "WHERE object_id = ANY(%s)",
        [list(ids)],
    )
    return [Document(*row) for row in cursor.fetchall()]


def ids_sql(table: str) -> str:
    return f"SELECT object_id FROM {table} WHERE object_id > %s ORDER BY object_id LIMIT %s"
