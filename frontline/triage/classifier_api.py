"""The classifier's figures: GET /api/v1/triage/accuracy (supervisors and above)."""

from django.http import HttpRequest
from ninja import Router, Schema

from frontline.accounts.api_auth import staff_actor
from frontline.accounts.permissions import can_manage_routing
from frontline.core.api_support import responses
from frontline.core.errors import PermissionDenied
from frontline.triage.classifier.accuracy import VersionFigures, accuracy_report

router = Router(tags=["triage"])


class LabelAccuracyOut(Schema):
    label: str
    predictions: int
    applied: int
    scored: int
    correct: int
    precision: float | None


class FieldAccuracyOut(Schema):
    field: str
    model_version: int
    predictions: int
    applied: int
    coverage: float | None
    scored: int
    correct: int
    accuracy: float | None
    applied_scored: int
    applied_correct: int
    applied_accuracy: float | None
    suggested_scored: int
    suggested_correct: int
    suggestion_accuracy: float | None
    labels: list[LabelAccuracyOut]


class AccuracyOut(Schema):
    fields: list[FieldAccuracyOut]


def _out(figures: VersionFigures) -> FieldAccuracyOut:
    return FieldAccuracyOut(
        field=figures.field,
        model_version=figures.model_version,
        predictions=figures.predictions,
        applied=figures.applied,
        coverage=figures.coverage,
        scored=figures.scored,
        correct=figures.correct,
        accuracy=figures.accuracy,
        applied_scored=figures.applied_scored,
        applied_correct=figures.applied_correct,
        applied_accuracy=figures.applied_accuracy,
        suggested_scored=figures.suggested_scored,
        suggested_correct=figures.suggested_correct,
        suggestion_accuracy=figures.suggestion_accuracy,
        labels=[
            LabelAccuracyOut(
                label=label.label,
                predictions=label.predictions,
                applied=label.applied,
                scored=label.scored,
                correct=label.correct,
                precision=label.precision,
            )
            for label in figures.labels
        ],
    )


@router.get(
    "/accuracy",
    response=responses({200: AccuracyOut}),
    summary="Classifier accuracy against what agents set",
)
def classifier_accuracy(request: HttpRequest) -> AccuracyOut:
    """Per field and model version: predictions, how many were applied, and how many of
    the scored ones (tickets since solved) matched the value agents finally left."""
    actor = staff_actor(request)
    if actor.user is None or not can_manage_routing(actor.user):
        raise PermissionDenied("Classifier figures are for supervisors and administrators.")
    return AccuracyOut(fields=[_out(figures) for figures in accuracy_report()])
