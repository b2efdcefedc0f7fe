"""What triage adds to the ticket page (registered in ``frontline/contributions.py``):
beneath each inbound message its language and sentiment, read with the messages, and a
side panel loaded after the page (so the page's own queries stay as they are) with the
ticket's language, latest sentiment, the rules that fired and related tickets."""

from datetime import datetime
from typing import Any

from django.utils.html import escape
from ninja import Field, Schema

from frontline.core.actors import Actor
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


class SignalOut(Schema):
    language: str | None = Field(description="ISO 639-1 code of the first message; null if unsure.")
    sentiment: float | None = Field(
        description="VADER compound score (-1 to 1) of the latest "
        "English customer message; null without one."
    )
    sentiment_label: str | None = Field(description="negative, neutral or positive.")


class _SignalField:
    """``triage`` on ``GET /tickets/{id}``: the language of the customer's request and the
    sentiment of their latest message, for staff; customers get null."""

    name = "triage"
    annotation = SignalOut | None
    description = "Detected language and latest sentiment, for staff; null for customers."

    def value(self, ticket: Any, *, actor: Actor, now: datetime) -> SignalOut | None:
        if not actor.is_agent:
            return None
        from frontline.triage.models import MessageSignal

        rows = list(
            MessageSignal.objects.filter(ticket=ticket)
            .order_by("created_at", "id")
            .values_list("language", "sentiment", "sentiment_label")
        )
        language = next((row[0] for row in rows if row[0]), None)
        scored = [row for row in rows if row[1] is not None]
        latest = scored[-1] if scored else None
        return SignalOut(
            language=language,
            sentiment=latest[1] if latest else None,
            sentiment_label=latest[2] if latest else None,
        )


SIGNAL_FIELD = _SignalField()
