from datetime import UTC, datetime

import pytest

from frontline import demo
from frontline.triage.classifier import registry
from frontline.triage.classifier.accuracy import accuracy_report
from frontline.triage.models import TriageModel, TriagePrediction

NOW = datetime(2026, 3, 2, 15, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fresh_models():
    registry.reset()


@pytest.mark.django_db
def test_the_demo_trains_a_first_model_and_shows_how_it_did_on_the_last_week():
    demo.create_demo_data(tickets=600, now=NOW)

    trained = set(TriageModel.objects.filter(is_active=True).values_list("field", flat=True))
    assert {"category", "team"} <= trained
    assert TriagePrediction.objects.exists()
    figures = {f.field: f for f in accuracy_report()}
    assert figures["category"].scored > 0
    assert figures["category"].accuracy is not None
