"""Turning the bytes of mail into text without losing any: declared charsets first, then
fallbacks for the mislabelled ones, and Latin-1 last because it maps every byte."""

import codecs
import re

# Names seen in real mail that Python does not know, or knows by a narrower charset than
# senders actually use (gb2312 mail is written in gb18030, ks_c_5601 in cp949).
_ALIASES = {
    "utf8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "euc-kr": "cp949",
    "iso-8859-8-i": "iso-8859-8",
    "iso-8859-6-i": "iso-8859-6",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "shift_jis": "cp932",
    "x-sjis": "cp932",
    "windows-31j": "cp932",
    "iso-2022-jp": "iso2022_jp_ext",
    "big5": "big5hkscs",
    "windows-874": "cp874",
    "x-mac-roman": "mac_roman",
    "macintosh": "mac_roman",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
}
_NO_CHARSET = {"", "unknown-8bit", "x-unknown", "unknown", "x-user-defined", "default", "8bit"}
# Charsets that real mail often declares while carrying UTF-8: trust valid UTF-8 over them.
_OFTEN_WRONG = {"ascii", "cp1252", "iso8859-15", "utf-7"}
_CHARSET_NAME = re.compile(r"^[\w.:+-]{1,40}$", re.ASCII)
_SURROGATES = re.compile("[\udc80-\udcff]+")
_CONTROL = re.compile("[\x00\ufffe\uffff]")


def codec_for(charset: str | None) -> str | None:
    """Python's codec name for a declared charset, or None when unknown or absent."""
    name = (charset or "").strip().strip("\"'").lower()
    if name in _NO_CHARSET:
        return None
    name = _ALIASES.get(name, name)
    if not _CHARSET_NAME.match(name):
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_text(data: bytes, charset: str | None) -> str:
    """Decode ``data`` declared as ``charset``; never raises and never drops a byte."""
    if not data:
        return ""
    declared = codec_for(charset)
    if declared is not None and declared.startswith("iso2022_jp"):
        return _iso2022jp(data, declared)
    if data.isascii():
        return clean(data.decode("ascii"))
    candidates: list[str] = []
    if declared is None or declared in _OFTEN_WRONG:
        candidates.append("utf-8")
    if declared is not None:
        candidates.append(declared)
    candidates += ["utf-8", "cp1252"]
    for codec in dict.fromkeys(candidates):
        try:
            return clean(data.decode(codec))
        except (UnicodeDecodeError, LookupError):
            continue
    return clean(data.decode("latin-1"))


def _iso2022jp(data: bytes, codec: str) -> str:
    """ISO-2022-JP as Outlook writes it, with NEC and IBM extensions (circled digits, No.)
    that Python's codec refuses: each JIS pair maps to Shift_JIS, which cp932 reads."""
    try:
        return clean(data.decode(codec))
    except UnicodeDecodeError:
        pass
    out, double = bytearray(), False
    for segment in re.split(rb"(\x1b\$[@B]|\x1b\([BJ])", data):
        if segment.startswith(b"\x1b"):
            double = segment.startswith(b"\x1b$")
        elif double:
            out += _jis_to_sjis(segment)
        else:
            out += segment
    return decode_text(bytes(out), "cp932")


def _jis_to_sjis(pairs: bytes) -> bytes:
    out = bytearray()
    for i in range(0, len(pairs) - 1, 2):
        c1, c2 = pairs[i], pairs[i + 1]
        s1 = ((c1 - 0x21) >> 1) + 0x81
        s1 += 0x40 if s1 > 0x9F else 0
        s2 = c2 + (0x1F + (1 if c2 >= 0x60 else 0) if c1 & 1 else 0x7E)
        out += bytes((s1 & 0xFF, s2 & 0xFF))
    return bytes(out)


def unsurrogate(text: str) -> str:
    """Replace the stand-ins the ``email`` package leaves for undecodable bytes
    (surrogate escapes) with those bytes decoded by the fallbacks above."""
    if not _SURROGATES.search(text):
        return clean(text)
    return clean(
        _SURROGATES.sub(
            lambda m: decode_text(m.group(0).encode("utf-8", "surrogateescape"), None), text
        )
    )


def clean(text: str) -> str:
    """Text every database accepts: no NUL (PostgreSQL refuses it), no byte-order mark."""
    return _CONTROL.sub("", text).lstrip("\ufeff")
