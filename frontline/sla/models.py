"""Business calendars, SLA policies, and each ticket's SLA targets with their stored due times."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.db import models

from frontline.accounts.models import Site, Team, validate_time_zone
from frontline.core.models import TimestampedModel
from frontline.tickets.models import Category, Priority, Ticket

if TYPE_CHECKING:
    from frontline.sla.readings import SlaReading


class TargetKind(models.TextChoices):
    FIRST_RESPONSE = "first_response", "First response"
    NEXT_RESPONSE = "next_response", "Next response"
    PERIODIC_UPDATE = "periodic_update", "Periodic update"
    RESOLUTION = "resolution", "Resolution"

    @classmethod
    def order(cls, value: str) -> int:
        return _TARGET_ORDER[value]


_TARGET_ORDER = {value: index for index, value in enumerate(TargetKind.values)}


class SlaState(models.TextChoices):
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    MET = "met", "Met"
    BREACHED = "breached", "Breached"


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def office_hours() -> dict[str, list[list[str]]]:
    """Monday to Friday, 09:00 to 17:00."""
    return {day: [["09:00", "17:00"]] if day not in ("sat", "sun") else [] for day in WEEKDAYS}


class Calendar(TimestampedModel):
    """When a team is open: weekly hours in a time zone, public holidays, special days."""

    name = models.CharField(max_length=100, unique=True)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    weekly_hours = models.JSONField(
        default=office_hours,
        help_text='Per weekday, open intervals: {"mon": [["08:00", "12:00"], ["13:00", '
        '"17:00"]], ..., "sun": []}. ["00:00", "24:00"] is open all day.',
    )
    holiday_country = models.CharField(
        max_length=2, blank=True, help_text="ISO 3166 code; its public holidays are closed."
    )
    holiday_subdivision = models.CharField(
        max_length=10, blank=True, help_text="State or region, e.g. BY for Bavaria."
    )
    special_days = models.JSONField(
        default=list,
        blank=True,
        help_text='Dates with their own hours: [{"date": "2025-12-24", "hours": [["09:00", '
        '"12:00"]], "name": "Christmas Eve"}]; empty hours close the day.',
    )
    is_default = models.BooleanField(
        default=False, help_text="Used by policies without a calendar of their own."
    )
    site = models.OneToOneField(
        Site,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sla_calendar",
        help_text="The site whose agents work these hours (follow-the-sun).",
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["name"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="sla_one_default_calendar",
            )
        ]

    def __str__(self) -> str:
        return self.name


def default_warning_actions() -> list[dict[str, Any]]:
    return [{"type": "notify", "recipients": ["assignee"]}]


def default_breach_actions() -> list[dict[str, Any]]:
    return [{"type": "notify", "recipients": ["assignee", "supervisor"]}]


def default_pause_statuses() -> list[str]:
    return ["pending", "on_hold"]


def default_warn_percents() -> list[int]:
    return [75, 90]


class SlaPolicy(TimestampedModel):
    """Service standards for the tickets it matches. The first active match, by position,
    applies; a match without a target for the ticket's priority means no SLA."""

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0, help_text="Lower is tried first.")
    is_active = models.BooleanField(default=True)
    priorities = models.JSONField(default=list, blank=True, help_text="Any of; empty: all.")
    organisation_tiers = models.JSONField(default=list, blank=True)
    customer_vip = models.BooleanField(
        null=True, blank=True, help_text="Only VIP customers (yes), only others (no), or all."
    )
    channels = models.JSONField(default=list, blank=True)
    tags = models.JSONField(default=list, blank=True, help_text="Tickets with any of them.")
    teams = models.ManyToManyField(Team, blank=True, related_name="sla_policies")
    categories = models.ManyToManyField(Category, blank=True, related_name="sla_policies")
    calendar = models.ForeignKey(
        Calendar,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="policies",
        help_text="Empty: the default calendar.",
    )
    pause_statuses = models.JSONField(default=default_pause_statuses, blank=True)
    warn_at_percent = models.JSONField(default=default_warn_percents, blank=True)
    warning_actions = models.JSONField(default=default_warning_actions, blank=True)
    breach_actions = models.JSONField(default=default_breach_actions, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["position", "id"]
        # The API lists policies in the order they are tried, a page at a time.
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["position", "id"], name="sla_policy_position")
        ]
        verbose_name = "SLA policy"
        verbose_name_plural = "SLA policies"

    def __str__(self) -> str:
        return self.name


