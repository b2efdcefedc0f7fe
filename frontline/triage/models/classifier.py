"""The classifier's stored models and what they predicted.

``TriageModel`` is one trained version per field (category, priority, team); at most one
version per field is active. ``TriagePrediction`` is what the active model said about a
new ticket, whether it was applied, and — once the ticket is solved — whether the agents
kept it. ``TriageTrainingClaim`` lets one worker at a time retrain a field.
"""

from typing import ClassVar

from django.db import models

from frontline.tickets.models import Ticket


class PredictedField(models.TextChoices):
    CATEGORY = "category", "Category"
    PRIORITY = "priority", "Priority"
    TEAM = "team", "Team"


class TriageModel(models.Model):
    field = models.CharField(max_length=16, choices=PredictedField.choices)
    version = models.PositiveIntegerField()
    trained_at = models.DateTimeField()
    trained_on = models.PositiveIntegerField(help_text="Labelled tickets it was trained on.")
    labels = models.JSONField(default=list, help_text="The values it can predict.")
    metrics = models.JSONField(default=dict, help_text="Hold-out figures at training time.")
    # The fitted ``classifier.model.TextClassifier``, joblib-compressed: a database column
    # works for every process on SQLite and PostgreSQL alike, with no shared disk.
    estimator = models.BinaryField()
    is_active = models.BooleanField(default=False)

    class Meta:
        ordering: ClassVar[list[str]] = ["field", "-version"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["field", "version"], name="triage_model_version"),
            models.UniqueConstraint(
                fields=["field"],
                condition=models.Q(is_active=True),
                name="triage_model_one_active",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(
                fields=["is_active"], condition=models.Q(is_active=True), name="triage_model_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.field} v{self.version}"


class TriagePrediction(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="predictions")
    field = models.CharField(max_length=16, choices=PredictedField.choices)
    model = models.ForeignKey(
        TriageModel, null=True, on_delete=models.SET_NULL, related_name="predictions"
    )
    model_version = models.PositiveIntegerField()
    value = models.CharField(max_length=100, help_text="Category slug, priority or team slug.")
    confidence = models.FloatField()
    applied = models.BooleanField(default=False)
    # Filled when the ticket is solved: the value the agents left and whether it matches.
    final_value = models.CharField(max_length=100, blank=True)
    correct = models.BooleanField(null=True)
    created_at = models.DateTimeField()
    scored_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["ticket", "field"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["ticket", "field"], name="triage_prediction_once"),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["field", "model_version"], name="triage_prediction_version"),
        ]

    def __str__(self) -> str:
        return f"{self.field}={self.value} ({self.confidence:.0%}) on ticket {self.ticket_id}"


class TriageTrainingClaim(models.Model):
    """One row per field; a worker retrains only after claiming it with a conditional update."""

    field = models.CharField(max_length=16, choices=PredictedField.choices, primary_key=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"training claim for {self.field}"
