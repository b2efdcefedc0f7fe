"""The classifier's part of the demo (after the tickets exist; listed in ``APP_DEMOS``).

The demo's tickets were written in bulk, so no handler predicted them. This trains a first
model per field on the tickets solved before the last week, then replays that week's new
tickets through it as if it had been live: each prediction is stored (marked applied when
it was confident enough) and scored against the solved ones, so ``make run`` shows the
ticket panel and the accuracy page with figures the model earned on unseen tickets.
"""

from datetime import datetime, timedelta

from frontline.triage.classifier import accuracy, predicting, registry, training
from frontline.triage.classifier.model import Settings

TRAIN_LIMIT = 300
REPLAY_LIMIT = 150
REPLAY_DAYS = 7
# The SVM alone fits four times faster than the default blend: the demo loads in seconds.
DEMO_SETTINGS = Settings(estimator="svm", calibration_folds=2)


def load_demo(*, now: datetime) -> None:
    cutoff = now - timedelta(days=REPLAY_DAYS)
    registry.reset()  # a reset demo's model ids can come back
    for field in training.FIELDS:
        training.train_field(
            field, now=cutoff, limit=TRAIN_LIMIT, solved_before=cutoff, settings=DEMO_SETTINGS
        )
    replayed = predicting.replay_since(cutoff, limit=REPLAY_LIMIT)
    for ticket in replayed:
        if ticket.status in ("solved", "closed"):
            accuracy.score_ticket(ticket)