class PolicyTarget(models.Model):
    """One goal of a policy: e.g. first response within 60 business minutes for urgent."""

    policy = models.ForeignKey(SlaPolicy, on_delete=models.CASCADE, related_name="targets")
    priority = models.CharField(max_length=10, choices=Priority.choices)
    target = models.CharField(max_length=20, choices=TargetKind.choices)
    minutes = models.PositiveIntegerField()
    business_hours = models.BooleanField(
        default=True, help_text="Count only open hours of the calendar; otherwise every minute."
    )
    calendar = models.ForeignKey(
        Calendar,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty: the policy's calendar.",
    )

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["policy", "priority", "target"], name="sla_one_goal_per_target"
            ),
            models.CheckConstraint(condition=models.Q(minutes__gte=1), name="sla_goal_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.policy}: {self.target} {self.priority} {self.minutes} min"


class ConfigVersion(models.Model):
    """One row whose token changes with every change to calendars or policies, so each
    process can keep them cached and know when to read them again."""

    token = models.UUIDField()
    changed_at = models.DateTimeField()

    def __str__(self) -> str:
        return str(self.token)


class TicketSla(models.Model):
    """A ticket's SLA summary: the policy and goals that apply and the next due time."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="sla")
    policy = models.ForeignKey(
        SlaPolicy, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    plan = models.JSONField(default=dict, help_text="The goals in force, as matched.")
    reason = models.TextField(blank=True, help_text="Why this policy and these goals apply.")
    next_due_at = models.DateTimeField(null=True, blank=True)
    agent_replied = models.BooleanField(
        default=False,
        help_text="An agent has replied in public (customer messages may now "
        "start next-response cycles).",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "ticket SLA"
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["next_due_at", "ticket"], name="sla_next_due"),
        ]

    def __str__(self) -> str:
        return f"SLA of ticket {self.ticket_id}"


class SlaTarget(models.Model):
    """Where one target of a ticket stands, stored so lists and the sweep never recompute.

    ``elapsed`` is the business time counted up to ``running_since`` (or to the stop); a
    running target keeps counting from ``running_since``. ``alert_at`` is the next moment
    the sweep has something to do (a warning or the breach), indexed.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="sla_targets")
    target = models.CharField(max_length=20, choices=TargetKind.choices)
    position = models.PositiveSmallIntegerField(default=0)
    cycle = models.PositiveIntegerField(default=1)
    state = models.CharField(max_length=10, choices=SlaState.choices)
    goal_seconds = models.PositiveIntegerField()
    business_time = models.BooleanField(default=True)
    calendar = models.ForeignKey(
        Calendar, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True)
    elapsed = models.DurationField(default=timedelta)
    running_since = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    warned_percent = models.PositiveSmallIntegerField(default=0)
    breach_handled_at = models.DateTimeField(null=True, blank=True)
    alert_at = models.DateTimeField(null=True, blank=True)
    explanation = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["position"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["ticket", "target"], name="sla_one_row_per_target")
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(
                fields=["alert_at", "id"],
                name="sla_target_alert",
                condition=models.Q(alert_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target} of ticket {self.ticket_id}: {self.state}"

    def reading(self, now: datetime) -> SlaReading:
        """The target as a person should see it at ``now`` (see ``readings``)."""
        from frontline.sla.readings import read_target

        return read_target(self, now)


class ChangeKind(models.TextChoices):
    APPLIED = "applied", "Policy applied"
    RECOMPUTED = "recomputed", "Due times recomputed"
    WARNED = "warned", "Warning sent"
    BREACHED = "breached", "Breached"
    ACTION = "action", "Action run"
    ACTION_FAILED = "action_failed", "Action failed"


class SlaChange(models.Model):
    """Append-only history of a ticket's SLA: why goals changed, warnings, breaches, actions."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="sla_changes")
    target = models.CharField(max_length=20, choices=TargetKind.choices, blank=True)
    kind = models.CharField(max_length=20, choices=ChangeKind.choices)
    message = models.TextField()
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering: ClassVar[list[str]] = ["at", "id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["ticket", "at", "id"], name="sla_change_ticket_at"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on ticket {self.ticket_id}"


class NotificationKind(models.TextChoices):
    WARNING = "warning", "Warning"
    BREACH = "breach", "Breach"
    AUTOMATION = "automation", "Time-based automation"


class SlaNotification(models.Model):
    """A message to a person about a ticket (an SLA warning or breach, or a time-based
    automation), held until their working hours, then shown in their workspace
    notifications (``sent_at``) and emailed (``emailed_at``)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sla_notifications"
    )
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    target = models.CharField(max_length=20, choices=TargetKind.choices, blank=True)
    kind = models.CharField(max_length=10, choices=NotificationKind.choices)
    percent = models.PositiveSmallIntegerField(default=100)
    message = models.TextField()
    created_at = models.DateTimeField()
    deliver_after = models.DateTimeField()
    sent_at = models.DateTimeField(
        null=True, blank=True, help_text="When it reached the workspace notifications."
    )
    emailed_at = models.DateTimeField(null=True, blank=True)
    digest_size = models.PositiveSmallIntegerField(
        default=0, help_text="How many notifications went out together, as one digest."
    )
    claim = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at", "id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(
                fields=["deliver_after", "recipient"],
                name="sla_notification_due",
                condition=models.Q(sent_at__isnull=True),
            ),
            # Delivered, not yet emailed and not being emailed: a failed send to retry.
            models.Index(
                fields=["recipient"],
                name="sla_notification_email_retry",
                condition=models.Q(
                    sent_at__isnull=False, emailed_at__isnull=True, claim__isnull=True
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id} on ticket {self.ticket_id}"
