"""How the predictions fared against what agents finally set.

When a ticket is solved, each of its predictions is compared with the ticket's value then
(``score_ticket``); solving again after a reopen scores again. ``accuracy_report`` sums
them per field and model version, and per predicted label.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django.db.models import Count, Q
from django.utils import timezone

from frontline.tickets.models import Ticket
from frontline.triage.classifier import dataset
from frontline.triage.models import TriagePrediction


def score_ticket(ticket: Ticket) -> int:
    """Mark the ticket's predictions right or wrong; the number scored."""
    predictions = list(TriagePrediction.objects.filter(ticket=ticket))
    if not predictions:
        return 0
    now = timezone.now()
    for prediction in predictions:
        final = dataset.value_of(ticket, prediction.field) or ""
        prediction.final_value = final
        prediction.correct = final == prediction.value
        prediction.scored_at = now
    TriagePrediction.objects.bulk_update(predictions, ["final_value", "correct", "scored_at"])
    return len(predictions)


@dataclass
class LabelFigures:
    label: str
    predictions: int
    applied: int
    scored: int
    correct: int

    @property
    def precision(self) -> float | None:
        return _ratio(self.correct, self.scored)


@dataclass
class VersionFigures:
    field: str
    model_version: int
    predictions: int = 0
    applied: int = 0
    scored: int = 0
    correct: int = 0
    applied_scored: int = 0
    applied_correct: int = 0
    suggested_scored: int = 0
    suggested_correct: int = 0
    labels: list[LabelFigures] = dataclass_field(default_factory=list)

    @property
    def accuracy(self) -> float | None:
        return _ratio(self.correct, self.scored)

    @property
    def applied_accuracy(self) -> float | None:
        return _ratio(self.applied_correct, self.applied_scored)

    @property
    def suggestion_accuracy(self) -> float | None:
        return _ratio(self.suggested_correct, self.suggested_scored)

    @property
    def coverage(self) -> float | None:
        """The share of predictions confident enough to be applied."""
        return _ratio(self.applied, self.predictions)


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def accuracy_report() -> list[VersionFigures]:
    """Per field and model version (newest first), with per-label figures: one query."""
    scored = Q(correct__isnull=False)
    right = Q(correct=True)
    rows = (
        TriagePrediction.objects.values("field", "model_version", "value", "applied")
        .annotate(
            n=Count("id"),
            scored=Count("id", filter=scored),
            correct=Count("id", filter=right),
        )
        .order_by()
    )
    versions: dict[tuple[str, int], VersionFigures] = {}
    labels: dict[tuple[str, int], dict[str, LabelFigures]] = defaultdict(dict)
    for row in rows:
        key = (row["field"], row["model_version"])
        figures = versions.setdefault(key, VersionFigures(*key))
        figures.predictions += row["n"]
        figures.scored += row["scored"]
        figures.correct += row["correct"]
        if row["applied"]:
            figures.applied += row["n"]
            figures.applied_scored += row["scored"]
            figures.applied_correct += row["correct"]
        else:
            figures.suggested_scored += row["scored"]
            figures.suggested_correct += row["correct"]
        label = labels[key].setdefault(row["value"], LabelFigures(row["value"], 0, 0, 0, 0))
        label.predictions += row["n"]
        label.applied += row["n"] if row["applied"] else 0
        label.scored += row["scored"]
        label.correct += row["correct"]
    for key, figures in versions.items():
        figures.labels = sorted(labels[key].values(), key=lambda f: (-f.predictions, f.label))
    return sorted(versions.values(), key=lambda f: (f.field, -f.model_version))
