"""Agent replies out through the channel: signed JSON to a real loopback server, retries
with back-off, delivery receipts, and the state beneath the reply on the ticket page."""

import pytest

from frontline.channels.webhooks import outbound
from frontline.channels.webhooks.models import DeliveryStatus, OutboundMessage
from frontline.channels.webhooks.tests.helpers import SECRET, make_channel, message, post
from frontline.core.actors import Actor
from frontline.integrations.http import verify
from frontline.testing import factories
from frontline.testing.http_server import LocalHttpServer
from frontline.tickets import services as tickets
from frontline.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def _conversation(client, channel):
    opened = post(client, channel, message("m-1")).json()
    return Ticket.objects.get(pk=opened["ticket_id"])


def _reply(ticket, agent, capture, text="It ships today."):
    with capture(execute=True):
        reply = tickets.reply_to_ticket(ticket, body=text, actor=Actor.for_user(agent))
    return OutboundMessage.objects.get(message=reply)


def test_a_reply_is_retried_until_the_provider_takes_it(
    client, team, agent, django_capture_on_commit_callbacks
):
    with LocalHttpServer(statuses=[500, 503], response={"message_id": "prov-1"}) as server:
        channel = make_channel(team=team, outbound_url=server.url("/send"))
        ticket = _conversation(client, channel)

        delivery = _reply(ticket, agent, django_capture_on_commit_callbacks)  # first attempt
        assert delivery.status == DeliveryStatus.RETRYING
        assert delivery.last_error == "HTTP 500"
        assert delivery.next_attempt_at is not None
        assert outbound.deliver(delivery.pk) == 60.0  # the second waits twice as long
        assert outbound.deliver(delivery.pk) is None

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.provider_id) == ("sent", 3, "prov-1")
    assert len(server.requests) == 3
    sent = server.requests[-1]
    assert verify(SECRET, sent.headers["X-Frontline-Signature"], sent.body) > 0
    assert sent.json()["to"] == {"phone": "+4915123456789"}
    assert sent.json()["text"] == "It ships today."
    assert sent.json()["ticket"]["number"] == ticket.number


def test_a_refused_reply_fails_for_good(client, team, agent, django_capture_on_commit_callbacks):
    with LocalHttpServer(statuses=[400]) as server:
        channel = make_channel(team=team, outbound_url=server.url("/send"))
        delivery = _reply(_conversation(client, channel), agent, django_capture_on_commit_callbacks)

    assert (delivery.status, delivery.last_error) == ("failed", "HTTP 400")
    assert outbound.deliver(delivery.pk) is None


def test_a_channel_without_an_outbound_url_marks_the_reply_failed(
    client, team, agent, django_capture_on_commit_callbacks
):
    delivery = _reply(
        _conversation(client, make_channel(team=team)), agent, django_capture_on_commit_callbacks
    )

    assert delivery.status == "failed"
    assert delivery.last_error == "The channel has no outbound URL."


def test_notes_and_tickets_of_other_channels_send_nothing(
    client, team, agent, customer, django_capture_on_commit_callbacks
):
    with LocalHttpServer() as server:
        channel = make_channel(team=team, outbound_url=server.url("/send"))
        ticket = _conversation(client, channel)
        with django_capture_on_commit_callbacks(execute=True):
            tickets.add_note(ticket, body="internal", actor=Actor.for_user(agent))
            portal = factories.make_ticket(team=team, customer=customer)
            tickets.reply_to_ticket(portal, body="Hi", actor=Actor.for_user(agent))

    assert server.requests == []
    assert OutboundMessage.objects.count() == 0


def test_receipts_move_the_reply_forward_and_show_beneath_it(
    client, team, agent, django_capture_on_commit_callbacks
):
    with LocalHttpServer(response={"message_id": "prov-1"}) as server:
        channel = make_channel(team=team, outbound_url=server.url("/send"))
        ticket = _conversation(client, channel)
        delivery = _reply(ticket, agent, django_capture_on_commit_callbacks)

    read = post(client, channel, {"type": "status", "message_id": "prov-1", "status": "read"})
    late = post(
        client, channel, {"type": "status", "message_id": str(delivery.pk), "status": "delivered"}
    )

    assert (read.status_code, late.status_code) == (202, 202)
    delivery.refresh_from_db()
    assert delivery.status == "read"  # the late "delivered" does not undo it
    client.force_login(agent)
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert "Message to +4915123456789:" in page
    assert "<strong>Read</strong>" in page


def test_a_failure_receipt_records_the_providers_error(
    client, team, agent, django_capture_on_commit_callbacks
):
    with LocalHttpServer() as server:
        channel = make_channel(team=team, outbound_url=server.url("/send"))
        delivery = _reply(_conversation(client, channel), agent, django_capture_on_commit_callbacks)
    receipt = {"type": "status", "message_id": delivery.pk, "status": "failed", "error": "Blocked"}

    post(client, channel, receipt)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_error) == ("failed", "Blocked")


def test_due_retries_are_sent_by_the_periodic_job(
    client, team, agent, django_capture_on_commit_callbacks
):
    from frontline.channels.webhooks import tasks

    with LocalHttpServer(statuses=[502]) as server:
        channel = make_channel(team=team, outbound_url=server.url("/send"))
        delivery = _reply(_conversation(client, channel), agent, django_capture_on_commit_callbacks)
        OutboundMessage.objects.filter(pk=delivery.pk).update(next_attempt_at=delivery.created_at)

        tasks.send_due_replies.call_local()

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2)
