"""Retraining a field once enough tickets were solved since its active version.

Safe with several workers: a worker trains a field only after claiming its
``TriageTrainingClaim`` row with a conditional update (one wins; a claim older than
``STALE`` is taken over, for a worker that died mid-training). Running it twice retrains
nothing the second time: the new version's ``trained_at`` resets the count.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from frontline.triage.classifier import config, dataset, training
from frontline.triage.models import TriageModel, TriageTrainingClaim

STALE = timedelta(hours=1)


def new_labelled(field: str) -> int:
    """Tickets solved since the field's active version, or since the last attempt (a
    field skipped for too few labels is tried again only after more were solved)."""
    active = TriageModel.objects.filter(field=field, is_active=True).only("trained_at").first()
    tried = (
        TriageTrainingClaim.objects.filter(field=field)
        .values_list("finished_at", flat=True)
        .first()
    )
    moments = [m for m in (active.trained_at if active else None, tried) if m is not None]
    return dataset.labelled_tickets(max(moments) if moments else None).count()


def due_fields() -> list[str]:
    least = config.option("retrain_after")
    return [field for field in training.FIELDS if new_labelled(field) >= least]


def claim(field: str, *, now: datetime) -> bool:
    TriageTrainingClaim.objects.get_or_create(field=field)
    free = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - STALE)
    return TriageTrainingClaim.objects.filter(free, field=field).update(claimed_at=now) == 1


def release(field: str, *, now: datetime) -> None:
    TriageTrainingClaim.objects.filter(field=field).update(claimed_at=None, finished_at=now)


def retrain_due(*, now: datetime | None = None) -> list[training.Trained]:
    now = now or timezone.now()
    results = []
    for field in due_fields():
        if not claim(field, now=now):
            continue
        try:
            if new_labelled(field) >= config.option("retrain_after"):  # maybe just done
                results.append(training.train_field(field, now=now))
        finally:
            release(field, now=now)
    return results
