"""The one search syntax of every search box and of ``GET /api/v1/search``.

``refund "card declined" -test status:open tag:vip from:ann@example.com``: words must all
match (or, for natural-language knowledge searches, any of them), quoted text matches as a
phrase, ``-word`` excludes, and ``field:value`` (or ``field:"two words"``) filters on a
field the caller names as known. Nothing a person types reaches a database as syntax:
backends quote every word themselves, so FTS operators, brackets and stray quotes are
plain text here.
"""

import re
from dataclasses import dataclass, field

from frontline.core.errors import FrontlineError

MAX_QUERY_CHARS = 1000
MAX_TERMS = 32

_WORD = re.compile(r"\w", re.UNICODE)
_FIELD = re.compile(r"([A-Za-z_]+):(.*)", re.DOTALL)


class QueryError(FrontlineError):
    """A search the syntax cannot take: too long, only exclusions, an unknown field."""


@dataclass(frozen=True)
class Query:
    terms: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    filters: tuple[tuple[str, str], ...] = field(default=())
    prefix: bool = False

    @property
    def has_text(self) -> bool:
        return bool(self.terms or self.phrases)

    def values(self, name: str) -> list[str]:
        return [value for key, value in self.filters if key == name]

    def words(self) -> list[str]:
        """Every word of the text part, for highlighting and logging."""
        return [*self.terms, *(w for p in self.phrases for w in p.split())]


def _tokens(text: str) -> list[tuple[str, bool]]:
    """Split on whitespace, keeping quoted runs together; an unbalanced quote runs to the
    end. Each token comes with whether it was quoted."""
    tokens: list[tuple[str, bool]] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        start = i
        while i < n and not text[i].isspace():
            if text[i] == '"':
                close = text.find('"', i + 1)
                i = n if close < 0 else close + 1
            else:
                i += 1
        tokens.append((text[start:i], '"' in text[start:i]))
    return tokens


def _unquote(value: str) -> str:
    return " ".join(value.replace('"', " ").split())


def _meaningful(word: str) -> bool:
    return bool(_WORD.search(word))


def parse_query(text: str, *, fields: frozenset[str] = frozenset(), prefix: bool = False) -> Query:
    """Parse what a person typed. ``fields`` names the filters the caller understands;
    any other ``name:value`` is refused with the list of known ones."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"A search is at most {MAX_QUERY_CHARS:,} characters.", field="q")
    terms: list[str] = []
    phrases: list[str] = []
    excluded: list[str] = []
    filters: list[tuple[str, str]] = []
    for token, quoted in _tokens(text):
        negated = token.startswith("-") and len(token) > 1
        body = token[1:] if negated else token
        match = _FIELD.fullmatch(body)
        if match and not body.startswith('"') and match.group(2):
            name = match.group(1).lower()
            if name not in fields:
                known = ", ".join(sorted(fields)) or "none here"
                raise QueryError(
                    f"Unknown search field {name!r}; known fields: {known}.", field="q"
                )
            filters.append((("-" if negated else "") + name, _unquote(match.group(2))))
            continue
        value = _unquote(body)
        if not _meaningful(value):
            continue
        if negated:
            excluded.append(value)
        elif quoted and " " in value:
            phrases.append(value)
        else:
            terms.extend(value.split())
    if len(terms) + len(phrases) + len(excluded) > MAX_TERMS:
        raise QueryError(f"A search takes at most {MAX_TERMS} words.", field="q")
    if excluded and not (terms or phrases) and not filters:
        raise QueryError("Add a word to search for: exclusions alone match nothing.", field="q")
    return Query(tuple(terms), tuple(phrases), tuple(excluded), tuple(filters), prefix)


def keywords_query(text: str, *, limit: int = MAX_TERMS, prefix: bool = False) -> Query:
    """A query from free text (a request being typed, a ticket's subject): its first
    ``limit`` distinct words, no syntax, for ``match="any"`` searches."""
    seen: dict[str, None] = {}
    for word in re.findall(r"\w+", text.lower()):
        if len(word) > 1 or word.isdigit():
            seen.setdefault(word, None)
        if len(seen) >= limit:
            break
    return Query(terms=tuple(seen), prefix=prefix)
