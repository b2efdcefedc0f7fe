"""Inbound mail: raw first, idempotent, threaded, guarded, quarantined with a reason."""

import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.utils import timezone

from frontline.channels.email import ingest, parsing, services
from frontline.channels.email.models import (
    InboundMessage,
    InboundStatus,
    OutboundKind,
    OutboundMessage,
    Outcome,
    Source,
)
from frontline.channels.email.tests.mail import build, deliver, msgid
from frontline.channels.email.threads import plus_address
from frontline.core.actors import Actor
from frontline.customers.models import Identity
from frontline.testing import factories
from frontline.tickets import services as ticket_services
from frontline.tickets.models import Channel, Priority, Status, Ticket


def ack_id(ticket):
    return OutboundMessage.objects.get(
        ticket_message__ticket=ticket, kind=OutboundKind.ACKNOWLEDGMENT
    ).message_id


def test_a_new_message_opens_a_ticket_for_a_new_customer(mailbox, team):
    organisation = factories.make_organisation(name="Example Ltd", domains=("example.test",))

    inbound = deliver(build(), mailbox)

    assert (inbound.status, inbound.outcome) == (InboundStatus.PROCESSED, Outcome.OPENED)
    ticket = inbound.ticket
    assert ticket is not None
    assert (ticket.channel, ticket.team, ticket.subject) == (
        Channel.EMAIL,
        team,
        "The printer stops",
    )
    assert (ticket.customer.name, ticket.organisation) == ("Carla Customer", organisation)
    first = ticket.messages.order_by("id").first()
    assert first is not None
    assert first.external_id == inbound.message_id
    assert inbound.ticket_message == first


def test_the_raw_bytes_are_stored_as_received(mailbox):
    raw = build(body="Exact bytes: \u00e9\u00e8 and trailing spaces   ")

    inbound = deliver(raw, mailbox)

    with default_storage.open(str(inbound.raw.name), "rb") as handle:
        assert handle.read() == raw
    assert inbound.sha256 == hashlib.sha256(raw).hexdigest()
    assert (inbound.size, inbound.message_id) == (len(raw), msgid(raw))


def test_a_new_ticket_is_acknowledged_with_its_number(mailbox):
    ticket = deliver(build(), mailbox).ticket
    assert ticket is not None

    ack = OutboundMessage.objects.get()
    assert ack.kind == OutboundKind.ACKNOWLEDGMENT
    assert ack.subject == f"Re: The printer stops [#{ticket.number}]"
    assert ack.recipient == "carla@example.test"
    assert ack.is_automatic
    assert f"#{ticket.number}" in ack.ticket_message.body_text
    assert ticket.status == Status.NEW


def test_the_same_delivery_twice_is_one_message(mailbox):
    raw = build()

    first = deliver(raw, mailbox)
    second = deliver(raw, mailbox)

    assert first.pk == second.pk
    assert InboundMessage.objects.count() == 1
    assert Ticket.objects.get().message_count == 2  # the request and the acknowledgment


def test_the_same_message_by_another_path_is_a_duplicate(mailbox):
    raw = build(message_id="<same@example.test>")
    traced = b"Received: from mx2.example.test by frontline\r\n" + raw

    first = deliver(raw, mailbox)
    second = deliver(traced, mailbox)

    assert (second.status, second.outcome) == (InboundStatus.IGNORED, Outcome.DUPLICATE)
    assert second.ticket == first.ticket
    assert first.ticket is not None
    assert first.ticket.messages.filter(external_id="same@example.test").count() == 1


def test_a_reply_threads_by_in_reply_to_and_shows_only_the_new_text(mailbox):
    ticket = deliver(build(), mailbox).ticket
    reply = build(
        subject="Re: The printer stops",
        body="It still stops.\n\nOn Mon, 23 Nov 2026 at 09:35, Support <support@example.test> "
        "wrote:\n> We have received your request",
        in_reply_to=f"<{ack_id(ticket)}>",
    )

    inbound = deliver(reply, mailbox)

    assert (inbound.outcome, inbound.ticket) == (Outcome.THREADED, ticket)
    message = inbound.ticket_message
    assert message is not None
    assert message.visible_text == "It still stops."
    assert "We have received" in message.body_text


