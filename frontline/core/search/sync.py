"""Rebuilding an index from its owner's rows, and finding where the two disagree (which
only a bug or a write outside the services could cause: every service indexes in the same
transaction as it writes)."""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.db import transaction

from frontline.core.contributions import entries
from frontline.core.search import engine
from frontline.core.search.documents import Document, Source

BATCH = 1000


def sources() -> dict[str, Source]:
    return {source.index: source for source in entries("search.sources")}


def _batches(ids: Iterable[int], size: int) -> Iterator[list[int]]:
    iterator = iter(ids)
    while chunk := list(islice(iterator, size)):
        yield chunk


@dataclass
class Drift:
    index: str
    checked: int = 0
    missing: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    changed: list[int] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.missing or self.stale or self.changed)


def reindex(source: Source, *, progress: Callable[[int], object] = lambda n: None) -> int:
    """Rebuild ``source``'s index in batches, each in its own transaction; ids the owner no
    longer has are removed. Returns how many documents were written."""
    written = 0
    for ids in _batches(source.all_ids(), BATCH):
        with transaction.atomic():
            documents = source.documents(ids)
            engine.index_documents(source.index, documents)
            engine.remove_documents(
                source.index, sorted(set(ids) - {d.object_id for d in documents})
            )
        written += len(documents)
        progress(len(ids))
    _remove_stale(source)
    return written


def _stale_ids(source: Source) -> Iterator[int]:
    """Indexed ids the owner no longer has: a merge walk of two ascending id streams."""
    wanted = iter(source.all_ids())
    current = next(wanted, None)
    for indexed in engine.indexed_ids(source.index):
        while current is not None and current < indexed:
            current = next(wanted, None)
        if current != indexed:
            yield indexed


def _remove_stale(source: Source) -> None:
    for ids in _batches(list(_stale_ids(source)), BATCH):
        with transaction.atomic():
            engine.remove_documents(source.index, ids)


def _same(a: Document, b: Document) -> bool:
    return engine.clean_document(a) == engine.clean_document(b)


def check(source: Source, *, progress: Callable[[int], object] = lambda n: None) -> Drift:
    """Compare every document the owner would write with the one the index holds."""
    drift = Drift(source.index)
    for ids in _batches(source.all_ids(), BATCH):
        built = {d.object_id: d for d in source.documents(ids)}
        stored = engine.stored_documents(source.index, sorted(built))
        for object_id, document in built.items():
            held = stored.get(object_id)
            if held is None:
                drift.missing.append(object_id)
            elif not _same(held, document):
                drift.changed.append(object_id)
        drift.checked += len(ids)
        progress(len(ids))
    drift.stale = list(_stale_ids(source))
    return drift
