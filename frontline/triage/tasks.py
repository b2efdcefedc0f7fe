"""Background jobs of triage: thin wrappers over the classifier's services."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from frontline.triage.classifier import retraining


@db_periodic_task(crontab(minute="17"))  # type: ignore[untyped-decorator]
def retrain_classifier() -> None:
    """Hourly: retrain each field with enough newly solved tickets since its version."""
    retraining.retrain_due()


@db_task()  # type: ignore[untyped-decorator]
def retrain_classifier_now() -> list[str]:
    return [f"{r.field} v{r.model.version}" for r in retraining.retrain_due() if r.model]
