"""Swarming: the ticket's owner keeps it and asks colleagues in to help."""

from typing import ClassVar

from django.conf import settings
from django.db import models

from frontline.tickets.models import Ticket


class Swarm(models.Model):
    """One swarm on a ticket; at most one is active (``ended_at`` empty) per ticket."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="swarms")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_swarms"
    )
    question = models.TextField()
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    outcome = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-started_at", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["ticket"],
                condition=models.Q(ended_at__isnull=True),
                name="swarm_one_active_per_ticket",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["ticket", "started_at"], name="swarm_ticket_started"),
        ]

    def __str__(self) -> str:
        return f"Swarm on #{self.ticket_id}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


class SwarmMember(models.Model):
    """Someone in a swarm: its owner (``is_owner``) or an invited colleague. ``active``
    mirrors the swarm's state, so "my active swarms" is one indexed walk."""

    swarm = models.ForeignKey(Swarm, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="swarm_memberships"
    )
    is_owner = models.BooleanField(default=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField()
    reason = models.CharField(
        max_length=200, blank=True, help_text="Why they were suggested, e.g. 'billing 5/5'."
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-is_owner", "invited_at", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["swarm", "user"], name="swarm_member_once"),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["user", "active", "invited_at"], name="swarm_member_user_active"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in swarm {self.swarm_id}"
