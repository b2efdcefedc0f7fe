"""Triage's models, one module per concern; every one is imported here for Django."""

from frontline.triage.models.classifier import (
    PredictedField,
    TriageModel,
    TriagePrediction,
    TriageTrainingClaim,
)
from frontline.triage.models.rules import RuleFiring, TriageRule
from frontline.triage.models.signals import MessageSignal, SentimentLabel

__all__: list[str] = [
    "MessageSignal",
    "PredictedField",
    "RuleFiring",
    "SentimentLabel",
    "TriageModel",
    "TriagePrediction",
    "TriageRule",
    "TriageTrainingClaim",
]
