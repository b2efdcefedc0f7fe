"""The SMTP/LMTP listener a mail server delivers to, over real sockets on loopback."""

import smtplib

import pytest
from django.db import OperationalError

from frontline.channels.email import ingest, smtpd
from frontline.channels.email.models import InboundMessage, InboundStatus, Mailbox, Source
from frontline.channels.email.tests.conftest import free_port
from frontline.channels.email.tests.mail import build
from frontline.testing import factories
from frontline.tickets.models import Ticket

# The listener works in threads of its own: the data must be committed to be seen.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def listener():
    started = []

    def start(*, lmtp=False):
        port = free_port()
        started.append(smtpd.start_listener(host="127.0.0.1", port=port, lmtp=lmtp))
        return port

    yield start
    for controller in started:
        controller.stop()


@pytest.fixture
def support_box():
    return Mailbox.objects.create(
        name="Support", address="support@example.test", team=factories.make_team()
    )


def test_a_delivered_message_is_stored_then_filed(listener, support_box):
    port = listener()

    with smtplib.SMTP("127.0.0.1", port) as client:
        refused = client.sendmail("carla@example.test", ["support@example.test"], build())

    assert refused == {}
    inbound = InboundMessage.objects.get()
    assert (inbound.source, inbound.mailbox, inbound.status) == (
        Source.SMTP,
        support_box,
        InboundStatus.PROCESSED,
    )
    assert inbound.envelope_sender == "carla@example.test"
    assert Ticket.objects.get().subject == "The printer stops"


def test_an_unknown_recipient_is_refused_when_there_is_no_default(listener, support_box):
    port = listener()

    with smtplib.SMTP("127.0.0.1", port) as client, pytest.raises(smtplib.SMTPRecipientsRefused):
        client.sendmail("carla@example.test", ["nobody@example.test"], build())

    assert not InboundMessage.objects.exists()


def test_lmtp_answers_once_per_recipient(listener, support_box):
    Mailbox.objects.create(name="Sales", address="sales@example.test")
    port = listener(lmtp=True)

    # smtplib.LMTP.sendmail reads one DATA answer; RFC 2033 gives one per recipient.
    with smtplib.LMTP("127.0.0.1", port) as client:
        client.ehlo_or_helo_if_needed()
        client.mail("carla@example.test")
        client.rcpt("support@example.test")
        client.rcpt("sales@example.test")
        answers = [client.data(build())[0], client.getreply()[0]]

    assert answers == [250, 250]
    assert InboundMessage.objects.get().envelope_recipients == [
        "support@example.test",
        "sales@example.test",
    ]


def test_a_storage_failure_asks_the_server_to_try_later(listener, support_box, monkeypatch):
    def unavailable(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(ingest, "receive", unavailable)
    port = listener()

    with smtplib.SMTP("127.0.0.1", port) as client, pytest.raises(smtplib.SMTPDataError) as err:
        client.sendmail("carla@example.test", ["support@example.test"], build())

    assert err.value.smtp_code == 451


def test_a_fresh_install_takes_mail_for_the_default_address(listener, settings):
    settings.DEFAULT_FROM_EMAIL = "Help <help@frontline.test>"
    port = listener()

    with smtplib.SMTP("127.0.0.1", port) as client:
        client.sendmail("carla@example.test", ["help@frontline.test"], build())

    assert InboundMessage.objects.get().mailbox.is_default
    assert Ticket.objects.count() == 1