def test_a_reply_threads_by_references_alone(mailbox):
    original = build(message_id="<root@example.test>")
    ticket = deliver(original, mailbox).ticket

    inbound = deliver(build(references="<root@example.test>"), mailbox)

    assert inbound.ticket == ticket


def test_a_reply_that_arrives_first_gathers_its_parent(mailbox):
    reply = deliver(build(references="<parent@example.test>"), mailbox)

    parent = deliver(build(message_id="<parent@example.test>"), mailbox)

    assert parent.ticket == reply.ticket


def test_the_subject_token_threads_mail_from_the_requester(mailbox):
    ticket = deliver(build(), mailbox).ticket
    assert ticket is not None

    inbound = deliver(build(subject=f"Printer again [#{ticket.number}]"), mailbox)

    assert inbound.ticket == ticket


def test_the_subject_token_from_a_stranger_opens_their_own_ticket(mailbox):
    ticket = deliver(build(), mailbox).ticket
    assert ticket is not None

    stranger = build(sender="mallory@elsewhere.test", subject=f"Hi [#{ticket.number}]")
    inbound = deliver(stranger, mailbox)

    assert inbound.outcome == Outcome.OPENED
    assert inbound.ticket != ticket


def test_a_signed_plus_address_threads_even_from_a_colleague(mailbox):
    ticket = deliver(build(), mailbox).ticket
    assert ticket is not None

    inbound = deliver(
        build(sender="dave@example.test", to=plus_address(mailbox.address, ticket.number)),
        mailbox,
    )

    assert inbound.ticket == ticket
    assert list(ticket.customer_collaborators.values_list("name", flat=True)) == ["dave"]


def test_an_unsigned_plus_address_threads_mail_from_the_requester(mailbox):
    ticket = deliver(build(), mailbox).ticket
    assert ticket is not None

    inbound = deliver(build(to=f"support+t{ticket.number}@example.test"), mailbox)

    assert inbound.ticket == ticket


def test_copied_people_become_collaborators_on_the_customer_side(mailbox):
    ticket = deliver(
        build(cc="Dave <dave@example.test>, support@example.test, Support <SUPPORT@example.test>"),
        mailbox,
    ).ticket
    assert ticket is not None

    names = list(ticket.customer_collaborators.values_list("name", flat=True))
    assert names == ["Dave"]
    assert Identity.objects.filter(value="dave@example.test").exists()


def test_a_reply_to_a_closed_ticket_opens_a_linked_follow_up(mailbox, agent):
    ticket = deliver(build(message_id="<root@example.test>"), mailbox).ticket
    assert ticket is not None
    actor = Actor.for_user(agent)
    ticket_services.change_status(ticket, status=Status.SOLVED, actor=actor)
    ticket_services.change_status(ticket, status=Status.CLOSED, actor=actor)

    follow_up = deliver(build(references="<root@example.test>"), mailbox)
    again = deliver(build(references="<root@example.test>"), mailbox)

    assert follow_up.outcome == Outcome.FOLLOW_UP
    assert follow_up.ticket is not None
    assert follow_up.ticket.follow_up_of == ticket
    assert again.ticket == follow_up.ticket


def test_a_reply_to_a_recently_solved_ticket_reopens_it(mailbox, agent):
    ticket = deliver(build(message_id="<root@example.test>"), mailbox).ticket
    assert ticket is not None
    ticket_services.change_status(ticket, status=Status.SOLVED, actor=Actor.for_user(agent))

    inbound = deliver(build(references="<root@example.test>"), mailbox)

    ticket.refresh_from_db()
    assert (inbound.outcome, ticket.status) == (Outcome.THREADED, Status.OPEN)


def test_a_reply_after_the_reopen_window_opens_a_follow_up(mailbox, agent):
    ticket = deliver(build(message_id="<root@example.test>"), mailbox).ticket
    assert ticket is not None
    ticket_services.change_status(ticket, status=Status.SOLVED, actor=Actor.for_user(agent))

    later = timezone.now() + timedelta(days=mailbox.reopen_window_days + 1)
    with time_machine.travel(later, tick=False):
        inbound = deliver(build(references="<root@example.test>"), mailbox)

    assert inbound.outcome == Outcome.FOLLOW_UP


