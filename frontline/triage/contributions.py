"""What triage adds to the ticket page (registered in ``frontline/contributions.py``):
beneath each inbound message its language and sentiment, read with the messages, and a
side panel loaded after the page (so the page's own queries stay as they are) with the
ticket's language, latest sentiment, the rules that fired and related tickets."""

from typing import Any

from django.utils.html import escape

from frontline.tickets.contributions import TicketPanel
from frontline.triage.signals import language_name

TRIAGE_PANEL = TicketPanel(template="triage/_ticket_panel.html")


def signal_text(row: Any) -> str:
    """``English · negative (-0.62)``; ``German`` when there is no score."""
    parts = [language_name(row.language)]
    if row.sentiment is not None:
        score = f"{row.sentiment:+.2f}".replace("-", "\u2212")
        parts.append(f"{row.sentiment_label} ({score})")
    return " · ".join(parts)


class _Signal:
    """The message's ``MessageSignal`` (``Message.signal``), joined with the timeline."""

    related = "signal"
    fields = ("language", "language_confidence", "sentiment", "sentiment_label")

    def render(self, row: Any, *, ticket_number: int, csrf_token: str) -> str:
        label = escape(row.sentiment_label or "unknown")
        return (
            f'<div class="message-signal small muted signal-{label}" '
            f'title="Language confidence {row.language_confidence:.0%}">'
            f"{escape(signal_text(row))}</div>\n"
        )


SIGNAL_FOOTER = _Signal()
