"""Training a field's model on this instance's solved tickets and storing it as a version."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field
from datetime import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from frontline.triage.classifier import config, dataset, registry, scoring
from frontline.triage.classifier.evaluate import Dataset, EvaluationError, hold_out
from frontline.triage.classifier.model import Settings, fit
from frontline.triage.models import PredictedField, TriageModel

FIELDS: tuple[str, ...] = (PredictedField.CATEGORY, PredictedField.PRIORITY, PredictedField.TEAM)


@dataclass
class Trained:
    field: str
    model: TriageModel | None = None
    skipped: str = ""
    report: scoring.Report | None = None
    dropped_labels: dict[str, int] = dataclass_field(default_factory=dict)


def train_field(
    field_name: str,
    *,
    now: datetime | None = None,
    advance: Callable[[], None] = lambda: None,
    limit: int | None = None,
    solved_before: datetime | None = None,
    settings: Settings | None = None,
) -> Trained:
    """Hold out 20% to measure, fit again on every example, store and activate a version.

    Three steps call ``advance``: reading, the measured fit, the final fit and store."""
    now = now or timezone.now()
    examples = dataset.examples(
        field_name,
        limit=limit or config.option("max_examples"),
        min_per_label=config.option("min_per_label"),
        solved_before=solved_before,
    )
    advance()
    why = _why_not(examples)
    if why:
        advance()
        advance()
        return Trained(field_name, skipped=why, dropped_labels=examples.dropped_labels)
    data = Dataset(examples.texts, examples.labels)
    try:
        train, test = hold_out(data)
    except EvaluationError as error:
        advance()
        advance()
        return Trained(field_name, skipped=str(error), dropped_labels=examples.dropped_labels)
    # The measured fit needs no calibration: the hold-out reads only its best label.
    settings = settings or Settings()
    measured = fit(train.texts, train.labels, replace(settings, calibration_folds=0))
    report = scoring.score(test.labels, [p.label for p in measured.predict(test.texts)])
    advance()
    final = fit(data.texts, data.labels, settings)
    stored = store_version(
        field_name,
        blob=final.dumps(),
        labels=final.labels,
        trained_on=len(data.labels),
        metrics={**report.as_dict(), "held_out": len(test.labels)},
        now=now,
    )
    advance()
    return Trained(field_name, stored, report=report, dropped_labels=examples.dropped_labels)


def _why_not(examples: dataset.Examples) -> str:
    least = config.option("min_examples")
    labels = set(examples.labels)
    if len(examples) < least:
        return f"{len(examples)} labelled tickets; {least} are needed"
    if len(labels) < 2:
        return "one label only; two are needed"
    return ""


@transaction.atomic
def store_version(
    field_name: str,
    *,
    blob: bytes,
    labels: list[str],
    trained_on: int,
    metrics: dict[str, object],
    now: datetime,
) -> TriageModel:
    """A new version of the field's model, made the active one."""
    versions = TriageModel.objects.select_for_update().filter(field=field_name)
    latest = versions.aggregate(latest=Max("version"))["latest"] or 0
    versions.filter(is_active=True).update(is_active=False)
    stored = TriageModel.objects.create(
        field=field_name,
        version=latest + 1,
        trained_at=now,
        trained_on=trained_on,
        labels=labels,
        metrics=metrics,
        estimator=blob,
        is_active=True,
    )
    registry.forget()
    transaction.on_commit(registry.forget)
    return stored


@transaction.atomic
def activate_version(stored: TriageModel) -> TriageModel:
    """Make an older (or newer) version the field's active one: a rollback."""
    TriageModel.objects.filter(field=stored.field, is_active=True).update(is_active=False)
    TriageModel.objects.filter(pk=stored.pk).update(is_active=True)
    stored.is_active = True
    transaction.on_commit(registry.forget)
    return stored
