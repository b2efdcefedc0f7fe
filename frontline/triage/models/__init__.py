"""Triage's models, one module per concern; every one is imported here for Django."""

from frontline.triage.models.classifier import (
    PredictedField,
    TriageModel,
    TriagePrediction,
    TriageTrainingClaim,
)

__all__: list[str] = ["PredictedField", "TriageModel", "TriagePrediction", "TriageTrainingClaim"]
