"""The webhook worker: thin jobs that take ids and re-fetch (frontline/integrations/webhooks.py)."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from frontline.integrations import webhooks

logger = logging.getLogger(__name__)


@db_task()  # type: ignore[untyped-decorator]
def deliver_webhook(delivery_id: int) -> None:
    """One attempt; a failure that may pass schedules the next after its back-off (the
    sweep below also finds it, should this scheduled job be lost)."""
    delay = webhooks.attempt(delivery_id)
    if delay is not None:
        deliver_webhook.schedule((delivery_id,), delay=delay)


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def deliver_due_webhooks() -> None:
    """Retries that are due, jobs lost before they ran, claims of a worker that died."""
    due = webhooks.due_deliveries()
    for delivery_id in due:
        deliver_webhook(delivery_id)
    if due:
        logger.info("webhooks.sweep.queued", extra={"count": len(due)})
