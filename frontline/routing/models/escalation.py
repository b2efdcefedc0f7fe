"""Escalation between tiered teams: each move up or down the tier path, and the ticket's
summary of where it stands (tier reached, escalation count)."""

from typing import ClassVar

from django.conf import settings
from django.db import models

from frontline.accounts.models import Team
from frontline.tickets.models import Ticket


class Direction(models.TextChoices):
    UP = "up", "Escalated"
    DOWN = "down", "De-escalated"


class TicketEscalation(models.Model):
    """One move of a ticket along its team's tier path, append-only. A move down names the
    move up it reverses, so de-escalating twice walks T3 → T2 → T1."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="escalations")
    from_team = models.ForeignKey(Team, null=True, on_delete=models.SET_NULL, related_name="+")
    to_team = models.ForeignKey(Team, null=True, on_delete=models.SET_NULL, related_name="+")
    from_tier = models.PositiveSmallIntegerField()
    to_tier = models.PositiveSmallIntegerField()
    direction = models.CharField(max_length=4, choices=Direction.choices)
    reason = models.TextField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who held the ticket when it went up: a de-escalation hands it back to them.
    previous_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reversed_by"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["ticket", "created_at", "id"], name="escalation_ticket_created"),
        ]

    def __str__(self) -> str:
        return f"{self.direction} #{self.ticket_id} {self.from_tier}->{self.to_tier}"


class TicketTier(models.Model):
    """What the ticket page, the API and reports read about a ticket's tiers without
    replaying its history; written only by ``routing.escalation``."""

    ticket = models.OneToOneField(
        Ticket, primary_key=True, on_delete=models.CASCADE, related_name="tier_summary"
    )
    current_tier = models.PositiveSmallIntegerField()
    highest_tier = models.PositiveSmallIntegerField()
    escalations = models.PositiveIntegerField(default=0)
    de_escalations = models.PositiveIntegerField(default=0)
    last_moved_at = models.DateTimeField()

    class Meta:
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["highest_tier", "escalations"], name="tier_highest_count"),
        ]

    def __str__(self) -> str:
        return f"Tier {self.current_tier} of #{self.ticket_id}"
