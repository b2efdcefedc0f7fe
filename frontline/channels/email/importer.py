"""Importing mail from disk: .eml files, folders of them (recursively) and mbox files.

Each file's bytes are stored, with a record, before anything decides what the file is; then
an mbox file (every message of it starts with a header) is taken message by message, and
any other file as one message. Nothing read is lost: a file that only looks like an mbox
is one message, quarantined if it cannot be filed."""

import hashlib
import logging
import mailbox as stdlib_mailbox
import multiprocessing
import re
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from frontline.channels.email import ingest
from frontline.channels.email.batch import process_batch, receive_many
from frontline.channels.email.models import (
    InboundMessage,
    InboundStatus,
    Mailbox,
    Outcome,
    Source,
)
from frontline.channels.email.reading import Prepared, start_reader, store_and_prepare_batch
from frontline.core.actors import Actor

logger = logging.getLogger(__name__)

BATCH = 100
AHEAD = 2  # batches read ahead by the parallel reader, which bounds memory
CHUNK = 1024 * 1024
_FROM_LINE = b"From "
# A header field's first line (RFC 5322: a name of printable characters but ":").
_HEADER_LINE = re.compile(rb"^[!-9;-~]+[ \t]*:")


@dataclass
class ImportSummary:
    files: int = 0
    files_stored: int = 0
    read: int = 0
    stored: int = 0
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
            f"files read          {self.files}",
            f"  stored raw        {self.files_stored}",
            f"messages read       {self.read}",
            f"  stored raw        {self.stored}",
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


def mbox_size(path: Path) -> int | None:
    """How many messages ``path`` holds if it is an mbox, else None: it starts with a
    ``From `` line and each ``From `` line is followed by a header. (Text that only starts
    with ``From `` is one message, not several empty ones.)"""
    count = 0
    with path.open("rb") as handle:
        after_from = False
        for number, line in enumerate(handle):
            if after_from and not _HEADER_LINE.match(line):
                return None
            after_from = line.startswith(_FROM_LINE)
            if number == 0 and not after_from:
                return None
            count += after_from
    return None if after_from or not count else count


def is_mbox(path: Path) -> bool:
    return mbox_size(path) is not None


def messages(paths: list[Path]) -> Iterator[bytes]:
    """The messages of the files, without storing the files themselves (``import_files``
    does)."""
    for path in paths:
        yield from _messages_of(path, is_mbox=is_mbox(path))


def _messages_of(path: Path, *, is_mbox: bool) -> Iterator[bytes]:
    if not is_mbox:
        yield path.read_bytes()
        return
    box = stdlib_mailbox.mbox(path, create=False)
    try:
        for key in box.iterkeys():
            yield box.get_bytes(key)
    finally:
        box.close()


def count_messages(paths: list[Path]) -> int:
    return sum(mbox_size(path) or 1 for path in paths)


def import_files(
    paths: list[Path],
    *,
    mailbox: Mailbox,
    advance: Callable[[], object] = lambda: None,
    parallel: bool = False,
) -> ImportSummary:
    """Store each file's bytes with a record, then import its messages (``import_messages``).
    An mbox file's record is kept as such (``Outcome.MAILBOX_FILE``); any other file's record
    is the message itself."""
    summary = ImportSummary()

    def taken() -> Iterator[bytes]:
        for path in paths:
            with transaction.atomic():
                record = store_file(path, mailbox=mailbox)
                size = mbox_size(path)
                if size is not None:
                    _mark_mailbox_file(record, size)
            summary.files += 1
            summary.files_stored += default_storage.exists(str(record.raw.name))
            yield from _messages_of(path, is_mbox=size is not None)

    return import_messages(
        taken(), mailbox=mailbox, advance=advance, parallel=parallel, summary=summary
    )


def store_file(path: Path, *, mailbox: Mailbox) -> InboundMessage:
    """``ingest.receive`` for a file read in chunks (an mbox may be larger than memory): its
    bytes and their record; the record of the same bytes stored before, if any."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        head = handle.read(CHUNK)
        digest.update(head)
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    sha256, message_id = digest.hexdigest(), ingest.peek_message_id(head)
    existing = InboundMessage.objects.filter(message_id=message_id, sha256=sha256).first()
    if existing is not None:
        return existing
    name = f"mail/raw/{sha256[:2]}/{sha256}.eml"
    if not default_storage.exists(name):
        with path.open("rb") as handle:
            saved = default_storage.save(name, File(handle))
        if saved != name:  # written by a concurrent import meanwhile: same bytes
            default_storage.delete(saved)
    try:
        with transaction.atomic():
            return InboundMessage.objects.create(
                mailbox=mailbox,
                source=Source.IMPORT,
                message_id=message_id,
                sha256=sha256,
                raw=name,
                size=path.stat().st_size,
                received_at=timezone.now(),
            )
    except IntegrityError:
        return InboundMessage.objects.get(message_id=message_id, sha256=sha256)


def _mark_mailbox_file(record: InboundMessage, size: int) -> None:
    """The record of an mbox file is not a message: its messages get records of their own."""
    InboundMessage.objects.filter(pk=record.pk, status=InboundStatus.RECEIVED).update(
        status=InboundStatus.IGNORED,
        outcome=Outcome.MAILBOX_FILE,
        error=f"An mbox file of {size} messages, each stored and filed on its own.",
        processed_at=timezone.now(),
    )


def import_messages(
    raws: Iterator[bytes],
    *,
    mailbox: Mailbox,
    advance: Callable[[], object] = lambda: None,
    parallel: bool = False,
    summary: ImportSummary | None = None,
) -> ImportSummary:
    """Store and process each message; an import run again skips what it already has and
    finishes what a crash left half done.

    Messages go in batches: a batch's raw bytes and records are committed together, then
    the batch is filed in one transaction (``batch.process_batch``: the common cases with
    a few statements for the whole batch, anything unusual through ``ingest.process`` with
    a savepoint of its own, so one bad message is quarantined alone). With ``parallel``,
    another process parses the next batches while this one writes."""
    summary = summary or ImportSummary()
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
    summary.stored += sum(got.inbound.pk is not None for got in received)
    readings = _result(prepared, len(batch))
    pending = [got.inbound.status == InboundStatus.RECEIVED for got in received]
    todo = [
        (got.inbound, raw, reading)
        for raw, got, reading, waiting in zip(batch, received, readings, pending, strict=True)
        if waiting
    ]
    outcomes = iter(process_batch(todo, actor=Actor.system()))
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
