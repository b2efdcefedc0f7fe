"""The text classifier: TF-IDF word and character n-grams into a linear SVM.

Pure scikit-learn, no Django: ``evaluate`` (any CSV), ``train`` (tickets) and the
ticket-creation handler all build and read a ``TextClassifier``. Confidence is a
softmax of the SVM's decision values with a temperature fitted on out-of-fold
decision values, so "0.6" means roughly "right six times in ten".
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import joblib
import numpy as np
from scipy.optimize import minimize_scalar
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

FORMAT_VERSION = 1
# Words of one letter count too ("a card"), and so do the symbols customers ask about.
TOKENS = r"(?u)\b\w+\b|[?!$£€%]"


@dataclass(frozen=True)
class Settings:
    """The knobs measured in docs/triage-classifier.md; the defaults are the chosen ones."""

    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (2, 5)
    c: float = 0.5
    class_weight: str | None = None
    calibration_folds: int = 3


@dataclass
class Prediction:
    label: str
    confidence: float


@dataclass
class TextClassifier:
    pipeline: Pipeline
    labels: list[str]
    temperature: float = 1.0
    format_version: int = FORMAT_VERSION
    extra: dict[str, Any] = field(default_factory=dict)

    def decision(self, texts: Sequence[str]) -> np.ndarray:
        scores = np.asarray(self.pipeline.decision_function(list(texts)), dtype=float)
        if scores.ndim == 1:  # two classes: one column, the positive class's margin
            scores = np.column_stack([-scores, scores]) / 2.0
        return scores

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        return softmax(self.decision(texts), self.temperature)

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        probs = self.probabilities(texts)
        best = probs.argmax(axis=1)
        return [
            Prediction(self.labels[index], float(probs[row, index]))
            for row, index in enumerate(best)
        ]

    def dumps(self) -> bytes:
        buffer = io.BytesIO()
        joblib.dump(self, buffer, compress=3)
        return buffer.getvalue()

    @staticmethod
    def loads(blob: bytes) -> TextClassifier:
        loaded = joblib.load(io.BytesIO(blob))
        if not isinstance(loaded, TextClassifier):
            raise TypeError("not a stored triage classifier")
        return loaded


def softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    scaled = scores / max(temperature, 1e-6)
    scaled = scaled - scaled.max(axis=1, keepdims=True)
    exp = np.exp(scaled)
    result: np.ndarray = exp / exp.sum(axis=1, keepdims=True)
    return result


def normalize(text: str) -> str:
    return " ".join(text.split())


def build_pipeline(settings: Settings) -> Pipeline:
    features = FeatureUnion(
        [
            (
                "word",
                TfidfVectorizer(
                    ngram_range=settings.word_ngrams,
                    sublinear_tf=True,
                    strip_accents="unicode",
                    lowercase=True,
                    token_pattern=TOKENS,
                ),
            ),
            (
                "char",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=settings.char_ngrams,
                    sublinear_tf=True,
                    strip_accents="unicode",
                    lowercase=True,
                    min_df=2,
                ),
            ),
        ]
    )
    model = LinearSVC(C=settings.c, class_weight=settings.class_weight)
    return Pipeline([("features", features), ("model", model)])


def fit(
    texts: Sequence[str], labels: Sequence[str], settings: Settings | None = None
) -> TextClassifier:
    """Fit on every row; the temperature comes from out-of-fold decision values."""
    return fit_with_oof(texts, labels, settings)[0]


def fit_with_oof(
    texts: Sequence[str], labels: Sequence[str], settings: Settings | None = None
) -> tuple[TextClassifier, np.ndarray | None]:
    """The classifier and the calibrated out-of-fold probabilities (rows in input order,
    columns in ``labels`` order), or None when a class is too small to fold."""
    settings = settings or Settings()
    docs = [normalize(text) for text in texts]
    y = np.asarray(list(labels))
    classes = sorted(set(y.tolist()))
    if len(classes) < 2:
        raise ValueError("need at least two classes")
    temperature = 1.0
    oof_probs = None
    folds = _folds(y, settings.calibration_folds)
    if folds >= 2:
        oof = cross_val_predict(
            build_pipeline(settings),
            docs,
            y,
            cv=StratifiedKFold(folds, shuffle=True, random_state=0),
            method="decision_function",
        )
        oof = np.asarray(oof, dtype=float)
        if oof.ndim == 1:
            oof = np.column_stack([-oof, oof]) / 2.0
        temperature = fit_temperature(oof, np.searchsorted(classes, y))
        oof_probs = softmax(oof, temperature)
    pipeline = build_pipeline(settings)
    pipeline.fit(docs, y)
    fitted = [str(label) for label in pipeline.classes_]
    classifier = TextClassifier(pipeline=pipeline, labels=fitted, temperature=temperature)
    return classifier, oof_probs


def _folds(y: np.ndarray, wanted: int) -> int:
    _, counts = np.unique(y, return_counts=True)
    return int(min(wanted, counts.min()))


def fit_temperature(scores: np.ndarray, truth: np.ndarray) -> float:
    """The temperature minimising the negative log-likelihood of the true classes."""
    rows = np.arange(len(truth))

    def nll(log_t: float) -> float:
        probs = softmax(scores, math.exp(log_t))
        return float(-np.log(np.clip(probs[rows, truth], 1e-12, None)).mean())

    result = minimize_scalar(nll, bounds=(-6.0, 3.0), method="bounded")
    return float(math.exp(result.x))
