"""``frontline bench mail``: ingest N synthetic, realistic messages from disk through the
whole path: raw store, parse, thread, customer match, ticket or message, acknowledgment
queued. Reports messages per second, peak memory and threads split over several tickets.

The messages: new requests in plain text or text+HTML, a tenth with an attachment, and
replies (about 60%) that quote what they answer, written by Gmail-, Outlook- and Apple
Mail-like clients and threaded by In-Reply-To/References, some only by the ticket token in
the subject (the ticket numbers a fresh database hands out are known in advance).
"""

import random
import resource
import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.test import override_settings
from huey.contrib.djhuey import HUEY
from huey.storage import SqliteStorage

from frontline.bench.common import (
    Output,
    Progress,
    Reporter,
    database_vendor,
    throwaway_database,
)
from frontline.channels.email import importer, ingest
from frontline.channels.email.models import InboundMessage
from frontline.channels.email.threads import current_ticket
from frontline.tickets.models import Ticket
from frontline.tickets.services.messages import FIRST_TICKET_NUMBER

HELP = "Email ingest: messages/second, peak memory and split threads for N messages from disk."
FIRST_NAMES = ("Ana", "Ben", "Chloé", "Dmitri", "Eva", "Farid", "Grete", "Hiro", "Inès", "Jon")
LAST_NAMES = ("Ortiz", "Nakamura", "Schmidt", "Dubois", "Kowalski", "Okafor", "Lind", "Rossi")
DOMAINS = ("gmail.com", "outlook.com", "acme-retail.com", "contoso.example", "baeckerei.example")
TOPICS = (
    ("The receipt printer stops after every second order", "It shows error E-4012."),
    ("Cannot sign in since the update", "The page says my password is wrong."),
    ("Invoice 2024-118 charged twice", "Our card was charged twice on the 3rd."),
    ("Export to CSV is missing columns", "The VAT column is empty in the export."),
    ("Bestellung kommt nicht an", "Die Sendung hängt seit Montag im Lager."),
    ("Synchronisation échoue", "La synchronisation s'arrête à 80 % avec une erreur."),
)
REPLIES = (
    "Thanks, that worked for the first terminal but the second one still shows the error.",
    "Here is the screenshot you asked for. It happens every morning around nine.",
    "We tried the steps. No change, unfortunately.",
    "Danke, jetzt funktioniert es wieder!",
    "Could you call me? I am at the office until five.",
)
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--messages", type=int, default=10_000, help="Messages to ingest.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")


def run(options: dict[str, Any], *, out: Output, err: Output) -> None:
    progress = Progress(err)
    count = max(1, options["messages"])
    folder = Path(tempfile.mkdtemp(prefix="frontline-bench-mail-"))
    try:
        corpus = write_corpus(folder, count, seed=options["seed"])
        progress(f"{count} messages written to {folder}")
        with (
            throwaway_database(keep=options["keep"], progress=progress),
            _private_queue(folder),
            _private_media(folder),
        ):
            reporter = Reporter(bench="mail", tickets=0, out=out, db=database_vendor())
            seconds = ingest_folder(folder, progress)
            reporter.metric("ingest_msgs_per_s", count / seconds, "messages/s", count)
            # This process. The reader process it starts (parsing ahead, storing the raw
            # bytes) peaks near 90 MB, Django's settings and the parser; docs/email.md.
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            reporter.metric("peak_rss_mb", peak, "MB", count)
            reporter.metric("threads_split", split_threads(corpus), "threads", len(corpus.threads))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def ingest_folder(folder: Path, progress: Progress) -> float:
    mailbox = ingest.default_mailbox()
    files = importer.sources(folder)
    started = time.perf_counter()
    summary = importer.import_messages(importer.messages(files), mailbox=mailbox, parallel=True)
    seconds = time.perf_counter() - started
    progress(f"ingested in {seconds:.1f} s: " + "; ".join(summary.lines()[:4]))
    return seconds


@contextmanager
def _private_queue(folder: Path) -> Iterator[None]:
    """Acknowledgments are queued for real, into a queue of the bench's own: the
    configured one must not receive thousands of mails to invented customers."""
    saved = HUEY.storage
    queue = folder.with_name(f"{folder.name}-queue.sqlite3")
    HUEY.storage = SqliteStorage("bench-mail", filename=str(queue))
    try:
        yield
    finally:
        HUEY.storage = saved
        for suffix in ("", "-wal", "-shm"):
            queue.with_name(queue.name + suffix).unlink(missing_ok=True)


@contextmanager
def _private_media(folder: Path) -> Iterator[None]:
    """Raw mail and attachments are stored for real, into a folder of the bench's own:
    files an earlier run left in the configured one would spare this run the writes."""
    media = folder.with_name(f"{folder.name}-media")
    try:
        with override_settings(MEDIA_ROOT=str(media)):
            yield
    finally:
        shutil.rmtree(media, ignore_errors=True)


