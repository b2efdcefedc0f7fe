"""Header values of mail as text: the modern policy first, word-by-word decoding of the
raw value where it fails or would be too slow. Pure."""

import email.header
import email.utils
import re
import struct
from dataclasses import dataclass
from datetime import UTC, datetime
from email.errors import MessageError
from email.message import Message

from frontline.channels.email.charsets import decode_text, unsurrogate

# The errors the standard library's parser raises on malformed input.
PARSER_ERRORS = (
    ValueError,
    IndexError,
    KeyError,
    TypeError,
    AttributeError,
    LookupError,
    AssertionError,
    OverflowError,
    RecursionError,
    struct.error,
    MessageError,
)
# The modern header parser is quadratic on some input (a 200 kB subject takes a second);
# longer values are decoded word by word instead.
MAX_PARSED_HEADER = 4096
_LOOSE_ADDRESS = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_MSGID = re.compile(r"<([^<>\s]{1,996})>")


@dataclass(frozen=True)
class Address:
    name: str
    address: str

    @property
    def normalised(self) -> str:
        return self.address.strip().lower()


def header_text(message: Message, name: str) -> str:
    """A header as text: RFC 2047 decoded by the modern policy, or word by word from the
    raw value where the policy's parser fails or would take too long."""
    raw = raw_header(message, name)
    if len(raw) > MAX_PARSED_HEADER:
        # Cut at a space, so an encoded word is not broken in half.
        return decode_raw(raw[:MAX_PARSED_HEADER].rsplit(None, 1)[0])
    try:
        value = message.get(name)
        text = unsurrogate(str(value)) if value is not None else ""
    except PARSER_ERRORS:
        return decode_raw(raw)
    # Encoded words the policy could not decode stay encoded; try the charset fallbacks.
    return decode_raw(text) if "=?" in text else text


def raw_header(message: Message, name: str) -> str:
    for key, value in message.raw_items():
        if key.lower() == name:
            return str(value)
    return ""


def decode_raw(value: str) -> str:
    try:
        parts = email.header.decode_header(value)
    except PARSER_ERRORS:
        return unsurrogate(value)
    words = [
        decode_text(chunk, charset) if isinstance(chunk, bytes) else unsurrogate(chunk)
        for chunk, charset in parts
    ]
    return " ".join(" ".join(words).split())


def addresses(message: Message, name: str) -> tuple[Address, ...]:
    raw = raw_header(message, name)
    if not raw:
        return ()
    try:
        if len(raw) > MAX_PARSED_HEADER:
            raise ValueError("too long for the modern parser")
        parsed = getattr(message[name], "addresses", ())
        found = [(a.display_name, a.addr_spec) for a in parsed]
    except PARSER_ERRORS:
        found = []
    result = _usable_addresses(found)
    if not result and "@" in raw:
        # Broken quoting or syntax: the old parser, then any address-shaped text.
        decoded = decode_raw(raw[:MAX_PARSED_HEADER])
        result = _usable_addresses(email.utils.getaddresses([decoded]))
        result = result or _usable_addresses([("", a) for a in _LOOSE_ADDRESS.findall(decoded)])
    return tuple(result)


def _usable_addresses(found: list[tuple[str, str]]) -> list[Address]:
    result = []
    for display, spec in found:
        spec = unsurrogate(spec or "").strip().strip("<>")
        local, _, domain = spec.rpartition("@")
        if local and domain and " " not in spec and len(spec) <= 320:
            result.append(Address(name=unsurrogate(display or "")[:200], address=spec))
    return result


def message_ids(message: Message, name: str) -> tuple[str, ...]:
    raw = " ".join(unsurrogate(str(v)) for k, v in message.raw_items() if k.lower() == name).strip()
    ids = _MSGID.findall(raw)
    if not ids and raw and name == "message-id" and " " not in raw and len(raw) < 996:
        ids = [raw]  # a bare id without brackets
    return tuple(dict.fromkeys(ids))


def message_date(message: Message) -> datetime | None:
    raw = raw_header(message, "date")
    if not raw:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(unsurrogate(raw))
    except PARSER_ERRORS:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