def test_an_out_of_office_reply_is_filed_but_not_answered_and_reopens_nothing(mailbox, agent):
    ticket = deliver(build(message_id="<root@example.test>"), mailbox).ticket
    assert ticket is not None
    ticket_services.change_status(ticket, status=Status.SOLVED, actor=Actor.for_user(agent))
    auto = build(references="<root@example.test>", headers={"Auto-Submitted": "auto-replied"})

    inbound = deliver(auto, mailbox)

    ticket.refresh_from_db()
    assert inbound.outcome == Outcome.THREADED
    assert inbound.ticket_message is not None
    assert inbound.ticket_message.is_automatic
    assert ticket.status == Status.SOLVED


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-generated"},
        {"Precedence": "bulk"},
        {"Precedence": "list"},
        {"X-Autoreply": "yes"},
        {"List-Id": "<users.lists.example.test>"},
    ],
)
def test_machine_and_list_mail_opens_a_ticket_without_an_acknowledgment(mailbox, headers):
    inbound = deliver(build(headers=headers), mailbox)

    assert inbound.outcome == Outcome.OPENED
    assert not OutboundMessage.objects.exists()


def test_acknowledgments_are_rate_limited_per_address(mailbox, settings):
    settings.FRONTLINE_EMAIL_AUTOREPLY_LIMIT = 2

    for n in range(4):
        deliver(build(subject=f"Request {n}"), mailbox)

    assert Ticket.objects.count() == 4
    assert OutboundMessage.objects.filter(kind=OutboundKind.ACKNOWLEDGMENT).count() == 2


def test_mail_from_our_own_address_is_never_a_ticket(mailbox):
    inbound = deliver(build(sender="Support <support@example.test>"), mailbox)

    assert (inbound.status, inbound.outcome) == (InboundStatus.IGNORED, Outcome.OWN_ADDRESS)
    assert not Ticket.objects.exists()


def dsn(original_id: str, recipient: str) -> bytes:
    return (
        "From: MAILER-DAEMON@mx.example.test\r\nTo: support@example.test\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <dsn1@mx.example.test>\r\n"
        "Content-Type: multipart/report; report-type=delivery-status; boundary=r\r\n\r\n"
        "--r\r\nContent-Type: text/plain\r\n\r\nDelivery failed.\r\n"
        "--r\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 user unknown\r\n"
        f"--r\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <{original_id}>\r\n--r--\r\n"
    ).encode()


def test_a_bounce_marks_our_email_and_flags_the_address(mailbox):
    ticket = deliver(build(), mailbox).ticket

    inbound = deliver(dsn(ack_id(ticket), "carla@example.test"), mailbox)

    assert (inbound.status, inbound.outcome) == (InboundStatus.IGNORED, Outcome.BOUNCE)
    assert Ticket.objects.count() == 1
    ack = OutboundMessage.objects.get()
    assert ack.status == "bounced"
    assert "550 5.1.1" in ack.last_error
    assert Identity.objects.get(value="carla@example.test").is_flagged
    deliver(build(subject="Another request"), mailbox)
    assert OutboundMessage.objects.count() == 1  # no mail to a bounced address


def test_a_complaint_opens_no_ticket_and_flags_the_address(mailbox):
    factories.make_customer(email="carla@example.test")
    complaint = (
        b"From: feedback@isp.example\r\nSubject: Abuse report\r\n"
        b"Content-Type: multipart/report; report-type=feedback-report; boundary=r\r\n\r\n"
        b"--r\r\nContent-Type: text/plain\r\n\r\nA complaint.\r\n"
        b"--r\r\nContent-Type: message/feedback-report\r\n\r\nFeedback-Type: abuse\r\n"
        b"Original-Rcpt-To: carla@example.test\r\n--r--\r\n"
    )

    inbound = deliver(complaint, mailbox)

    assert inbound.outcome == Outcome.COMPLAINT
    assert not Ticket.objects.exists()
    assert Identity.objects.get(value="carla@example.test").is_flagged


def test_too_large_mail_is_stored_and_quarantined_then_reprocessed(mailbox, settings):
    settings.FRONTLINE_EMAIL_MAX_MESSAGE_BYTES = 200
    raw = build(body="x" * 500)

    inbound = deliver(raw, mailbox)

    assert (inbound.status, inbound.outcome) == (InboundStatus.FAILED, Outcome.TOO_LARGE)
    assert "limit is 200" in inbound.error
    assert ingest.read_raw(inbound) == raw
    settings.FRONTLINE_EMAIL_MAX_MESSAGE_BYTES = 10_000
    again = services.reprocess(inbound, actor=Actor.system())
    assert (again.status, again.outcome, again.attempts) == (
        InboundStatus.PROCESSED,
        Outcome.OPENED,
        2,
    )


