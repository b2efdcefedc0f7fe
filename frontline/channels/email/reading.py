"""Reading a message before the database is involved: parse it and find the new text of
the reply. Pure, so a separate process can read ahead while the importer writes (and
store the raw bytes meanwhile: ``store_and_prepare_batch``)."""

import hashlib
from dataclasses import dataclass

from frontline.channels.email.parsing import ParsedMail, parse_message
from frontline.channels.email.quotes import split_html_reply, split_reply


@dataclass(frozen=True)
class Prepared:
    parsed: ParsedMail
    visible: str


def prepare(raw: bytes) -> Prepared:
    parsed = parse_message(raw)
    return Prepared(parsed, visible_text(parsed))


def visible_text(parsed: ParsedMail) -> str:
    """The new text of the reply: from the plain text, else from the HTML."""
    text = parsed.text.strip()
    if text:
        return split_reply(text).visible
    return split_html_reply(parsed.html).visible if parsed.html else ""


def prepare_batch(batch: list[bytes]) -> list[Prepared]:
    return [prepare(raw) for raw in batch]


def store_and_prepare_batch(batch: list[bytes]) -> list[Prepared]:
    """In the importer's reader process: store each message's bytes first (as the importer
    would, through the storage API; the importer then finds them there), then read it.
    Writing files is as slow as filing the messages, so this halves the importer's work."""
    from frontline.channels.email.ingest import store_raw

    for raw in batch:
        store_raw(raw, hashlib.sha256(raw).hexdigest())
    return prepare_batch(batch)


def start_reader(media_root: str) -> None:
    """The reader process's start: Django's settings, for the storage API, with the media
    folder of the importing process (which a test or the bench may have moved)."""
    import django
    from django.conf import settings

    django.setup()
    settings.MEDIA_ROOT = media_root
