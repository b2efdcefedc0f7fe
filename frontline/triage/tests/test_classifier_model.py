import random

import numpy as np

from frontline.triage.classifier import model, scoring
from frontline.triage.tests.classifier_fixtures import TOPICS, topic_text


def _rows(per_topic, seed=3):
    rng = random.Random(seed)
    texts, labels = [], []
    for topic in TOPICS:
        for _ in range(per_topic):
            subject, body = topic_text(topic, rng)
            texts.append(f"{subject} {body}")
            labels.append(topic)
    return texts, labels


def test_it_learns_topics_and_is_surer_of_clear_text_than_of_noise():
    texts, labels = _rows(15)
    classifier = model.fit(texts, labels)

    clear, noise = classifier.predict(
        ["my invoice shows a double charge, please refund", "hello there good morning"]
    )

    assert clear.label == "billing"
    assert clear.confidence > noise.confidence
    assert 0 < noise.confidence < 1
    assert classifier.temperature != 1.0  # fitted on out-of-fold decision values


def test_probabilities_sum_to_one_and_two_classes_work():
    texts, labels = _rows(10)
    two = [(t, label) for t, label in zip(texts, labels, strict=True) if label != "shipping"]
    classifier = model.fit([t for t, _ in two], [label for _, label in two])

    probs = classifier.probabilities(["reset my password", "refund my card payment"])

    assert np.allclose(probs.sum(axis=1), 1.0)
    assert [p.label for p in classifier.predict(["reset my password"])] == ["login"]


def test_a_stored_classifier_predicts_the_same_after_loading():
    texts, labels = _rows(8)
    classifier = model.fit(texts, labels)

    loaded = model.TextClassifier.loads(classifier.dumps())

    sample = ["where is my parcel", "locked out of my account"]
    assert loaded.predict(sample) == classifier.predict(sample)
    assert len(classifier.dumps()) < 200_000


def test_rejection_turns_unsure_answers_into_out_of_scope():
    truth = ["a", "b", "oos", "oos"]
    predicted = ["a", "b", "a", "b"]
    confidence = [0.9, 0.8, 0.3, 0.2]

    threshold = scoring.pick_reject_threshold(truth, predicted, confidence)
    rejected = scoring.with_rejection(predicted, confidence, threshold)

    assert scoring.oos_figures(truth, rejected) == (1.0, 1.0)
