"""Snippets come back from the database with two control characters around each match;
the text around them is escaped here, so a snippet is safe HTML whatever a message held."""

from django.utils.html import escape

START, STOP = "\x02", "\x03"


def to_html(raw: str) -> str:
    text = raw.replace("\x00", "")
    return (
        escape(text.replace(START, "\x00s").replace(STOP, "\x00e"))
        .replace("\x00s", "<mark>")
        .replace("\x00e", "</mark>")
    )
