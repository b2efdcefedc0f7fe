"""Times as people read them on pages: in the viewer's time zone, in a few fixed styles,
inside ``<time>`` elements that also carry the exact instant.

Formatting with f-strings rather than Django's ``date`` filter: the filter parses its
format on every call, and a list page shows a few hundred times.
"""

import html
from collections.abc import Callable
from datetime import datetime

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

# English names, as the rest of the interface; strftime is locale-bound and, per call,
# several times slower than a tuple look-up.
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _clock(local: datetime) -> str:
    return f"{local.hour:02d}:{local.minute:02d}"


STYLES: dict[str, Callable[[datetime], str]] = {
    # Nov 23, 14:05
    "short": lambda local: f"{MONTHS[local.month - 1]} {local.day}, {_clock(local)}",
    # Nov 23, 2026, 14:05
    "long": lambda local: f"{MONTHS[local.month - 1]} {local.day}, {local.year}, {_clock(local)}",
    # Mon 23 Nov, 14:05
    "day": lambda local: (
        f"{_DAYS[local.weekday()]} {local.day} {MONTHS[local.month - 1]}, {_clock(local)}"
    ),
    "clock": _clock,
}


def local_text(value: datetime, style: str = "short") -> str:
    """``value`` in the active time zone, written in ``style`` (a key of ``STYLES``)."""
    return STYLES[style](timezone.localtime(value))


def time_element(value: datetime, text: str, *, title: str = "", css_class: str = "") -> SafeString:
    """``<time>`` with the instant in ``datetime``, the full local date and time (after
    ``title``) on hover, and ``text`` (escaped) inside."""
    local = timezone.localtime(value)
    hover = html.escape(f"{title}{STYLES['long'](local)}")
    css = f' class="{html.escape(css_class)}"' if css_class else ""
    return mark_safe(  # noqa: S308 - every part is escaped or made of numbers and month names
        f'<time{css} datetime="{local.isoformat(timespec="seconds")}" title="{hover}">'
        f"{html.escape(text)}</time>"
    )
