"""Files coming in and going out: the one check of a declared media type, and the name and
type a stored file is served with, safe whatever was stored."""

import re

DEFAULT_MEDIA_TYPE = "application/octet-stream"
MAX_MEDIA_TYPE = 255

# RFC 6838 section 4.2: restricted-name, for the type and the subtype.
_NAME = r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}"
# RFC 9110 section 5.6: parameters are token=token or token=quoted-string.
_TCHARS = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_QUOTED = r'"(?:[\t \x21\x23-\x5b\x5d-\x7e]|\\[\t \x21-\x7e])*"'
_PARAMETER = rf"[ \t]*;[ \t]*{_TCHARS}=(?:{_TCHARS}|{_QUOTED})"
_MEDIA_TYPE = re.compile(rf"{_NAME}/{_NAME}(?:{_PARAMETER})*[ \t]*;?", re.ASCII)
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def is_media_type(value: str) -> bool:
    """Whether ``value`` is a media type such as ``text/plain; charset=utf-8``: no line
    breaks, no control characters, nothing a response header could not carry."""
    return len(value) <= MAX_MEDIA_TYPE and _MEDIA_TYPE.fullmatch(value) is not None


def media_type_or_default(value: str) -> str:
    """``value`` when it is a media type, else ``application/octet-stream`` (which a
    browser only ever offers to save)."""
    value = value.strip()
    return value if is_media_type(value) else DEFAULT_MEDIA_TYPE


def download_name(filename: str) -> str:
    """A stored file name as a download offers it: on one line, never empty."""
    name = _UNPRINTABLE.sub("_", filename).strip()
    return name or "attachment"
