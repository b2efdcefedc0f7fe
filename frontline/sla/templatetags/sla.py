"""Template helpers for SLA state: ``{% load sla %}``.

``{% sla_targets ticket as targets %}`` gives the ticket's targets as they stand now (state,
due time, business time left, explanation); ``{{ due_at|sla_due }}`` says "in 45 min" or
"overdue 5 min" for a due time, ``{{ due_at|sla_due_tag }}`` the same in a ``<time>``.
"""

from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString

from frontline.core.timefmt import time_element
from frontline.sla.explain import format_duration
from frontline.sla.models import SlaTarget, TargetKind
from frontline.sla.readings import SlaReading
from frontline.tickets.models import Ticket

register = template.Library()

STATE_STYLES = {
    "active": "status-new",
    "paused": "status-on_hold",
    "met": "status-solved",
    "breached": "status-open",
}


@register.simple_tag
def sla_targets(ticket: Ticket) -> list[dict[str, object]]:
    now = timezone.now()
    rows = SlaTarget.objects.filter(ticket=ticket).select_related("calendar")
    return [_shown(row.reading(now)) for row in rows]


def _shown(reading: SlaReading) -> dict[str, object]:
    left = reading.remaining_seconds
    return {
        "label": TargetKind(reading.target).label,
        "state": reading.state,
        "style": STATE_STYLES[reading.state],
        "due_at": reading.due_at,
        "left": _left(left) if left is not None else "",
        "explanation": reading.explanation,
    }


def _left(seconds: int) -> str:
    amount = format_duration(timedelta(seconds=abs(seconds)))
    return f"{amount} left" if seconds >= 0 else f"{amount} over"


@register.filter
def sla_due_tag(due_at: datetime | None) -> SafeString | str:
    """The inbox row's "SLA in 45 min" as a ``<time>`` element with the due time on hover."""
    if due_at is None:
        return ""
    return time_element(
        due_at, f"SLA {sla_due(due_at)}", title="Next SLA target due ", css_class="sla-due"
    )


@register.filter
def sla_due(due_at: datetime | None) -> str:
    if due_at is None:
        return ""
    delta = due_at - timezone.now()
    amount = format_duration(abs(delta))
    return f"in {amount}" if delta.total_seconds() >= 0 else f"overdue {amount}"
