"""The email jobs as a worker runs them: real consumer threads on a SQLite or a Redis
queue, a real SMTP server that refuses first, a real IMAP server polled twice at once."""

import time

import pytest

from frontline.channels.email import tasks
from frontline.channels.email.models import (
    DeliveryStatus,
    InboundMessage,
    Mailbox,
    OutboundMessage,
    Security,
)
from frontline.channels.email.tests.mail import build, deliver
from frontline.testing import factories
from frontline.testing.worker import redis_queue, running_worker, sqlite_queue
from frontline.tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)

WAIT = 30


def wait_for(condition, timeout=WAIT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def box():
    return Mailbox.objects.create(
        name="Support", address="support@example.test", team=factories.make_team()
    )


def refused_then_sent(storage, box, smtp_sink, settings):
    """Refused twice (once where it was queued, once by the worker), then the scheduled
    retry the worker runs on its own gets through."""
    settings.FRONTLINE_EMAIL_RETRY_SECONDS = 1
    smtp_sink.answer = "451 4.3.0 Busy, try later"
    deliver(build(), box)
    ack = OutboundMessage.objects.get()
    assert (ack.status, ack.attempts) == (DeliveryStatus.RETRYING, 1)

    def refused_twice():
        # Attempts are counted when claimed, so wait for the second refusal, not the claim.
        fresh = OutboundMessage.objects.get()
        return (fresh.status, fresh.attempts) == (DeliveryStatus.RETRYING, 2)

    with running_worker(storage, consumers=1, workers=2):
        tasks.send_outbound(ack.pk)
        assert wait_for(refused_twice)
        smtp_sink.answer = "250 OK"
        assert wait_for(lambda: OutboundMessage.objects.get().status == DeliveryStatus.SENT)
    ack.refresh_from_db()
    assert ack.attempts == 3
    assert [m["Message-ID"] for m in smtp_sink.messages()] == [f"<{ack.message_id}>"]


def test_a_refused_send_is_retried_by_the_worker_on_sqlite(box, smtp_sink, settings, tmp_path):
    refused_then_sent(sqlite_queue(tmp_path), box, smtp_sink, settings)


def test_a_refused_send_is_retried_by_the_worker_on_redis(box, smtp_sink, settings, redis_url):
    refused_then_sent(redis_queue(redis_url), box, smtp_sink, settings)


def test_two_workers_polling_one_mailbox_take_each_message_once(box, imap, tmp_path):
    box.imap_host, box.imap_port, box.imap_security = "127.0.0.1", imap.port, Security.NONE
    box.imap_user, box.imap_password = imap.user, imap.password
    box.save()
    for n in range(12):
        imap.deliver(build(subject=f"Request {n}", sender=f"customer{n}@example.test"))

    with running_worker(sqlite_queue(tmp_path), consumers=2, workers=2):
        for _ in range(4):
            tasks.poll_mailbox(box.pk)
        assert wait_for(lambda: Ticket.objects.count() == 12)
        time.sleep(0.5)  # any second poll would have stored by now

    assert InboundMessage.objects.count() == 12
    assert Ticket.objects.count() == 12
    assert all(b"\\Seen" in data[b"FLAGS"] for data in imap.folder().values())
