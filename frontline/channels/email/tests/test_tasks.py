"""The jobs' own logic, run in place (immediate mode); test_jobs.py runs a real worker."""

from frontline.channels.email import ingest, tasks
from frontline.channels.email.models import InboundMessage, InboundStatus, Source
from frontline.channels.email.tests.mail import build


def test_received_mail_left_behind_is_processed(mailbox):
    left = [
        ingest.receive(build(subject=f"Left {n}"), mailbox=mailbox, source=Source.SMTP).inbound
        for n in range(3)
    ]

    tasks.process_pending_mail.call_local()

    statuses = set(
        InboundMessage.objects.filter(pk__in=[i.pk for i in left]).values_list("status", flat=True)
    )
    assert statuses == {InboundStatus.PROCESSED}


def test_jobs_for_rows_that_are_gone_do_nothing(db):
    tasks.process_inbound.call_local(999_999)
    tasks.send_outbound.call_local(999_999)
    tasks.poll_mailbox.call_local(999_999)


def test_a_mailbox_without_a_server_is_not_polled(mailbox):
    tasks.poll_mailboxes.call_local()
    tasks.poll_mailbox.call_local(mailbox.pk)

    mailbox.refresh_from_db()
    assert mailbox.last_polled_at is None