def test_too_many_attachments_are_quarantined_with_the_reason(mailbox, settings):
    settings.FRONTLINE_MAX_ATTACHMENTS = 1
    files = (("a.txt", b"a", "text/plain"), ("b.txt", b"b", "text/plain"))

    inbound = deliver(build(attachments=files), mailbox)

    assert inbound.outcome == Outcome.TOO_MANY_ATTACHMENTS
    assert "2 attachments; at most 1" in inbound.error


def test_mail_without_a_sender_is_quarantined_unless_the_envelope_names_one(mailbox):
    raw = b"To: support@example.test\r\nSubject: who am I\r\n\r\nHello\r\n"

    anonymous = deliver(raw, mailbox)
    received = ingest.receive(
        raw + b"\r\n", mailbox=mailbox, source=Source.SMTP, envelope_sender="env@example.test"
    )
    ingest.process(received.inbound, actor=Actor.system())
    received.inbound.refresh_from_db()

    assert anonymous.outcome == Outcome.NO_SENDER
    assert received.inbound.outcome == Outcome.OPENED


def test_an_unexpected_failure_keeps_the_message_for_reprocessing(mailbox, monkeypatch):
    def broken(raw):
        raise RuntimeError("parser bug")

    monkeypatch.setattr(ingest, "parse_message", broken)
    inbound = deliver(build(), mailbox)
    assert (inbound.status, inbound.outcome) == (InboundStatus.FAILED, Outcome.ERROR)
    assert inbound.error == "RuntimeError: parser bug"

    monkeypatch.setattr(ingest, "parse_message", parsing.parse_message)
    assert services.reprocess(inbound, actor=Actor.system()).outcome == Outcome.OPENED


def test_processing_twice_files_once(mailbox):
    received = ingest.receive(build(), mailbox=mailbox, source=Source.IMPORT)

    ingest.process(received.inbound, actor=Actor.system())
    ingest.process(received.inbound, actor=Actor.system())

    assert Ticket.objects.get().messages.filter(direction="inbound").count() == 1


def test_inline_images_point_at_their_stored_attachment(mailbox):
    raw = (
        b"From: carla@example.test\r\nTo: support@example.test\r\nSubject: screenshot\r\n"
        b"Message-ID: <img@example.test>\r\n"
        b"Content-Type: multipart/related; boundary=r\r\n\r\n"
        b'--r\r\nContent-Type: text/html\r\n\r\n<p>See <img src="cid:shot@x"></p>\r\n'
        b"--r\r\nContent-Type: image/png\r\nContent-ID: <shot@x>\r\n\r\nPNGDATA\r\n--r--\r\n"
    )

    message = deliver(raw, mailbox).ticket_message

    assert message is not None
    attachment = message.attachments.get()
    assert f'src="/api/v1/tickets/attachments/{attachment.pk}"' in message.body_html
    assert message.body_text == "See"


def test_an_empty_message_still_opens_a_ticket(mailbox):
    raw = b"From: carla@example.test\r\nTo: support@example.test\r\n\r\n"

    inbound = deliver(raw, mailbox)

    assert inbound.ticket is not None
    assert (inbound.ticket.subject, inbound.ticket_message.body_text) == (  # type: ignore[union-attr]
        "(no subject)",
        ingest.EMPTY_BODY,
    )


def test_a_message_naming_two_tickets_joins_them(mailbox):
    first = deliver(build(message_id="<a@example.test>"), mailbox).ticket
    second = deliver(build(sender="dave@example.test", message_id="<b@example.test>"), mailbox)
    assert first is not None

    bridge = deliver(build(references="<a@example.test> <b@example.test>"), mailbox)

    assert bridge.ticket == first
    assert second.ticket is not None
    second.ticket.refresh_from_db()
    assert second.ticket.merged_into == first
    assert first.messages.filter(direction="inbound").count() == 3


def test_mailbox_priority_and_team_apply(mailbox):
    mailbox.default_priority = Priority.HIGH
    mailbox.save()

    assert deliver(build(), mailbox).ticket.priority == Priority.HIGH  # type: ignore[union-attr]


