from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from frontline.testing import factories
from frontline.triage import tasks
from frontline.triage.classifier import registry, retraining
from frontline.triage.models import TriageModel, TriageTrainingClaim
from frontline.triage.tests.classifier_fixtures import solved_tickets

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_models():
    registry.reset()


SMALL = {"min_examples": 12, "min_per_label": 3, "retrain_after": 6}


@pytest.fixture(autouse=True)
def _small_thresholds(settings):
    settings.TRIAGE_CLASSIFIER = SMALL


def _train(*args):
    out, err = StringIO(), StringIO()
    call_command("triage", "train", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_train_stores_a_version_per_field_with_enough_labels_and_skips_the_rest():
    teams = {"billing": factories.make_team(), "login": factories.make_team()}
    teams["shipping"] = teams["login"]
    solved_tickets(8, teams=teams)

    out, progress = _train()

    assert "category: version 1 trained on 24 tickets" in out
    assert "team: version 1 trained on 24 tickets" in out
    assert "priority: skipped (one label only; two are needed)" in out
    assert out.count("macro_f1 ") == 2
    assert "precision recall" in out
    assert "step" in progress  # the progress bar
    stored = TriageModel.objects.get(field="category")
    assert stored.is_active
    assert stored.trained_on == 24
    assert sorted(stored.labels) == ["billing", "login", "shipping"]
    assert stored.metrics["held_out"] == 5
    assert "macro_f1" in stored.metrics


def test_training_again_makes_a_new_active_version_and_activate_rolls_back():
    solved_tickets(6)
    _train("--field", "category")
    _train("--field", "category")

    versions = dict(TriageModel.objects.values_list("version", "is_active"))
    assert versions == {1: False, 2: True}
    out = StringIO()
    call_command("triage", "activate", "category", "1", stdout=out)
    assert registry.read_stamp()["category"][1] == 1


def test_too_few_tickets_are_said_so():
    solved_tickets(3)

    out, _ = _train("--field", "category")

    assert "category: skipped (9 labelled tickets; 12 are needed)" in out
    assert not TriageModel.objects.exists()


def test_retraining_waits_for_enough_new_solved_tickets_and_runs_once():
    solved_tickets(5)
    first = retraining.retrain_due()
    assert {r.field for r in first if r.model} == {"category"}

    assert retraining.retrain_due() == []  # nothing new since: idempotent
    solved_tickets(2, seed=2)  # six more solved tickets
    tasks.retrain_classifier_now()

    assert TriageModel.objects.filter(field="category").count() == 2
    assert TriageTrainingClaim.objects.get(field="category").claimed_at is None


def test_a_field_claimed_by_another_worker_is_left_alone():
    solved_tickets(5)
    now = timezone.now()
    assert retraining.claim("category", now=now)

    assert not retraining.claim("category", now=now)  # the second worker loses
    assert retraining.claim("category", now=now + timedelta(hours=2))  # a dead claim is taken
    results = retraining.retrain_due(now=now)  # category is still claimed

    assert "category" not in {r.field for r in results}
    assert not TriageModel.objects.exists()
