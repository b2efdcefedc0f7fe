"""Macros: one click applies reply text with placeholders plus field changes and tags."""

from typing import ClassVar

from django.conf import settings
from django.db import models

from frontline.accounts.models import Team
from frontline.core.models import TimestampedModel


class Scope(models.TextChoices):
    PERSONAL = "personal", "Personal"
    TEAM = "team", "Team"
    SHARED = "shared", "Shared"


class Macro(TimestampedModel):
    """Reply text (placeholders such as ``{{ customer.first_name }}``) and ``changes``:
    ``{"status"?, "priority"?, "team_id"?, "tags"?}``. Personal macros belong to their
    owner, team macros to a team's members, shared ones to every agent."""

    name = models.CharField(max_length=120)
    body = models.TextField(blank=True)
    changes = models.JSONField(default=dict, blank=True)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.SHARED)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="macros",
        help_text="For a personal macro.",
    )
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="macros",
        help_text="For a team macro.",
    )
    is_active = models.BooleanField(default=True)
    usage_count = models.PositiveIntegerField(default=0)
    last_used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        # Most-used first: the composer's picker and the API list read this order.
        ordering: ClassVar[list[str]] = ["-usage_count", "name", "id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["scope", "-usage_count", "name"], name="macro_scope_usage"),
        ]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=(
                    models.Q(scope="personal", owner__isnull=False, team__isnull=True)
                    | models.Q(scope="team", team__isnull=False, owner__isnull=True)
                    | models.Q(scope="shared", owner__isnull=True, team__isnull=True)
                ),
                name="macro_scope_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MacroUse(models.Model):
    """One application of a macro to a ticket (usage per agent and over time)."""

    macro = models.ForeignKey(Macro, on_delete=models.CASCADE, related_name="uses")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    used_at = models.DateTimeField()

    class Meta:
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["macro", "used_at"], name="macro_use_macro_used"),
            models.Index(fields=["user", "used_at"], name="macro_use_user_used"),
        ]

    def __str__(self) -> str:
        return f"{self.macro_id} on {self.ticket_id}"
