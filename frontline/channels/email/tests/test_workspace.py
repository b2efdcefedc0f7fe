"""The ticket page shows how each reply's email fared, and a failed one can be sent again."""

import pytest
from django.test import Client
from django.utils.html import escape

from frontline.channels.email import outbound
from frontline.channels.email.models import DeliveryStatus, OutboundMessage
from frontline.channels.email.tests.mail import build, deliver
from frontline.core.actors import Actor
from frontline.tickets import services as ticket_services

pytestmark = pytest.mark.django_db


def failed_reply(mailbox, agent, smtp_sink):
    ticket = deliver(build(message_id="<req@example.test>"), mailbox).ticket
    assert ticket is not None
    message = ticket_services.reply_to_ticket(
        ticket, body="Try turning it off and on.", actor=Actor.for_user(agent)
    )
    out = OutboundMessage.objects.get(ticket_message=message)
    smtp_sink.answer = "550 5.1.1 No such user"
    outbound.deliver(out.pk)
    out.refresh_from_db()
    assert out.status == DeliveryStatus.FAILED
    return ticket, out


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_ticket_page_shows_a_failed_email_with_its_error(mailbox, agent, smtp_sink):
    ticket, out = failed_reply(mailbox, agent, smtp_sink)

    page = signed_in(agent).get(f"/tickets/{ticket.number}/").content.decode()

    assert "Email to" in page
    assert "<strong>Failed</strong>" in page
    assert "No such user" in out.last_error
    assert escape(out.last_error) in page
    assert f"/tickets/{ticket.number}/email/{out.pk}/retry/" in page
    # The acknowledgment was accepted by the server and says so, with no retry button.
    assert "Accepted by the mail server" in page or "Queued" in page


def test_an_agent_sends_a_failed_email_again_from_the_ticket_page(
    mailbox, agent, smtp_sink, django_capture_on_commit_callbacks
):
    ticket, out = failed_reply(mailbox, agent, smtp_sink)
    smtp_sink.answer = "250 OK"

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(agent).post(f"/tickets/{ticket.number}/email/{out.pk}/retry/")

    assert response.status_code == 302
    out.refresh_from_db()
    assert out.status == DeliveryStatus.SENT
    page = signed_in(agent).get(f"/tickets/{ticket.number}/").content.decode()
    assert f"/email/{out.pk}/retry/" not in page


def test_people_who_may_not_work_the_ticket_cannot_resend(
    mailbox, agent, outsider, analyst, customer, smtp_sink
):
    ticket, out = failed_reply(mailbox, agent, smtp_sink)
    path = f"/tickets/{ticket.number}/email/{out.pk}/retry/"

    assert signed_in(outsider).post(path).status_code == 404
    assert signed_in(analyst).post(path).status_code == 403
    assert signed_in(customer.user).post(path).status_code == 403
    assert Client().post(path).status_code == 302  # to sign-in
    assert signed_in(agent).get(path).status_code == 405
    # An email id of another ticket is not found through this one.
    other = deliver(build(message_id="<other@example.test>"), mailbox).ticket
    assert other is not None
    elsewhere = f"/tickets/{other.number}/email/{out.pk}/retry/"
    assert signed_in(agent).post(elsewhere).status_code == 404
    out.refresh_from_db()
    assert out.status == DeliveryStatus.FAILED
