"""What triage reads from each inbound customer message: its language and sentiment."""

from typing import ClassVar

from django.db import models

from frontline.tickets.models import Message, Ticket


class SentimentLabel(models.TextChoices):
    NEGATIVE = "negative", "Negative"
    NEUTRAL = "neutral", "Neutral"
    POSITIVE = "positive", "Positive"


class MessageSignal(models.Model):
    """Language and sentiment of one inbound customer message. ``sentiment`` is the VADER
    compound score (-1 to 1), kept only for English text (VADER's lexicon is English)."""

    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="signal")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="message_signals")
    language = models.CharField(max_length=8, blank=True)
    language_confidence = models.FloatField(default=0.0)
    sentiment = models.FloatField(null=True, blank=True)
    sentiment_label = models.CharField(max_length=10, choices=SentimentLabel.choices, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["ticket", "created_at"], name="triage_signal_ticket"),
        ]

    def __str__(self) -> str:
        return f"{self.language or '?'} {self.sentiment_label or '-'} on message {self.message_id}"
