"""Formats carried inside mail that are not MIME: the content of an opaque S/MIME
signature (CMS SignedData), inline PGP signatures, Outlook's TNEF (winmail.dat) and
iCalendar invitations. Pure functions over bytes and text."""

import mimetypes
import re
import struct
from dataclasses import dataclass, field

import tnefparse

from frontline.channels.email.charsets import decode_text, unsurrogate

_SIGNED_DATA = bytes.fromhex("06092a864886f70d010702")
_ID_DATA = bytes.fromhex("06092a864886f70d010701")
_PGP_SIGNED = re.compile(
    r"-----BEGIN PGP SIGNED MESSAGE-----\r?\n(?:Hash:[^\n]*\n)*\r?\n(?P<body>.*?)\r?\n"
    r"(?P<signature>-----BEGIN PGP SIGNATURE-----.*?-----END PGP SIGNATURE-----)",
    re.DOTALL,
)
# What tnefparse raises on damaged input.
TNEF_ERRORS = (
    ValueError, IndexError, KeyError, TypeError, AttributeError, LookupError, OverflowError,
    UnicodeError, struct.error,
)  # fmt: skip


def signed_content(der: bytes) -> bytes | None:
    """The MIME entity inside a CMS SignedData blob (RFC 5652), or None when the blob is
    something else (encrypted, damaged). Reads only as much DER/BER as that takes; raises
    IndexError on a truncated blob."""
    if _SIGNED_DATA not in der[:64]:
        return None
    at = der.find(_ID_DATA)
    pos = at + len(_ID_DATA)
    if at < 0 or der[pos] != 0xA0:  # [0] EXPLICIT eContent
        return None
    _, pos = _length(der, pos + 1)
    tag, length, pos = der[pos], *_length(der, pos + 1)
    if tag == 0x04 and length is not None:
        return der[pos : pos + length]
    if tag != 0x24:  # a constructed OCTET STRING: chunks, e.g. from OpenSSL's streaming
        return None
    chunks = []
    while der[pos] == 0x04:
        size, pos = _length(der, pos + 1)
        if size is None:
            return None
        chunks.append(der[pos : pos + size])
        pos += size
    return b"".join(chunks)


def _length(der: bytes, pos: int) -> tuple[int | None, int]:
    """A DER/BER length at ``pos``: (length or None when indefinite, position after it)."""
    first = der[pos]
    if first == 0x80:
        return None, pos + 1
    if first < 0x80:
        return first, pos + 1
    count = first & 0x7F
    return int.from_bytes(der[pos + 1 : pos + 1 + count], "big"), pos + 1 + count


def split_inline_pgp(text: str) -> tuple[str, str]:
    """(the signed text without its armour, the signature block) or (text, "")."""
    match = _PGP_SIGNED.search(text)
    if match is None:
        return text, ""
    unsigned = text[: match.start()] + match.group("body") + text[match.end() :]
    return unsigned, match.group("signature")


@dataclass
class Tnef:
    text: str = ""
    html: str = ""
    files: list[tuple[str, str, bytes]] = field(default_factory=list)  # name, type, content


def read_tnef(data: bytes) -> Tnef:
    """Body and files of a winmail.dat; raises one of TNEF_ERRORS when unreadable."""
    parsed = tnefparse.TNEF(data, do_checksum=False)
    found = Tnef()
    for attachment in parsed.attachments:
        if attachment.data:
            name = unsurrogate(str(attachment.long_filename() or attachment.name or "attachment"))
            kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
            found.files.append((name, kind, bytes(attachment.data)))
    found.text = _tnef_text(parsed.body)
    found.html = _tnef_text(parsed.htmlbody)
    return found


def _tnef_text(value: object) -> str:
    if isinstance(value, bytes):
        return decode_text(value.rstrip(b"\x00"), None)
    return unsurrogate(value) if isinstance(value, str) else ""


def calendar_summary(text: str) -> str:
    """'Calendar request: <start>, <place>, <title>' for an iCalendar text, or ""."""
    unfolded = re.sub(r"\r?\n[ \t]", "", text)
    fields = dict(re.findall(r"^(SUMMARY|DTSTART|LOCATION)[^:\n]*:(.*?)\r?$", unfolded, flags=re.M))
    if not fields:
        return ""
    method = re.search(r"^METHOD:(\w+)", unfolded, flags=re.M)
    heading = "Calendar " + (method.group(1).lower() if method else "event")
    details = ", ".join(v.strip() for _, v in sorted(fields.items()) if v.strip())
    return f"{heading}: {details}"