def test_each_size_limit_is_its_own_reason(mailbox, settings):
    settings.FRONTLINE_EMAIL_MAX_MESSAGE_BYTES = 5000
    settings.FRONTLINE_MAX_ATTACHMENT_BYTES = 100
    settings.FRONTLINE_MAX_ATTACHMENTS = 1
    settings.FRONTLINE_MAX_BODY_CHARS = 300

    message = deliver(build(body="x" * 6000), mailbox)
    attachment = deliver(build(attachments=(("big.bin", b"x" * 101, "application/pdf"),)), mailbox)
    count = deliver(build(attachments=(("a.txt", b"a", "text/plain"),) * 2), mailbox)
    text = deliver(build(body="y" * 301), mailbox)

    reasons = [(m.outcome, m.error) for m in (message, attachment, count, text)]
    assert reasons == [
        (Outcome.TOO_LARGE, f"The message is {message.size} bytes; the limit is 5000."),
        (Outcome.ATTACHMENT_TOO_LARGE, "The attachment 'big.bin' is 101 bytes; the limit is 100."),
        (Outcome.TOO_MANY_ATTACHMENTS, "The message has 2 attachments; at most 1 are taken."),
        (Outcome.BODY_TOO_LONG, "The message is 301 characters long; the limit is 300."),
    ]


def test_a_declared_type_that_is_not_a_media_type_is_kept_as_bytes(mailbox):
    raw = (
        b"From: carla@example.test\r\nTo: support@example.test\r\nSubject: scan\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n"
        b"--B\r\nContent-Type: text/plain\r\n\r\nThe scan.\r\n"
        b"--B\r\nContent-Type: image/<png>\x01\r\n"
        b"Content-Disposition: attachment; filename=scan.png\r\n\r\nPNGDATA\r\n--B--\r\n"
    )

    inbound = deliver(raw, mailbox)

    assert inbound.status == InboundStatus.PROCESSED
    assert inbound.ticket_message is not None
    attachment = inbound.ticket_message.attachments.get()
    assert (attachment.filename, attachment.content_type) == (
        "scan.png",
        "application/octet-stream",
    )


def test_text_below_the_nesting_limit_is_kept_with_a_note_on_the_record(mailbox):
    depth = parsing.MAX_DEPTH + 5
    head = b"From: carla@example.test\r\nTo: support@example.test\r\nSubject: deep\r\n"
    opening = b"".join(
        b"Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n" % (n, n)
        for n in range(depth)
    )
    closing = b"".join(b"\r\n--b%d--\r\n" % n for n in reversed(range(depth)))
    raw = head + opening + b"Content-Type: text/plain\r\n\r\nThe deepest words." + closing

    inbound = deliver(raw, mailbox)

    assert inbound.status == InboundStatus.PROCESSED
    assert inbound.ticket_message is not None
    assert "The deepest words." in inbound.ticket_message.body_text
    assert "nested more than 40 levels deep" in inbound.notes


def test_text_in_another_charset_than_declared_is_kept_with_a_note(mailbox):
    raw = (
        b"From: carla@example.test\r\nTo: support@example.test\r\nSubject: caf\xe9\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\n"
        b"Un caf\xe9 cr\xe8me, s'il vous pla\xeet.\r\n"
    )

    inbound = deliver(raw, mailbox)

    assert inbound.ticket_message is not None
    assert inbound.ticket_message.body_text == "Un café crème, s'il vous plaît."
    assert "declared as 'utf-8' is not in that charset" in inbound.notes
    assert deliver(build(body="Grüße"), mailbox).notes == ""


def test_replies_to_a_message_split_out_thread_onto_the_new_ticket(mailbox, agent, team):
    ticket = deliver(build(message_id="<root@example.test>"), mailbox).ticket
    assert ticket is not None
    ticket.team = team
    ticket.save(update_fields=["team"])
    other = build(message_id="<other@example.test>", references="<root@example.test>")
    moved = deliver(other, mailbox).ticket_message
    assert moved is not None
    assert moved.ticket_id == ticket.pk

    new = ticket_services.split_ticket(
        ticket, message_ids=[moved.pk], subject="The scanner", actor=Actor.for_user(agent)
    )

    to_moved = deliver(build(in_reply_to="<other@example.test>"), mailbox)
    to_root = deliver(build(references="<root@example.test>"), mailbox)
    assert (to_moved.ticket, to_root.ticket) == (new, ticket)
