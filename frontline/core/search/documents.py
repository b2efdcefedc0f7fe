"""What the search module stores and returns, and what an app that owns searchable rows
provides (a ``Source``, registered under ``search.sources`` in ``frontline/contributions.py``).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

# The indexes there are, one table each (see ``engine.TABLES``). An index's object ids are
# the primary keys of its owner's rows: tickets, article translations.
TICKETS = "tickets"
ARTICLES = "articles"
INDEXES = (TICKETS, ARTICLES)


@dataclass(frozen=True)
class Document:
    """The searchable text of one row. ``title`` ranks above ``extra`` (names, addresses,
    numbers, tags), which ranks above ``body``; ``private`` (internal notes) ranks lowest
    and is matched only for searches with ``include_private``."""

    object_id: int
    title: str
    body: str = ""
    extra: str = ""
    private: str = ""
    language: str = "en"


@dataclass(frozen=True)
class Hit:
    """One match: its id, its score (higher is better) and an HTML-safe snippet in which
    the matched words are wrapped in ``<mark>``."""

    object_id: int
    score: float
    snippet: str


class Source(Protocol):
    """An app's searchable rows: how to (re)build their documents for ``frontline search``."""

    index: str

    def all_ids(self) -> Iterable[int]:
        """Every id that should be in the index, ascending."""
        ...

    def documents(self, ids: Sequence[int]) -> list[Document]:
        """Current documents for those of ``ids`` that still exist."""
        ...
