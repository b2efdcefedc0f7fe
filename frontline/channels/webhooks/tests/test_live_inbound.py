"""One real signed HTTP call: a provider posting over loopback to the ASGI app served by
uvicorn (``live_server_url``), with the one signed client Frontline itself uses."""

import json

import pytest

from frontline.channels.webhooks.models import InboundPayload
from frontline.channels.webhooks.tests.helpers import SECRET, make_channel, message
from frontline.integrations import http
from frontline.tickets.models import Ticket


@pytest.mark.django_db(transaction=True)
def test_a_provider_posts_a_signed_message_over_http(live_server_url):
    channel = make_channel()
    body = json.dumps(message("live-1", text="Sent over real HTTP")).encode()
    url = f"{live_server_url}/api/v1/channels/{channel.pk}/inbound"

    accepted = http.post(
        url, body=body, headers={http.SIGNATURE_HEADER: http.signature_header(SECRET, body)}
    )
    forged = http.post(
        url, body=body, headers={http.SIGNATURE_HEADER: http.signature_header("wrong", body)}
    )

    assert accepted.status_code == 202
    answer = json.loads(accepted.body_excerpt)
    assert Ticket.objects.get(pk=answer["ticket_id"]).messages.get().body_text == (
        "Sent over real HTTP"
    )
    assert forged.status_code == 401
    assert InboundPayload.objects.count() == 1
    channel.refresh_from_db()
    assert channel.rejected_count == 1
