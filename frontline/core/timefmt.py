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

STYLES: dict[str, Callable[[datetime], str]] = {
    "short": lambda local: f"{local:%b} {local.day}, {local:%H:%M}",  # Nov 23, 14:05
    "long": lambda local: f"{local:%b} {local.day}, {local.year}, {local:%H:%M}",
    "day": lambda local: f"{local:%a} {local.day} {local:%b}, {local:%H:%M}",  # Mon 23 Nov, …
    "clock": lambda local: f"{local:%H:%M}",
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
