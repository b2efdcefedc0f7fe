"""The classifier's settings, each overridable in Django settings (``TRIAGE_CLASSIFIER``)."""

from typing import Any

from django.conf import settings

from frontline.triage.models import PredictedField

DEFAULTS: dict[str, Any] = {
    # Apply a prediction at or above this confidence; under it, keep it as a suggestion.
    # Priority always has a value, so a predicted priority must be surer to replace it.
    "thresholds": {
        PredictedField.CATEGORY: 0.6,
        PredictedField.TEAM: 0.6,
        PredictedField.PRIORITY: 0.8,
    },
    # A field is trained only with this many labelled tickets and two labels with
    # at least ``min_per_label`` tickets each.
    "min_examples": 30,
    "min_per_label": 5,
    # The periodic job retrains a field once this many tickets were solved since its
    # active version was trained.
    "retrain_after": 200,
    # At most this many most recent solved tickets are read for training.
    "max_examples": 50_000,
}


def option(name: str) -> Any:
    overrides: dict[str, Any] = getattr(settings, "TRIAGE_CLASSIFIER", {})
    return overrides.get(name, DEFAULTS[name])


def threshold(field: str) -> float:
    thresholds = {**DEFAULTS["thresholds"], **option("thresholds")}
    return float(thresholds[field])
