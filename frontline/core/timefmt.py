"""Times as people read them on pages: in the viewer's time zone, in a few fixed styles,
inside ``<time>`` elements that also carry the exact instant.

Formatting with f-strings rather than Django's ``date`` filter: the filter parses its
format on every call, and a list page shows a few hundred times.
"""

import html
from collections.abc import Callable
from datetime import datetime, timedelta

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


def format_duration(duration: timedelta) -> str:
    """A length of time as "45 s", "12 min", "3 h" or "2 h 5 min" (its sign ignored)."""
    seconds = abs(duration) // timedelta(seconds=1)
    if seconds < 60:
        return f"{seconds} s"
    hours, rest = divmod(seconds, 3600)
    minutes = rest // 60
    parts = [f"{hours} h"] if hours else []
    if minutes:
        parts.append(f"{minutes} min")
    return " ".join(parts)


def due_text(due_at: datetime) -> str:
    """How far off a due time is from now: "in 45 min" or "overdue 5 min"."""
    delta = due_at - timezone.now()
    amount = format_duration(delta)
    return f"in {amount}" if delta.total_seconds() >= 0 else f"overdue {amount}"
