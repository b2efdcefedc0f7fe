"""The signed inbound endpoint: signatures, customers by identity, continuation of the
conversation, attachments, idempotency, quarantine and replay."""

import base64
import hashlib
import hmac
import json
import logging
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from frontline.channels.webhooks.models import (
    ChannelKind,
    Conversation,
    InboundPayload,
    PayloadStatus,
    SignatureScheme,
)
from frontline.channels.webhooks.tests.helpers import (
    SECRET,
    attachment,
    make_channel,
    message,
    post,
)
from frontline.core.actors import Actor
from frontline.customers.models import Identity, IdentityKind
from frontline.tickets import services as tickets
from frontline.tickets.models import Channel, Message, Status, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def channel(team):
    return make_channel(team=team)


def test_a_signed_message_opens_a_ticket_for_a_new_customer(client, channel, team):
    response = post(client, channel, message(attachments=[attachment()], name="Mia Meyer"))

    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "processed"
    ticket = Ticket.objects.get(pk=body["ticket_id"])
    assert ticket.channel == Channel.SMS
    assert ticket.team == team
    assert ticket.subject == "Hi, my parcel never arrived and I need…"
    assert ticket.customer.name == "Mia Meyer"
    identity = Identity.objects.get(customer=ticket.customer)
    assert (identity.kind, identity.value) == (IdentityKind.PHONE, "+4915123456789")
    first = ticket.messages.get()
    assert first.external_id == "m-1"
    with first.attachments.get().file.open("rb") as stored_file:
        assert stored_file.read() == b"\x89PNG..."
    assert Conversation.objects.get(ticket=ticket).address == "+4915123456789"
    stored = InboundPayload.objects.get(pk=body["id"])
    assert json.loads(bytes(stored.raw))["message_id"] == "m-1"
    assert stored.headers["X-Frontline-Signature"].startswith("t=")


def test_a_forged_signature_is_refused_logged_and_counted(client, channel, caplog):
    with caplog.at_level(logging.WARNING, logger="frontline.channels.webhooks.inbound"):
        response = post(client, channel, message(), secret="guessed")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert "does not match" in response.json()["detail"]
    refused = [r for r in caplog.records if r.name == "frontline.channels.webhooks.inbound"]
    assert [r.message for r in refused] == ["messaging.inbound.refused"]
    assert refused[0].channel_id == channel.pk
    channel.refresh_from_db()
    assert channel.rejected_count == 1
    assert channel.last_rejected_reason == "The signature does not match."
    assert InboundPayload.objects.count() == 0
    assert Ticket.objects.count() == 0


def test_a_replayed_post_with_an_old_signature_is_refused(client, channel):
    old = timezone.now() - timedelta(minutes=6)

    response = post(client, channel, message(), at=old)

    assert response.status_code == 401
    assert "too old" in response.json()["detail"]
    channel.refresh_from_db()
    assert channel.rejected_count == 1


def test_an_unsigned_post_is_refused(client, channel):
    response = client.post(
        f"/api/v1/channels/{channel.pk}/inbound", message(), content_type="application/json"
    )

    assert response.status_code == 401
    assert response.json()["detail"] == "The request is not signed."


def _plain_post(client, channel, body, signature, stamp):
    return client.post(
        f"/api/v1/channels/{channel.pk}/inbound",
        body,
        content_type="application/json",
        headers={"X-Signature": signature, "X-Timestamp": stamp},
    )


def test_a_provider_signing_hex_with_a_timestamp_header(client):
    channel = make_channel(
        signature_header="X-Signature",
        signature_scheme=SignatureScheme.HEX,
        timestamp_header="X-Timestamp",
    )
    body = json.dumps(message()).encode()
    stamp = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()

    assert _plain_post(client, channel, body, f"sha256={digest}", stamp).status_code == 202
    old = str(int(time.time()) - 3600)
    stale = hmac.new(SECRET.encode(), f"{old}.".encode() + body, hashlib.sha256).hexdigest()
    assert _plain_post(client, channel, body, stale, old).status_code == 401


def test_a_provider_signing_the_body_in_base64(client):
    channel = make_channel(signature_header="X-Signature", signature_scheme=SignatureScheme.BASE64)
    body = json.dumps(message()).encode()
    digest = hmac.new(SECRET.encode(), body, hashlib.sha256).digest()

    good = _plain_post(client, channel, body, base64.b64encode(digest).decode(), "")
    bad = _plain_post(client, channel, body + b" ", base64.b64encode(digest).decode(), "")

    assert (good.status_code, bad.status_code) == (202, 401)


def test_the_same_provider_message_twice_is_one_message(client, channel):
    first = post(client, channel, message("m-7"))
    again = post(client, channel, message("m-7"))

    assert first.status_code == 202
    assert again.status_code == 200
    assert again.json() == first.json()
    assert Message.objects.count() == 1
    duplicate = InboundPayload.objects.exclude(pk=first.json()["id"]).get()
    assert duplicate.status == PayloadStatus.DUPLICATE
    assert duplicate.duplicate_of_id == first.json()["id"]


def test_a_second_message_continues_the_open_conversation(client, channel):
    opened = post(client, channel, message("m-1")).json()
    followed = post(client, channel, message("m-2", text="Any news?")).json()

    assert followed["ticket_id"] == opened["ticket_id"]
    ticket = Ticket.objects.get(pk=opened["ticket_id"])
    assert list(ticket.messages.values_list("body_text", flat=True))[-1] == "Any news?"


def _solve(ticket_id, agent, *, days_ago):
    ticket = Ticket.objects.get(pk=ticket_id)
    tickets.change_status(ticket, status=Status.SOLVED, actor=Actor.for_user(agent))
    Ticket.objects.filter(pk=ticket_id).update(solved_at=timezone.now() - timedelta(days=days_ago))


