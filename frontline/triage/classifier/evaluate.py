"""``frontline triage evaluate``: train and score the classifier on any labelled CSV."""

from __future__ import annotations

import csv
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sklearn.model_selection import train_test_split

from frontline.triage.classifier import model, scoring

MIN_ROWS = 10
HOLD_OUT = 0.2


class EvaluationError(Exception):
    """Bad input, said plainly (the command prints it and exits non-zero)."""


@dataclass
class Dataset:
    texts: list[str]
    labels: list[str]


@dataclass
class Evaluation:
    report: scoring.Report
    train_rows: int
    test_rows: int
    train_seconds: float
    held_out: bool


def read_csv(path: Path, *, text_cols: Sequence[str], label_col: str) -> Dataset:
    if not path.is_file():
        raise EvaluationError(f"{path}: no such file")
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        columns = reader.fieldnames or []
        missing = [c for c in (*text_cols, label_col) if c not in columns]
        if missing:
            found = ", ".join(columns) or "none"
            raise EvaluationError(f"{path}: no column {', '.join(missing)} (columns: {found})")
        texts, labels = [], []
        for row in reader:
            label = (row[label_col] or "").strip()
            text = " ".join((row[c] or "").strip() for c in text_cols).strip()
            if label and text:
                texts.append(text)
                labels.append(label)
    return Dataset(texts, labels)


def check_trainable(data: Dataset, *, name: str) -> None:
    if len(data.labels) < MIN_ROWS:
        raise EvaluationError(
            f"{name}: {len(data.labels)} labelled rows; at least {MIN_ROWS} are needed"
        )
    if len(set(data.labels)) < 2:
        raise EvaluationError(f"{name}: every row has the same label; two classes are needed")


def hold_out(data: Dataset) -> tuple[Dataset, Dataset]:
    """A stratified 20% hold-out; labels with a single row stay in training."""
    counts = Counter(data.labels)
    single = [i for i, label in enumerate(data.labels) if counts[label] < 2]
    rest = [i for i, label in enumerate(data.labels) if counts[label] >= 2]
    rest_labels = [data.labels[i] for i in rest]
    test_size = max(HOLD_OUT, len(set(rest_labels)) / len(rest)) if rest else HOLD_OUT
    if test_size >= 0.5 or len(set(rest_labels)) < 2:
        raise EvaluationError("too few rows per label to hold out 20%; pass --test")
    train_idx, test_idx = train_test_split(
        rest, test_size=test_size, stratify=rest_labels, random_state=0
    )
    return _pick(data, [*train_idx, *single]), _pick(data, list(test_idx))


def _pick(data: Dataset, rows: list[int]) -> Dataset:
    return Dataset([data.texts[i] for i in rows], [data.labels[i] for i in rows])


def evaluate(
    train: Dataset, test: Dataset | None, *, settings: model.Settings | None = None
) -> Evaluation:
    check_trainable(train, name="training data")
    held_out = test is None
    if test is None:
        train, test = hold_out(train)
    if not test.labels:
        raise EvaluationError("the test file has no labelled rows")
    started = time.perf_counter()
    classifier, oof = model.fit_with_oof(train.texts, train.labels, settings)
    seconds = time.perf_counter() - started
    predictions = classifier.predict(test.texts)
    predicted = [p.label for p in predictions]
    report = scoring.score(test.labels, predicted)
    if scoring.OOS_LABEL in set(train.labels) | set(test.labels):
        _add_oos_figures(report, classifier, oof, train, test, predictions)
    return Evaluation(report, len(train.labels), len(test.labels), seconds, held_out)


def _add_oos_figures(
    report: scoring.Report,
    classifier: model.TextClassifier,
    oof: model.Calibration | None,
    train: Dataset,
    test: Dataset,
    predictions: list[model.Prediction],
) -> None:
    """Reject on low confidence as well as on an ``oos`` prediction; the threshold comes
    from held-out predictions on the training rows, never from the test rows."""
    threshold = 0.0
    if oof is not None:
        probs = oof.probabilities
        best = probs.argmax(axis=1)
        held_labels = [classifier.labels[i] for i in best]
        held_conf = [float(probs[row, i]) for row, i in enumerate(best)]
        truth = [train.labels[i] for i in oof.rows]
        threshold = scoring.pick_reject_threshold(truth, held_labels, held_conf)
    predicted = scoring.with_rejection(
        [p.label for p in predictions], [p.confidence for p in predictions], threshold
    )
    in_scope, recall = scoring.oos_figures(test.labels, predicted)
    plain_in, plain_recall = scoring.oos_figures(test.labels, [p.label for p in predictions])
    report.in_scope_accuracy, report.oos_recall = in_scope, recall
    report.reject_threshold = threshold
    report.extra["without_rejection"] = {"in_scope_accuracy": plain_in, "oos_recall": plain_recall}
