"""Background jobs of messaging channels: thin wrappers that take ids and re-fetch."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from frontline.channels.webhooks import inbound, outbound

logger = logging.getLogger(__name__)


@db_task()  # type: ignore[untyped-decorator]
def process_payload(payload_id: int) -> None:
    inbound.process(payload_id)


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def process_pending_payloads() -> None:
    """Payloads stored but never processed (their job was lost, or the worker crashed)."""
    batch = inbound.pending(limit=200)
    for payload_id in batch:
        inbound.process(payload_id)
    if len(batch) == 200:
        process_pending_payloads()


@db_task()  # type: ignore[untyped-decorator]
def send_reply(delivery_id: int) -> None:
    delay = outbound.deliver(delivery_id)
    if delay is not None:
        send_reply.schedule((delivery_id,), delay=delay)


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def send_due_replies() -> None:
    """Retries that are due, and replies whose job was lost (a crash, a queue flushed)."""
    due = outbound.due_deliveries()
    outbound.release_stalled(due)
    for delivery_id in due:
        send_reply(delivery_id)
    if due:
        logger.info("messaging.reply.requeued", extra={"count": len(due)})
