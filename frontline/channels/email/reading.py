"""Reading a message before the database is involved: parse it and find the new text of
the reply. Pure, so a separate process can read ahead while the importer writes."""

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
