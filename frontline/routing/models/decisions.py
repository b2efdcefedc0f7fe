"""Why a ticket went where it went: every routing attempt that assigned or had to wait."""

from typing import ClassVar

from django.db import models

from frontline.accounts.models import Team, User
from frontline.tickets.models import Ticket


class RoutingDecision(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="routing_decisions")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assignee = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    strategy = models.CharField(max_length=20)
    trigger = models.CharField(max_length=20, default="new")
    reason = models.CharField(max_length=500)
    # [{"agent_id", "name", "score", "skipped", "load", "capacity", "proficiency", "idle_s"}]
    candidates = models.JSONField(default=list)
    relaxations = models.JSONField(default=list)
    actor_user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at", "id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["ticket", "created_at"], name="routing_decision_ticket"),
        ]

    def __str__(self) -> str:
        return f"Routing of ticket {self.ticket_id}: {self.reason}"