@dataclass
class Corpus:
    threads: dict[int, list[str]] = field(default_factory=dict)


@dataclass
class _Thread:
    number: int
    subject: str
    customer: tuple[str, str]
    ids: list[str] = field(default_factory=list)
    last_text: str = ""


def write_corpus(folder: Path, count: int, *, seed: int) -> Corpus:
    """Files named in arrival order; returns the Message-IDs of each thread."""
    rng = random.Random(seed)
    people = [_person(rng, i) for i in range(max(20, count // 5))]
    threads: list[_Thread] = []
    corpus = Corpus()
    for index in range(count):
        if not threads or rng.random() < 0.4:
            topic = rng.choice(TOPICS)
            thread = _Thread(FIRST_TICKET_NUMBER + len(threads), topic[0], rng.choice(people))
            threads.append(thread)
            raw = _request(rng, thread, index, topic[1])
        else:
            thread = rng.choice(threads[-200:])
            raw = _reply(rng, thread, index)
        corpus.threads[thread.number] = thread.ids
        (folder / f"{index:07d}.eml").write_bytes(raw)
    return corpus


def _person(rng: random.Random, index: int) -> tuple[str, str]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    local = f"{first}.{last}{index}".lower().replace("é", "e").replace("è", "e")
    return f"{first} {last}", f"{local}@{rng.choice(DOMAINS)}"


def _message(rng: random.Random, thread: _Thread, index: int, subject: str) -> EmailMessage:
    message = EmailMessage()
    name, address = thread.customer
    message["From"] = f"{name} <{address}>"
    message["To"] = "Support <support@frontline.localhost>"
    message["Subject"] = subject
    message["Date"] = format_datetime(_when(index))
    message_id = f"{index}.{rng.getrandbits(48):x}@{address.partition('@')[2]}"
    message["Message-ID"] = f"<{message_id}>"
    thread.ids.append(message_id)
    return message


def _request(rng: random.Random, thread: _Thread, index: int, detail: str) -> bytes:
    message = _message(rng, thread, index, thread.subject)
    text = f"Hello,\n\n{detail}\nCould you help us?\n\nThanks,\n{thread.customer[0]}"
    thread.last_text = text
    message.set_content(text)
    if rng.random() < 0.5:
        paragraphs = "".join(f"<p>{line}</p>" for line in text.split("\n") if line)
        message.add_alternative(f"<html><body>{paragraphs}</body></html>", subtype="html")
    if rng.random() < 0.1:
        message.add_attachment(PDF, maintype="application", subtype="pdf", filename="log.pdf")
    return message.as_bytes()


def _reply(rng: random.Random, thread: _Thread, index: int) -> bytes:
    by_token = rng.random() < 0.1
    subject = f"Re: {thread.subject}" + (f" [#{thread.number}]" if by_token else "")
    parent_ids = list(thread.ids)
    message = _message(rng, thread, index, subject)
    if not by_token:
        message["In-Reply-To"] = f"<{parent_ids[-1]}>"
        message["References"] = " ".join(f"<{i}>" for i in parent_ids[-10:])
    text = rng.choice(REPLIES)
    quoted = "\n".join(f"> {line}" for line in thread.last_text.split("\n"))
    style = rng.randrange(3)
    if style == 0:
        body = f"{text}\n\nOn {format_datetime(_when(index - 1))}, Support wrote:\n{quoted}"
    elif style == 1:
        body = (
            f"{text}\n\n________________________________\nFrom: Support "
            f"<support@frontline.localhost>\nSent: Monday\nTo: {thread.customer[1]}\n"
            f"Subject: {thread.subject}\n\n{thread.last_text}"
        )
    else:
        attribution = "> On 3 Mar 2026, at 10:02, Support wrote:"
        body = f"{text}\n\nSent from my iPhone\n\n{attribution}\n{quoted}"
    thread.last_text = text
    message.set_content(body)
    return message.as_bytes()


def _when(index: int) -> datetime:
    return datetime(2026, 1, 5, 8, 0, tzinfo=UTC) + timedelta(minutes=index)


def split_threads(corpus: Corpus) -> int:
    """Threads whose messages ended on more than one ticket (after merges)."""
    by_message: dict[str, int] = {}
    rows = InboundMessage.objects.exclude(ticket=None).values_list("message_id", "ticket_id")
    tickets = Ticket.objects.in_bulk({ticket_id for _, ticket_id in rows})
    resolved: dict[int, int] = {}
    for message_id, ticket_id in rows:
        if ticket_id not in resolved:
            resolved[ticket_id] = current_ticket(tickets[ticket_id]).pk
        by_message[message_id] = resolved[ticket_id]
    spread: dict[int, set[int]] = defaultdict(set)
    for number, ids in corpus.threads.items():
        spread[number] = {by_message[i] for i in ids if i in by_message}
    return sum(1 for found in spread.values() if len(found) > 1)
