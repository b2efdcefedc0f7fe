"""Background jobs of the email channel: thin wrappers that take ids and re-fetch."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from frontline.channels.email import ingest, outbound, services
from frontline.channels.email.models import InboundMessage, Mailbox
from frontline.core.actors import Actor

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def poll_mailboxes() -> None:
    """Each mailbox is polled by its own job, so a slow or broken one holds no other."""
    polling = Mailbox.objects.filter(is_active=True).exclude(imap_host="")
    for mailbox_id in polling.values_list("pk", flat=True):
        poll_mailbox(mailbox_id)


@db_task()  # type: ignore[untyped-decorator]
def poll_mailbox(mailbox_id: int) -> None:
    mailbox = Mailbox.objects.filter(pk=mailbox_id, is_active=True).first()
    if mailbox is None or not mailbox.polls:
        return
    result = services.poll_mailbox(mailbox, actor=Actor.system())
    if result.more and not result.error:
        poll_mailbox(mailbox_id)


@db_task()  # type: ignore[untyped-decorator]
def process_inbound(inbound_id: int) -> None:
    inbound = InboundMessage.objects.filter(pk=inbound_id).first()
    if inbound is not None:
        ingest.process(inbound, actor=Actor.system())


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def process_pending_mail() -> None:
    """Mail stored but never processed (its job was lost, or the worker crashed)."""
    batch = ingest.pending(limit=200)
    for inbound in InboundMessage.objects.filter(pk__in=batch).order_by("id"):
        ingest.process(inbound, actor=Actor.system())
    if len(batch) == 200:
        process_pending_mail()


@db_task()  # type: ignore[untyped-decorator]
def send_outbound(outbound_id: int) -> None:
    delay = outbound.deliver(outbound_id)
    if delay is not None:
        send_outbound.schedule((outbound_id,), delay=delay)


@db_task()  # type: ignore[untyped-decorator]
def send_outbound_batch(outbound_ids: list[int]) -> None:
    """The emails of an import batch, queued with one job that gives each its own."""
    for outbound_id in outbound_ids:
        send_outbound(outbound_id)


@db_periodic_task(crontab(minute="*/5"))  # type: ignore[untyped-decorator]
def requeue_stalled_deliveries() -> None:
    stalled = outbound.stalled_deliveries()
    outbound.release_stalled(stalled)
    for outbound_id in stalled:
        send_outbound(outbound_id)
    if stalled:
        logger.info("email.send.requeued", extra={"count": len(stalled)})
