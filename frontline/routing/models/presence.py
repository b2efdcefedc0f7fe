"""An agent's routing availability: online, away or offline, and when it last changed."""

from typing import ClassVar

from django.db import models

from frontline.accounts.models import User


class PresenceStatus(models.TextChoices):
    ONLINE = "online", "Online"
    AWAY = "away", "Away"
    OFFLINE = "offline", "Offline"


class AgentPresence(models.Model):
    """One row per agent; the row routing locks to check the agent's capacity."""

    user = models.OneToOneField(
        User, primary_key=True, on_delete=models.CASCADE, related_name="routing_presence"
    )
    status = models.CharField(
        max_length=10, choices=PresenceStatus.choices, default=PresenceStatus.OFFLINE
    )
    since = models.DateTimeField(help_text="When the status last changed.")
    last_seen_at = models.DateTimeField(
        null=True, blank=True, help_text="The last heartbeat of an open workspace page."
    )
    last_assigned_at = models.DateTimeField(
        null=True, blank=True, help_text="When routing last gave this agent a ticket."
    )
    shift_calendar = models.ForeignKey(
        "sla.Calendar",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Outside these hours the agent counts as offline.",
    )

    class Meta:
        verbose_name = "agent presence"
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["status", "last_seen_at"], name="presence_status_seen")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.status}"
