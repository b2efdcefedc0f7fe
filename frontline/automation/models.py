"""Time-based automations: rules the worker checks on a schedule ("pending for more than
3 business days: remind the customer"; "solved for 4 days: close")."""

from typing import ClassVar

from django.db import models

from frontline.accounts.models import Team
from frontline.core.models import TimestampedModel
from frontline.sla.models import Calendar
from frontline.tickets.models import Ticket


class Since(models.TextChoices):
    STATUS_CHANGED = "status_changed", "In its current status for"
    CREATED = "created", "Opened"
    UPDATED = "updated", "Unchanged for"
    LAST_MESSAGE = "last_message", "Since the last message"


class Unit(models.TextChoices):
    HOURS = "hours", "Hours"
    DAYS = "days", "Days"
    BUSINESS_HOURS = "business_hours", "Business hours"
    BUSINESS_DAYS = "business_days", "Business days"


class TimeRule(TimestampedModel):
    """Conditions on ticket fields and on a duration, then actions. A rule fires at most
    once per ticket per window: the window starts at the moment the duration counts from
    (the status change, the last update…), so a ticket that leaves and re-enters the
    condition can fire again."""

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0, help_text="Rules run in this order.")
    statuses = models.JSONField(help_text='Tickets in any of these statuses, e.g. ["pending"].')
    priorities = models.JSONField(default=list, blank=True)
    channels = models.JSONField(default=list, blank=True)
    tags = models.JSONField(default=list, blank=True, help_text="Tickets with any of them.")
    teams = models.ManyToManyField(Team, blank=True, related_name="time_rules")
    since = models.CharField(max_length=20, choices=Since.choices, default=Since.STATUS_CHANGED)
    amount = models.PositiveIntegerField()
    unit = models.CharField(max_length=20, choices=Unit.choices, default=Unit.DAYS)
    calendar = models.ForeignKey(
        Calendar,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="time_rules",
        help_text="For business hours and days; empty: the default calendar.",
    )
    actions = models.JSONField(default=list)

    class Meta:
        ordering: ClassVar[list[str]] = ["position", "id"]
        # The API lists rules in the order they run, a page at a time.
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["position", "id"], name="time_rule_position")
        ]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(condition=models.Q(amount__gte=1), name="time_rule_amount")
        ]

    def __str__(self) -> str:
        return self.name


class TimeRuleRun(models.Model):
    """A rule fired for a ticket in one condition window; unique, so it fires once."""

    rule = models.ForeignKey(TimeRule, on_delete=models.CASCADE, related_name="runs")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="time_rule_runs")
    window_start = models.DateTimeField()
    fired_at = models.DateTimeField()
    outcome = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["fired_at", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["rule", "ticket", "window_start"], name="time_rule_once_per_window"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} on ticket {self.ticket_id}"


class TriggerEvent(models.TextChoices):
    """What happened to a ticket that makes the triggers listening for it run."""

    CREATED = "created", "Ticket created"
    UPDATED = "updated", "Ticket updated (any change)"
    CUSTOMER_REPLIED = "customer_replied", "Customer replied"
    AGENT_REPLIED = "agent_replied", "Agent replied"
    STATUS_CHANGED = "status_changed", "Status changed"
    SLA_WARNING = "sla_warning", "SLA warning"
    SLA_BREACH = "sla_breach", "SLA breached"
    SURVEY_ANSWERED = "survey_answered", "Survey answered"


class Trigger(TimestampedModel):
    """An event rule: when one of ``events`` happens to a ticket and ``conditions`` hold,
    run ``actions`` in order. Run by the worker after the change commits."""

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0, help_text="Triggers run in this order.")
    events = models.JSONField(help_text='Trigger events, e.g. ["created", "customer_replied"].')
    conditions = models.JSONField(default=dict, blank=True)
    actions = models.JSONField(default=list)
    fire_count = models.PositiveIntegerField(default=0)
    last_fired_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["position", "id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["position", "id"], name="trigger_position")
        ]

    def __str__(self) -> str:
        return self.name


class TriggerFiring(models.Model):
    """One firing of a trigger on a ticket: what it did, or what failed."""

    trigger = models.ForeignKey(
        Trigger, null=True, on_delete=models.SET_NULL, related_name="firings"
    )
    trigger_name = models.CharField(max_length=100)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="trigger_firings")
    event = models.CharField(max_length=20, choices=TriggerEvent.choices)
    depth = models.PositiveSmallIntegerField(default=1)
    summary = models.TextField()
    error = models.TextField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["created_at", "id"], name="trigger_firing_recent"),
            models.Index(fields=["trigger", "created_at"], name="trigger_firing_trigger"),
        ]

    def __str__(self) -> str:
        return f"{self.trigger_name} on ticket {self.ticket_id}"
