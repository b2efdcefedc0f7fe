"""Importing mail from disk: .eml files, folders of them (recursively) and mbox files."""

import logging
import mailbox as stdlib_mailbox
import multiprocessing
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from frontline.channels.email.batch import process_batch, receive_many
from frontline.channels.email.models import InboundStatus, Mailbox, Outcome, Source
from frontline.channels.email.reading import Prepared, start_reader, store_and_prepare_batch

logger = logging.getLogger(__name__)

BATCH = 100
AHEAD = 2  # batches read ahead by the parallel reader, which bounds memory


@dataclass
class ImportSummary:
    read: int = 0
    opened: int = 0
    threaded: int = 0
    duplicates: int = 0
    ignored: Counter[str] = field(default_factory=Counter)
    quarantined: Counter[str] = field(default_factory=Counter)

    def count(self, inbound_status: str, outcome: str, *, created: bool) -> None:
        self.read += 1
        if not created and inbound_status != InboundStatus.FAILED:
            self.duplicates += 1
        elif outcome in (Outcome.OPENED, Outcome.FOLLOW_UP):
            self.opened += 1
        elif outcome == Outcome.THREADED:
            self.threaded += 1
        elif outcome == Outcome.DUPLICATE:
            self.duplicates += 1
        elif inbound_status == InboundStatus.IGNORED:
            self.ignored[Outcome(outcome).label] += 1
        elif inbound_status == InboundStatus.FAILED:
            self.quarantined[Outcome(outcome).label if outcome else "unknown"] += 1

    def lines(self) -> list[str]:
        lines = [
            f"messages read       {self.read}",
            f"tickets opened      {self.opened}",
            f"replies threaded    {self.threaded}",
            f"duplicates skipped  {self.duplicates}",
            f"kept, no ticket     {sum(self.ignored.values())}",
        ]
        lines += [f"  {reason}: {n}" for reason, n in self.ignored.most_common()]
        lines.append(f"quarantined         {sum(self.quarantined.values())}")
        lines += [f"  {reason}: {n}" for reason, n in self.quarantined.most_common()]
        return lines


def sources(path: Path) -> list[Path]:
    """The files under ``path``, in a stable order; hidden files are skipped."""
    if path.is_file():
        return [path]
    return sorted(
        p
        for p in path.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
    )


def is_mbox(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(5) == b"From "


def messages(paths: list[Path]) -> Iterator[bytes]:
    for path in paths:
        if is_mbox(path):
            box = stdlib_mailbox.mbox(path, create=False)
            try:
                for key in box.iterkeys():
                    yield box.get_bytes(key)
            finally:
                box.close()
        else:
            yield path.read_bytes()


def count_messages(paths: list[Path]) -> int:
    total = 0
    for path in paths:
        if is_mbox(path):
            box = stdlib_mailbox.mbox(path, create=False)
            total += len(box)
            box.close()
        else:
            total += 1
    return total


def import_messages(
    raws: Iterator[bytes],
    *,
    mailbox: Mailbox,
    advance: Callable[[], object] = lambda: None,
    parallel: bool = False,
) -> ImportSummary:
    """Store and process each message; an import run again skips what it already has and
    finishes what a crash left half done.

    Messages go in batches: a batch's raw bytes and records are committed together, then
    the batch is filed in one transaction (``batch.process_batch``: the common cases with
    a few statements for the whole batch, anything unusual through ``ingest.process`` with
    a savepoint of its own, so one bad message is quarantined alone). With ``parallel``,
    another process parses the next batches while this one writes."""
    summary = ImportSummary()
    with _preparer(parallel) as prepare_batch:
        pending: deque[tuple[list[bytes], Any]] = deque()
        for batch in _batches(raws, BATCH):
            pending.append((batch, prepare_batch(batch)))
            if len(pending) > AHEAD:
                _write(*pending.popleft(), mailbox=mailbox, summary=summary, advance=advance)
        while pending:
            _write(*pending.popleft(), mailbox=mailbox, summary=summary, advance=advance)
    return summary


def _write(
    batch: list[bytes],
    prepared: Any,
    *,
    mailbox: Mailbox,
    summary: ImportSummary,
    advance: Callable[[], object],
) -> None:
    with transaction.atomic():
        received = receive_many(batch, mailbox=mailbox, source=Source.IMPORT)
    readings = _result(prepared, len(batch))
    pending = [got.inbound.status == InboundStatus.RECEIVED for got in received]
    todo = [
        (got.inbound, raw, reading)
        for raw, got, reading, waiting in zip(batch, received, readings, pending, strict=True)
        if waiting
    ]
    outcomes = iter(process_batch(todo))
    for got, waiting in zip(received, pending, strict=True):
        inbound = got.inbound
        outcome = next(outcomes) if waiting else None
        if outcome is None:
            summary.count(inbound.status, inbound.outcome, created=False)
        else:
            summary.count(*outcome, created=True)
        advance()


def _result(prepared: Any, size: int) -> list[Prepared | None]:
    """The readings of a batch; if the other process failed, each message is read again
    by ``process`` itself, which records what goes wrong."""
    if isinstance(prepared, list):
        return prepared
    try:
        found: list[Prepared | None] = prepared.result()
    except Exception:  # the reading process is a boundary too: fall back, never stop
        logger.exception("email.import.prepare_failed", extra={"size": size})
        return [None] * size
    return found


@contextmanager
def _preparer(parallel: bool) -> Iterator[Callable[[list[bytes]], Any]]:
    if not parallel:
        yield lambda batch: [None] * len(batch)
        return
    # spawn, not fork: a forked child would share this process's database connections.
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(
        max_workers=1,
        mp_context=context,
        initializer=start_reader,
        initargs=(str(settings.MEDIA_ROOT),),
    )
    try:
        started = pool.submit(int)  # done once the other process is up

        def submit(batch: list[bytes]) -> Any:
            if not started.done():
                return [None] * len(batch)  # it takes a second to start: read these here
            try:
                return pool.submit(store_and_prepare_batch, batch)
            except BrokenProcessPool:
                return [None] * len(batch)

        yield submit
    finally:
        # Nothing is left to read; the process exits on its own, no need to wait for it.
        pool.shutdown(wait=False, cancel_futures=True)


def _batches(raws: Iterator[bytes], size: int) -> Iterator[list[bytes]]:
    batch: list[bytes] = []
    for raw in raws:
        batch.append(raw)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
