"""Triage rules: conditions over a new ticket's facts and the fields they set."""

from typing import ClassVar

from django.conf import settings
from django.db import models

from frontline.accounts.models import Team
from frontline.core.models import TimestampedModel
from frontline.tickets.models import Category, Priority, Ticket


class TriageRule(TimestampedModel):
    """Checked in ``position`` order against every new ticket; the first match of a rule
    with ``stop_processing`` ends the run. Written only by ``triage.rules``."""

    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    conditions = models.JSONField(
        default=dict, help_text="The condition language of frontline/core/conditions.py."
    )
    set_category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_priority = models.CharField(max_length=10, choices=Priority.choices, blank=True)
    set_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    add_tags = models.JSONField(default=list, blank=True)
    stop_processing = models.BooleanField(
        default=False, help_text="When this rule matches, later rules are not checked."
    )
    match_count = models.PositiveIntegerField(default=0)
    last_matched_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["position", "id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["is_active", "position"], name="triage_rule_active"),
        ]

    def __str__(self) -> str:
        return self.name


class RuleFiring(models.Model):
    """A rule that matched a ticket, with what it changed: shown on the ticket."""

    rule = models.ForeignKey(
        TriageRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="firings"
    )
    rule_name = models.CharField(max_length=120)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="rule_firings")
    changes = models.JSONField(default=dict)
    created_at = models.DateTimeField()

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at", "id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["ticket", "created_at"], name="triage_firing_ticket"),
        ]

    def __str__(self) -> str:
        return f"{self.rule_name} on ticket {self.ticket_id}"
