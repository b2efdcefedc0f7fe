"""Guided workflows: decision trees agents walk on a ticket and customers run on the portal,
the HTTP integrations their lookups call, and every run with its path and answers."""

from typing import ClassVar

from django.conf import settings
from django.db import models

from frontline.core.models import TimestampedModel


class Integration(TimestampedModel):
    """A system a lookup step reads JSON from (an order service, a billing system).

    ``base_url`` may be a path ("/workflows/demo-integration"): it is then resolved against
    ``SITE_URL``, so the demo's endpoint on the running server needs no host configured."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    base_url = models.CharField(max_length=500)
    auth_header = models.CharField(
        max_length=100, blank=True, help_text='Header sent with every lookup, e.g. "X-Api-Key".'
    )
    secret = models.CharField(max_length=500, blank=True, help_text="The header's value.")
    timeout_s = models.FloatField(default=3.0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Workflow(TimestampedModel):
    """A decision tree (``definition``, see ``definition.py``). Each change of the
    definition is a new ``version``; runs keep the version they started with."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    definition = models.JSONField(default=dict)
    version = models.PositiveIntegerField(default=1)
    is_active = models.BooleanField(default=True)
    for_agents = models.BooleanField(default=True, help_text="Agents can start it on a ticket.")
    self_service = models.BooleanField(
        default=False, help_text="Customers can run it on the portal."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class RunStatus(models.TextChoices):
    ACTIVE = "active", "In progress"
    COMPLETED = "completed", "Completed"
    ABANDONED = "abandoned", "Abandoned"


class Outcome(models.TextChoices):
    NONE = "", "—"
    ACTIONS_RUN = "actions_run", "Actions run"
    ANSWERED = "answered", "Answered"
    RESOLVED = "resolved", "Resolved by the answer"
    TICKET_OPENED = "ticket_opened", "Ticket opened"
    NOTE_ADDED = "note_added", "Answers added as a note"


class WorkflowRun(models.Model):
    """One walk through a workflow: by an agent on a ticket, or by a customer (no ticket
    until the run opens one). ``path`` lists the step ids visited, in order; ``answers``
    what was answered, by the question's ``save_as``; ``lookups`` what each lookup found."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="runs")
    version = models.PositiveIntegerField()
    definition = models.JSONField()
    ticket = models.ForeignKey(
        "tickets.Ticket",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="workflow_runs",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="workflow_runs",
    )
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="workflow_runs",
    )
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.ACTIVE)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True, default="")
    current_step = models.CharField(max_length=60)
    answers = models.JSONField(default=dict, blank=True)
    lookups = models.JSONField(default=dict, blank=True)
    path = models.JSONField(default=list, blank=True)
    # What the end step did: one line per action ("Applied macro 'Refund approved'").
    results = models.JSONField(default=list, blank=True)
    opened_ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField()
    last_step_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-started_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["ticket", "status"], name="wfrun_ticket_status"),
            models.Index(fields=["workflow", "status", "current_step"], name="wfrun_report"),
            models.Index(fields=["customer", "-started_at"], name="wfrun_customer"),
        ]

    def __str__(self) -> str:
        return f"{self.workflow_id} run {self.pk}"
