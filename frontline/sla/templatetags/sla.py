"""Template helpers for SLA state: ``{% load sla %}``.

``{% sla_targets ticket as targets %}`` gives the ticket's targets as they stand now (state,
due time, business time left, explanation). The inbox rows write their "SLA in 45 min"
themselves (``frontline.tickets.list_html``).
"""

from datetime import timedelta

from django import template
from django.utils import timezone

from frontline.core.timefmt import format_duration
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
