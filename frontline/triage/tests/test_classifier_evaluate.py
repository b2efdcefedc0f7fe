import csv
import random
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from frontline.triage.tests.classifier_fixtures import TOPICS, topic_text

BANKING77 = Path("/work/shared/data/tickets/banking77-dev.csv")


def _write(path, rows, header=("subject", "body", "label")):
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _topic_rows(per_topic, seed=1, oos=0):
    rng = random.Random(seed)
    rows = [(*topic_text(topic, rng), topic) for topic in TOPICS for _ in range(per_topic)]
    rows += [("hi", f"what is the weather like on day {i}", "oos") for i in range(oos)]
    return rows


def _evaluate(*args):
    out = StringIO()
    call_command("triage", "evaluate", *map(str, args), stdout=out)
    return out.getvalue()


def test_evaluate_holds_out_a_fifth_and_prints_the_figures(tmp_path):
    data = _write(tmp_path / "train.csv", _topic_rows(20))

    out = _evaluate(data, "--text-cols", "subject,body", "--label-col", "label")

    assert "scored on 12 rows (a stratified 20% hold-out)" in out
    assert "accuracy 1.000" in out
    assert "macro_f1 1.000" in out.splitlines()
    assert "weakest labels:" in out


def test_evaluate_scores_a_separate_test_file_and_reports_out_of_scope(tmp_path):
    train = _write(tmp_path / "train.csv", _topic_rows(15, oos=15))
    test = _write(tmp_path / "test.csv", _topic_rows(5, seed=2, oos=5))

    out = _evaluate(train, "--test", test, "--text-cols", "subject,body", "--label-col", "label")

    assert "scored on 20 rows" in out
    assert "in_scope_accuracy " in out
    assert "oos_recall " in out


@pytest.mark.parametrize(
    ("rows", "args", "message"),
    [
        (None, ["--label-col", "label"], "no such file"),
        (_topic_rows(5), ["--label-col", "topic"], "no column topic"),
        (_topic_rows(2), ["--label-col", "label"], "at least 10 are needed"),
        ([("a", "b", "same")] * 20, ["--label-col", "label"], "two classes are needed"),
    ],
)
def test_evaluate_refuses_bad_input_plainly(tmp_path, rows, args, message):
    path = tmp_path / "data.csv"
    if rows is not None:
        _write(path, rows)

    with pytest.raises(CommandError, match=message):
        _evaluate(path, "--text-cols", "subject,body", *args)


@pytest.mark.skipif(not BANKING77.exists(), reason="the shared banking77 split is not here")
def test_evaluate_on_a_slice_of_banking77(tmp_path):
    wanted = {"card_arrival", "lost_or_stolen_card", "exchange_rate", "top_up_failed"}
    with BANKING77.open() as handle:
        rows = [(r["text"], r["label"]) for r in csv.DictReader(handle) if r["label"] in wanted]
    data = _write(tmp_path / "b77.csv", rows, header=("text", "label"))

    out = _evaluate(data, "--text-cols", "text", "--label-col", "label")

    macro = next(line for line in out.splitlines() if line.startswith("macro_f1 "))
    assert float(macro.split()[1]) > 0.85