def test_a_message_soon_after_solving_reopens_the_ticket(client, channel, agent):
    opened = post(client, channel, message("m-1")).json()
    _solve(opened["ticket_id"], agent, days_ago=2)

    followed = post(client, channel, message("m-2", text="It came back broken")).json()

    assert followed["ticket_id"] == opened["ticket_id"]
    assert Ticket.objects.get(pk=opened["ticket_id"]).status == Status.OPEN


def test_a_message_long_after_solving_opens_a_new_ticket(client, channel, agent):
    opened = post(client, channel, message("m-1")).json()
    _solve(opened["ticket_id"], agent, days_ago=30)

    followed = post(client, channel, message("m-2", text="New question")).json()

    assert followed["ticket_id"] != opened["ticket_id"]
    assert Ticket.objects.get(pk=followed["ticket_id"]).subject == "New question"


def test_a_social_handle_is_one_customer_on_a_social_channel(client):
    social = make_channel(name="Social", kind=ChannelKind.SOCIAL)

    first = post(client, social, message("s-1", handle="@Mia_M")).json()
    second = post(client, social, message("s-2", handle="mia_m")).json()

    ticket = Ticket.objects.get(pk=first["ticket_id"])
    assert ticket.channel == Channel.SOCIAL
    assert second["ticket_id"] == first["ticket_id"]
    assert Identity.objects.get(kind=IdentityKind.SOCIAL).value == "@mia_m"


def test_bad_json_is_kept_quarantined_and_answered_with_the_reason(client, channel):
    response = post(client, channel, None, raw=b'{"type": "message", ')

    assert response.status_code == 422
    assert response.json()["field"] == "body"
    stored = InboundPayload.objects.get()
    assert stored.status == PayloadStatus.QUARANTINED
    assert stored.reason.startswith("body: The body is not JSON")
    assert bytes(stored.raw) == b'{"type": "message", '


def test_a_payload_missing_a_field_names_it(client, channel):
    document = message()
    del document["message_id"]

    response = post(client, channel, document)

    assert response.status_code == 422
    assert response.json()["field"] == "message_id"
    assert InboundPayload.objects.get().status == PayloadStatus.QUARANTINED


def test_a_bad_attachment_quarantines_the_message_and_keeps_nothing_half_done(client, channel):
    broken = {"filename": "x.png", "content_type": "image/png", "data_base64": "***"}

    response = post(client, channel, message(attachments=[broken]))

    assert response.status_code == 422
    assert response.json()["field"] == "attachments.0.data_base64"
    assert Ticket.objects.count() == 0
    assert InboundPayload.objects.get().status == PayloadStatus.QUARANTINED


def test_a_quarantined_receipt_is_replayed_once_its_reply_exists(
    client, channel, agent, admin_user, api_as, django_capture_on_commit_callbacks
):
    receipt = {"type": "status", "message_id": "prov-9", "status": "delivered"}
    early = post(client, channel, receipt)
    assert (early.status_code, early.json()["status"]) == (202, "quarantined")
    stored = InboundPayload.objects.get()
    assert stored.status == PayloadStatus.QUARANTINED
    admin = api_as(admin_user)
    listed = admin.get(f"/api/v1/messaging-channels/{channel.pk}/payloads").json()["items"]
    assert [p["id"] for p in listed] == [stored.pk]
    # The reply the receipt is about goes out (without an outbound URL it fails at once).
    opened = post(client, channel, message("m-1")).json()
    ticket = Ticket.objects.get(pk=opened["ticket_id"])
    reply = tickets.reply_to_ticket(ticket, body="On its way", actor=Actor.for_user(agent))
    reply.messaging_delivery.__class__.objects.filter(pk=reply.messaging_delivery.pk).update(
        provider_id="prov-9", status="sent"
    )

    replayed = admin.post(f"/api/v1/messaging-channels/payloads/{stored.pk}/replay")

    assert replayed.status_code == 200
    assert replayed.json()["status"] == "processed"
    assert replayed.json()["attempts"] == 2
    reply.messaging_delivery.refresh_from_db()
    assert reply.messaging_delivery.status == "delivered"
    again = admin.post(f"/api/v1/messaging-channels/payloads/{stored.pk}/replay")
    assert again.status_code == 409


def test_the_command_line_replays_a_payload(client, channel, admin_user, capsys):
    post(client, channel, None, raw=b"not json")
    stored = InboundPayload.objects.get()
    InboundPayload.objects.filter(pk=stored.pk).update(raw=json.dumps(message()).encode())

    call_command("channels", "replay", str(stored.pk))

    stored.refresh_from_db()
    assert stored.status == PayloadStatus.PROCESSED
    assert stored.ticket is not None
    assert f"payload {stored.pk}: processed" in capsys.readouterr().out


def test_an_unknown_or_inactive_channel_is_not_found(client, channel):
    channel.is_active = False
    channel.save()

    assert post(client, channel, message()).status_code == 404
    assert InboundPayload.objects.count() == 0


def test_the_anonymous_world_cannot_read_or_configure(client, channel, api_as):
    assert api_as(None).get("/api/v1/messaging-channels").status_code == 401
    assert Client().get(f"/api/v1/messaging-channels/{channel.pk}/payloads").status_code == 401


def test_a_nul_character_is_refused_before_the_database_sees_it(client, channel):
    response = post(client, channel, message(text="broken \x00 text"))

    assert (response.status_code, response.json()["field"]) == (422, "body")
    assert InboundPayload.objects.get().status == PayloadStatus.QUARANTINED
