"""How each team takes its work: the routing strategy, its queue order, and its tier path."""

from typing import ClassVar

from django.db import models

from frontline.accounts.models import Team


class Strategy(models.TextChoices):
    MANUAL = "manual", "Manual (agents pick from the queue)"
    ROUND_ROBIN = "round_robin", "Round-robin"
    LEAST_LOADED = "least_loaded", "Least loaded"
    SKILLS = "skills", "Skills-based"


class QueueOrder(models.TextChoices):
    OLDEST = "oldest", "Oldest first"
    SLA_SOONEST = "sla_soonest", "SLA due soonest"


class TeamMode(models.TextChoices):
    TIERED = "tiered", "Tiered (escalate to the next tier)"
    COLLABORATIVE = "collaborative", "Collaborative (the owner keeps it and swarms)"


class TeamRouting(models.Model):
    """A team's routing settings; a team without a row routes manually."""

    team = models.OneToOneField(
        Team, primary_key=True, on_delete=models.CASCADE, related_name="routing"
    )
    strategy = models.CharField(max_length=20, choices=Strategy.choices, default=Strategy.MANUAL)
    queue_order = models.CharField(
        max_length=20, choices=QueueOrder.choices, default=QueueOrder.OLDEST
    )
    mode = models.CharField(max_length=20, choices=TeamMode.choices, default=TeamMode.TIERED)
    escalates_to = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="escalated_from",
        help_text="The next tier: where an escalated ticket goes.",
    )
    fallback_team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="fallback_for",
        help_text="Where a ticket goes when nobody here fits within the wait.",
    )
    relax_after_seconds = models.PositiveIntegerField(
        default=300, help_text="How long a ticket waits before routing relaxes a step."
    )
    round_robin_last = models.PositiveIntegerField(
        null=True, blank=True, help_text="The user id round-robin gave the last ticket to."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "team routing"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=~models.Q(escalates_to=models.F("team")),
                name="routing_no_self_escalation",
            ),
        ]

    def __str__(self) -> str:
        return f"Routing of {self.team_id}"
