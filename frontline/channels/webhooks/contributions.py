"""What messaging channels add to the ticket page (registered in
``frontline/contributions.py``): beneath each reply sent through a channel how it fared,
and the phone calls panel."""

from typing import Any

from django.utils.html import escape

from frontline.core.templatetags.frontline import time_tag
from frontline.tickets.contributions import TicketPanel

CALLS_PANEL = TicketPanel(template="webhooks/_calls_panel.html")


class _Delivery:
    """The reply's ``OutboundMessage`` (``Message.messaging_delivery``)."""

    related = "messaging_delivery"
    fields = ("status", "recipient", "attempts", "last_error", "status_at", "next_attempt_at")

    def render(self, row: Any, *, ticket_number: int, csrf_token: str) -> str:
        state = f"<strong>{escape(row.get_status_display())}</strong>"
        if row.status_at:
            state += f" {time_tag(row.status_at)}"
        if row.status == "retrying" and row.next_attempt_at:
            state += f", next attempt {time_tag(row.next_attempt_at, 'clock')}"
        if row.attempts > 1:
            state += f" ({row.attempts} attempts)"
        error = (
            f'<span class="delivery-error">{escape(row.last_error)}</span>\n'
            if row.last_error and row.status in ("failed", "retrying")
            else ""
        )
        return (
            f'<div class="delivery delivery-{escape(row.status)}" role="status">\n'
            f'<span class="delivery-state">Message to {escape(row.recipient)}:\n{state}\n'
            f"</span>\n{error}</div>\n"
        )


DELIVERY = _Delivery()
