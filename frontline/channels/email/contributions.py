"""What the email channel adds to the ticket page (registered in
``frontline/contributions.py``): beneath each reply, how its email fared, and a button to
send a failed one again."""

from typing import Any

from django.urls import reverse
from django.utils.html import escape

from frontline.core.templatetags.frontline import time_tag

# Emails in these states may be sent again from the page.
_RETRIABLE = frozenset({"failed", "retrying"})


class _Delivery:
    """The reply's ``OutboundMessage`` (``Message.email``), joined with the timeline."""

    related = "email"
    # The columns shown: a long thread builds a model instance for each joined email.
    fields = (
        "status", "recipient", "sent_at", "next_attempt_at", "attempts", "last_error",
        "ticket_message_id",
    )  # fmt: skip

    def render(self, row: Any, *, ticket_number: int, csrf_token: str) -> str:
        state = f"<strong>{escape(row.get_status_display())}</strong>"
        if row.status == "sent" and row.sent_at:
            state += f" {time_tag(row.sent_at)}"
        if row.status == "retrying" and row.next_attempt_at:
            state += f", next attempt {time_tag(row.next_attempt_at, 'clock')}"
        if row.attempts > 1:
            state += f" ({row.attempts} attempts)"
        error = (
            f'<span class="delivery-error">{escape(row.last_error)}</span>\n'
            if row.last_error
            else ""
        )
        retry = _retry_form(row, ticket_number, csrf_token) if row.status in _RETRIABLE else ""
        return (
            f'<div class="delivery delivery-{escape(row.status)}" role="status">\n'
            f'<span class="delivery-state">Email to {escape(row.recipient)}:\n{state}\n</span>\n'
            f"{error}{retry}</div>\n"
        )


def _retry_form(row: Any, ticket_number: int, csrf_token: str) -> str:
    action = escape(reverse("email:retry", args=[ticket_number, row.pk]))
    return (
        f'<form method="post" action="{action}" class="inline-form">'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf_token)}">'
        '<button type="submit" class="button">Send again</button></form>\n'
    )


DELIVERY = _Delivery()
