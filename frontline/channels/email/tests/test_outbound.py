"""Email out: headers and threading checked on what a real SMTP server (aiosmtpd)
received; retries with back-off; nothing marked sent before the server accepts it."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from frontline.channels.email import outbound, services, tasks
from frontline.channels.email.models import (
    DeliveryStatus,
    OutboundKind,
    OutboundMessage,
    TemplateKind,
)
from frontline.channels.email.tests.conftest import free_port
from frontline.channels.email.tests.mail import build, deliver
from frontline.core.actors import Actor
from frontline.core.errors import InvalidTransition, PermissionDenied
from frontline.customers.services import create_customer
from frontline.testing import factories
from frontline.tickets import services as ticket_services
from frontline.tickets.models import Channel


def email_ticket(mailbox):
    inbound = deliver(build(message_id="<req@example.test>"), mailbox)
    assert inbound.ticket is not None
    return inbound.ticket


def reply(ticket, agent, **extra):
    return ticket_services.reply_to_ticket(
        ticket, body="Try turning it off and on.", actor=Actor.for_user(agent), **extra
    )


def sent_with_id(sink, message_id):
    return next(m for m in sink.messages() if m["Message-ID"] == f"<{message_id}>")


def test_an_agent_reply_goes_out_threaded_with_text_html_and_attachments(mailbox, agent, smtp_sink):
    ticket = email_ticket(mailbox)
    ack = OutboundMessage.objects.get(kind=OutboundKind.ACKNOWLEDGMENT)
    message = reply(
        ticket,
        agent,
        html="<p>Try <b>turning</b> it off and on.</p>",
        attachments=[ticket_services.NewAttachment("steps.txt", b"1. off\n2. on\n", "text/plain")],
    )
    out = OutboundMessage.objects.get(ticket_message=message)

    assert outbound.deliver(out.pk) is None

    out.refresh_from_db()
    assert (out.kind, out.status, out.attempts) == (OutboundKind.REPLY, DeliveryStatus.SENT, 1)
    assert out.sent_at is not None
    sent = sent_with_id(smtp_sink, out.message_id)
    assert sent["In-Reply-To"] == "<req@example.test>"
    assert sent["References"].split() == ["<req@example.test>", f"<{ack.message_id}>"]
    assert sent["Subject"] == f"Re: The printer stops [#{ticket.number}]"
    assert sent["From"] == "Tier 1 <support@example.test>"
    assert sent["To"] == "carla@example.test"
    assert sent["Auto-Submitted"] is None
    body = sent.get_body(preferencelist=("plain",))
    assert body is not None
    assert body.get_content().strip() == "Try turning it off and on."
    html = sent.get_body(preferencelist=("html",))
    assert html is not None
    assert "<b>turning</b>" in html.get_content()
    files = [(a.get_filename(), a.get_content()) for a in sent.iter_attachments()]
    assert [(name, text.replace("\r\n", "\n")) for name, text in files] == [
        ("steps.txt", "1. off\n2. on\n")
    ]


def test_the_acknowledgment_is_marked_automatic(mailbox, smtp_sink):
    ticket = email_ticket(mailbox)
    ack = OutboundMessage.objects.get(kind=OutboundKind.ACKNOWLEDGMENT)

    outbound.deliver(ack.pk)

    sent = sent_with_id(smtp_sink, ack.message_id)
    assert sent["Auto-Submitted"] == "auto-replied"
    assert sent["In-Reply-To"] == "<req@example.test>"
    assert f"#{ticket.number}" in sent["Subject"]


def test_copied_customers_receive_agent_replies(mailbox, agent, smtp_sink):
    inbound = deliver(build(cc="dave@example.test"), mailbox)
    assert inbound.ticket is not None

    message = reply(inbound.ticket, agent)
    out = OutboundMessage.objects.get(ticket_message=message)
    outbound.deliver(out.pk)

    assert out.cc == ["dave@example.test"]
    assert sorted(smtp_sink.received[-1][1]) == ["carla@example.test", "dave@example.test"]


def test_a_refused_send_is_retried_with_growing_delays(mailbox, agent, smtp_sink, settings):
    settings.FRONTLINE_EMAIL_RETRY_SECONDS = 30
    out = OutboundMessage.objects.get(ticket_message=reply(email_ticket(mailbox), agent))
    smtp_sink.answer = "451 4.3.0 Try again later"

    delays = [outbound.deliver(out.pk), outbound.deliver(out.pk)]

    out.refresh_from_db()
    assert delays == [30.0, 60.0]
    assert (out.status, out.attempts, out.sent_at) == (DeliveryStatus.RETRYING, 2, None)
    assert "451" in out.last_error
    assert out.next_attempt_at is not None
    smtp_sink.answer = "250 OK"
    assert outbound.deliver(out.pk) is None
    out.refresh_from_db()
    assert out.status == DeliveryStatus.SENT


def test_a_permanent_refusal_fails_at_once_and_can_be_retried(
    mailbox, agent, smtp_sink, django_capture_on_commit_callbacks
):
    out = OutboundMessage.objects.get(ticket_message=reply(email_ticket(mailbox), agent))
    smtp_sink.answer = "550 5.1.1 No such user"

    assert outbound.deliver(out.pk) is None

    out.refresh_from_db()
    assert (out.status, out.sent_at) == (DeliveryStatus.FAILED, None)
    smtp_sink.answer = "250 OK"
    with django_capture_on_commit_callbacks(execute=True):
        outbound.retry_delivery(out, actor=Actor.for_user(agent))
    out.refresh_from_db()
    assert out.status == DeliveryStatus.SENT


def test_an_unreachable_server_is_retried_until_the_attempts_run_out(mailbox, agent, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    settings.FRONTLINE_EMAIL_SEND_ATTEMPTS = 2
    out = OutboundMessage.objects.get(ticket_message=reply(email_ticket(mailbox), agent))

    first, second = outbound.deliver(out.pk), outbound.deliver(out.pk)

    out.refresh_from_db()
    assert first is not None
    assert second is None
    assert out.status == DeliveryStatus.FAILED
    assert "Could not reach the mail server" in out.last_error


def test_sent_email_cannot_be_retried(mailbox, agent):
    out = OutboundMessage.objects.get(ticket_message=reply(email_ticket(mailbox), agent))
    outbound.deliver(out.pk)
    out.refresh_from_db()

    with pytest.raises(InvalidTransition):
        outbound.retry_delivery(out, actor=Actor.for_user(agent))


def test_email_claimed_by_another_worker_is_not_sent_twice(mailbox, agent):
    out = OutboundMessage.objects.get(ticket_message=reply(email_ticket(mailbox), agent))
    OutboundMessage.objects.filter(pk=out.pk).update(status=DeliveryStatus.SENDING)
    before = len(mail.outbox)

    assert outbound.deliver(out.pk) is None

    assert len(mail.outbox) == before


def test_lost_jobs_are_picked_up_again(mailbox, agent):
    out = OutboundMessage.objects.get(ticket_message=reply(email_ticket(mailbox), agent))
    OutboundMessage.objects.filter(pk=out.pk).update(
        status=DeliveryStatus.SENDING, next_attempt_at=timezone.now() - timedelta(hours=1)
    )

    tasks.requeue_stalled_deliveries.call_local()

    out.refresh_from_db()
    assert out.status == DeliveryStatus.SENT


def test_a_reply_on_a_portal_ticket_notifies_the_customer_by_email(customer, agent, team):
    ticket = factories.make_ticket(customer=customer, team=team, channel=Channel.PORTAL)

    message = reply(ticket, agent)
    out = OutboundMessage.objects.get(ticket_message=message)
    outbound.deliver(out.pk)

    assert out.kind == OutboundKind.NOTIFICATION
    sent = mail.outbox[-1]
    assert "Alice Agent replied to your request" in sent.body
    assert "Try turning it off and on." in sent.body
    assert "/portal/" in sent.body


def test_a_reply_on_an_sms_conversation_sends_no_email_copy(customer, agent, team):
    """The customer has an email address too, but the text goes out by SMS only."""
    ticket = factories.make_ticket(customer=customer, team=team, channel=Channel.SMS)

    message = reply(ticket, agent)

    assert not OutboundMessage.objects.filter(ticket_message=message).exists()


def test_notes_and_customers_without_an_address_get_no_email(team, agent):
    chat_customer = create_customer(name="Chat visitor")
    ticket = factories.make_ticket(customer=chat_customer, team=team)
    actor = Actor.for_user(agent)

    ticket_services.add_note(ticket, body="internal", actor=actor)
    ticket_services.reply_to_ticket(ticket, body="public", actor=actor)

    assert not OutboundMessage.objects.exists()


def test_a_team_template_with_the_expected_response_time(mailbox, team, admin_user):
    services.save_template(
        kind=TemplateKind.ACKNOWLEDGMENT,
        team=team,
        subject="Request {{ ticket.number }} received",
        body="Dear {{ customer.name }}, we answer {{ expected_response }}.",
        expected_response_hours=4,
        actor=Actor.for_user(admin_user),
    )

    ticket = email_ticket(mailbox)

    ack = OutboundMessage.objects.get(kind=OutboundKind.ACKNOWLEDGMENT)
    assert ack.subject == f"Request {ticket.number} received [#{ticket.number}]"
    assert ack.ticket_message.body_text == "Dear Carla Customer, we answer within 4 hours."


def test_mail_to_a_bounced_address_is_not_sent(mailbox, agent):
    ticket = email_ticket(mailbox)
    ticket.customer.identities.update(is_flagged=True)

    out = OutboundMessage.objects.get(ticket_message=reply(ticket, agent))

    assert out.status == DeliveryStatus.FAILED
    assert "bounced" in out.last_error


def test_plus_address_reply_to(mailbox, agent):
    mailbox.reply_to_plus_address = True
    mailbox.save()
    ticket = email_ticket(mailbox)
    out = OutboundMessage.objects.get(ticket_message=reply(ticket, agent))

    outbound.deliver(out.pk)

    reply_to = mail.outbox[-1].reply_to[0]
    assert reply_to.startswith(f"support+t{ticket.number}-")
    assert deliver(build(sender="x@elsewhere.test", to=reply_to), mailbox).ticket == ticket


def test_only_someone_who_may_work_the_ticket_sends_an_email_again(mailbox, agent, outsider):
    out = OutboundMessage.objects.get(ticket_message=reply(email_ticket(mailbox), agent))
    OutboundMessage.objects.filter(pk=out.pk).update(status=DeliveryStatus.FAILED)

    with pytest.raises(PermissionDenied):
        outbound.retry_delivery(out, actor=Actor.for_user(outsider))

    out.refresh_from_db()
    assert out.status == DeliveryStatus.FAILED
    assert outbound.retry_delivery(out, actor=Actor.for_user(agent)).status == DeliveryStatus.QUEUED
