"""Template helpers for the workspace and the portal: times, linked text, initials, JSON for
data-*."""

import json
from datetime import datetime, timedelta
from typing import Any

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from frontline.core.html import linkify
from frontline.core.timefmt import MONTHS, local_text, time_element

register = template.Library()


@register.filter
def since(value: datetime | None) -> str:
    """A compact age for lists: "just now", "14m", "3h", "2d", then the date."""
    if value is None:
        return ""
    delta = timezone.now() - value
    if delta < timedelta(minutes=1):
        return "just now"
    if delta < timedelta(hours=1):
        return f"{int(delta.total_seconds() // 60)}m"
    if delta < timedelta(days=1):
        return f"{int(delta.total_seconds() // 3600)}h"
    if delta < timedelta(days=7):
        return f"{delta.days}d"
    local = timezone.localtime(value)
    if local.year == timezone.localtime().year:
        return f"{MONTHS[local.month - 1]} {local.day}"
    return f"{MONTHS[local.month - 1]} {local.day}, {local.year}"


@register.filter
def time_tag(value: datetime | None, style: str = "short") -> SafeString | str:
    """A ``<time>`` element in the viewer's time zone, the full date and time on hover, and
    as text the ``style``: "short" (Nov 23, 14:05), "long" (with the year), "day" (Mon 23
    Nov, 14:05), "clock" (14:05) or "since" (3h)."""
    if value is None:
        return ""
    text = since(value) if style == "since" else local_text(value, style)
    return time_element(value, text)


@register.filter
def linked(text: str | None) -> SafeString:
    """Plain text escaped, with line breaks kept and web and mail addresses linked."""
    return mark_safe(linkify(text or ""))  # noqa: S308 - linkify escapes everything


@register.filter
def duration(value: timedelta | None) -> str:
    """An age such as "2d 4h" or "35m" for waiting times."""
    if value is None:
        return ""
    minutes = max(int(value.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    return f"{minutes}m"


@register.filter
def initials(name: str) -> str:
    parts = [p for p in str(name).replace("@", " ").split() if p]
    return "".join(p[0] for p in parts[:2]).upper() or "?"


@register.filter
def as_json(value: Any) -> str:
    """JSON for a data-* attribute; the template's autoescaping makes it attribute-safe."""
    return json.dumps(value, separators=(",", ":"), default=str)


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.simple_tag(takes_context=True)
def page_parts(context: Any, kind: str) -> SafeString:
    """What other apps draw into this spot of the page (``core.contributions.PagePart``)."""
    from frontline.core.contributions import entries

    request = context.get("request")
    if request is None:
        return mark_safe("")
    return mark_safe("".join(part.render(request) for part in entries(kind)))  # noqa: S308 - parts escape
