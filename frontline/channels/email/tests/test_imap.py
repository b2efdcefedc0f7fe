"""Polling a real IMAP server (Dovecot on loopback) and the whole loop: mail in, reply
out to a real SMTP server, the customer's answer threading back onto the ticket."""

import pytest

from frontline.channels.email import ingest, outbound, services, tasks
from frontline.channels.email.models import (
    AfterFetch,
    InboundMessage,
    Mailbox,
    OutboundKind,
    OutboundMessage,
    Security,
    Source,
)
from frontline.channels.email.tests.mail import build
from frontline.core.actors import Actor
from frontline.tickets import services as ticket_services
from frontline.tickets.models import Ticket


@pytest.fixture
def polled(mailbox, imap):
    mailbox.imap_host = "127.0.0.1"
    mailbox.imap_port = imap.port
    mailbox.imap_security = Security.NONE
    mailbox.imap_user = imap.user
    mailbox.imap_password = imap.password
    mailbox.save()
    return mailbox


def test_polling_files_new_mail_and_marks_it_seen(polled, imap):
    imap.deliver(build(subject="First"))
    imap.deliver(build(subject="Second", sender="dave@example.test"))
    imap.deliver(build(subject="Read already"), seen=True)

    result = services.poll_mailbox(polled, actor=Actor.system())

    assert (result.fetched, result.stored, result.error) == (2, 2, "")
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == ["First", "Second"]
    flags = [data[b"FLAGS"] for data in imap.folder().values()]
    assert all(b"\\Seen" in f for f in flags)
    assert services.poll_mailbox(polled, actor=Actor.system()).fetched == 0
    polled.refresh_from_db()
    assert polled.last_polled_at is not None
    assert not polled.poll_locked_until


@pytest.mark.parametrize("action", [AfterFetch.MOVE, AfterFetch.DELETE])
def test_fetched_mail_is_moved_or_deleted(polled, imap, action):
    polled.after_fetch = action
    polled.move_to_folder = "Frontline"
    polled.save()
    imap.deliver(build())

    services.poll_mailbox(polled, actor=Actor.system())

    assert imap.folder("INBOX") == {}
    assert len(imap.folder("Frontline")) == (1 if action == AfterFetch.MOVE else 0)
    assert Ticket.objects.count() == 1


def test_a_wrong_password_is_recorded_not_raised(polled, imap):
    polled.imap_password = "wrong"
    polled.save()
    imap.deliver(build())

    result = services.poll_mailbox(polled, actor=Actor.system())

    polled.refresh_from_db()
    assert "refused the login" in result.error
    assert polled.last_poll_error == result.error
    assert not Ticket.objects.exists()


def test_an_unreachable_server_is_recorded(polled):
    polled.imap_port = 1
    polled.save()

    result = services.poll_mailbox(polled, actor=Actor.system())

    assert result.error.startswith("connecting to 127.0.0.1:1")


def test_a_mailbox_another_worker_polls_is_left_alone(polled, imap):
    Mailbox.objects.filter(pk=polled.pk).update(
        poll_locked_until="2999-01-01T00:00:00Z", poll_lock_owner="other"
    )
    imap.deliver(build())

    assert services.poll_mailbox(polled, actor=Actor.system()).skipped
    assert not InboundMessage.objects.exists()


def test_mail_stored_before_a_crash_is_not_taken_twice(polled, imap):
    raw = build().replace(b"\n", b"\r\n")  # as the server keeps it
    imap.deliver(raw)
    ingest.receive(raw, mailbox=polled, source=Source.IMAP)  # stored, server not told

    result = services.poll_mailbox(polled, actor=Actor.system())

    assert (result.fetched, result.stored) == (1, 0)
    assert InboundMessage.objects.count() == 1


def test_the_periodic_job_polls_every_mailbox(polled, imap, django_capture_on_commit_callbacks):
    imap.deliver(build())

    tasks.poll_mailboxes.call_local()

    assert Ticket.objects.count() == 1


def test_mail_in_reply_out_answer_back(polled, imap, agent, smtp_sink):
    imap.deliver(build(message_id="<question@example.test>"))
    services.poll_mailbox(polled, actor=Actor.system())
    ticket = Ticket.objects.get()
    ack = OutboundMessage.objects.get(kind=OutboundKind.ACKNOWLEDGMENT)
    outbound.deliver(ack.pk)
    answer = ticket_services.reply_to_ticket(
        ticket, body="Please restart the printer.", actor=Actor.for_user(agent)
    )
    sent = OutboundMessage.objects.get(ticket_message=answer)
    outbound.deliver(sent.pk)

    received = {m["Message-ID"]: m for m in smtp_sink.messages()}
    ours = received[f"<{sent.message_id}>"]
    assert ours["In-Reply-To"] == "<question@example.test>"
    assert ours["References"].split()[0] == "<question@example.test>"
    assert f"[#{ticket.number}]" in ours["Subject"]
    assert received[f"<{ack.message_id}>"]["Auto-Submitted"] == "auto-replied"

    imap.deliver(
        build(
            subject=ours["Subject"].replace("Re: ", "Re: Re: "),
            body="Done, it works.\n\nOn Monday Support <support@example.test> wrote:\n> Please",
            in_reply_to=ours["Message-ID"],
            references=f"{ours['References']} {ours['Message-ID']}",
        )
    )
    services.poll_mailbox(polled, actor=Actor.system())

    assert Ticket.objects.count() == 1
    latest = ticket.messages.order_by("-id").first()
    assert latest is not None
    assert latest.visible_text == "Done, it works."
