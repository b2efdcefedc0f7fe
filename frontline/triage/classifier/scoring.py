"""Scoring a classifier on labelled rows: the figures ``evaluate`` and ``train`` print.

``OOS_LABEL`` rows (clinc150's out-of-scope queries) are scored apart: in-scope accuracy,
and out-of-scope recall, counting a rejected prediction (confidence under the reject
threshold) as "out of scope".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

OOS_LABEL = "oos"


@dataclass
class LabelScore:
    label: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass
class Report:
    accuracy: float
    macro_f1: float
    labels: list[LabelScore]
    rows: int
    in_scope_accuracy: float | None = None
    oos_recall: float | None = None
    reject_threshold: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def weakest(self, count: int = 5) -> list[LabelScore]:
        return sorted(self.labels, key=lambda score: (score.f1, score.label))[:count]

    def as_dict(self) -> dict[str, Any]:
        figures: dict[str, Any] = {
            "rows": self.rows,
            "accuracy": round(self.accuracy, 4),
            "macro_f1": round(self.macro_f1, 4),
            "labels": {
                s.label: {
                    "precision": round(s.precision, 4),
                    "recall": round(s.recall, 4),
                    "f1": round(s.f1, 4),
                    "support": s.support,
                }
                for s in self.labels
            },
        }
        if self.in_scope_accuracy is not None:
            figures["in_scope_accuracy"] = round(self.in_scope_accuracy, 4)
            figures["oos_recall"] = round(self.oos_recall or 0.0, 4)
        return figures


def score(truth: Sequence[str], predicted: Sequence[str]) -> Report:
    labels = sorted(set(truth) | set(predicted))
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=labels, zero_division=0
    )
    per_label = [
        LabelScore(label, float(p), float(r), float(f), int(s))
        for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
        if s > 0
    ]
    present = sorted(set(truth))
    return Report(
        accuracy=float(accuracy_score(truth, predicted)),
        macro_f1=float(
            f1_score(truth, predicted, labels=present, average="macro", zero_division=0)
        ),
        labels=per_label,
        rows=len(truth),
    )


def with_rejection(
    predicted: Sequence[str], confidences: Sequence[float], threshold: float
) -> list[str]:
    return [
        label if confidence >= threshold else OOS_LABEL
        for label, confidence in zip(predicted, confidences, strict=True)
    ]


def oos_figures(truth: Sequence[str], predicted: Sequence[str]) -> tuple[float, float]:
    """In-scope accuracy and out-of-scope recall."""
    inside = [(t, p) for t, p in zip(truth, predicted, strict=True) if t != OOS_LABEL]
    outside = [p for t, p in zip(truth, predicted, strict=True) if t == OOS_LABEL]
    in_scope = sum(t == p for t, p in inside) / len(inside) if inside else 0.0
    recall = sum(p == OOS_LABEL for p in outside) / len(outside) if outside else 0.0
    return in_scope, recall


def pick_reject_threshold(
    truth: Sequence[str], predicted: Sequence[str], confidences: Sequence[float]
) -> float:
    """The confidence under which to answer "out of scope", chosen on held-out rows: the
    threshold with the best mean of in-scope accuracy and out-of-scope recall."""
    best, best_value = 0.0, -1.0
    for step in range(0, 96):
        threshold = step / 100
        in_scope, recall = oos_figures(truth, with_rejection(predicted, confidences, threshold))
        value = (in_scope + recall) / 2
        if value > best_value:
            best, best_value = threshold, value
    return best
