"""Signed posts to a channel's inbound endpoint, as a provider makes them."""

import base64
import json
from datetime import datetime
from typing import Any

from django.test import Client

from frontline.accounts.models import Team
from frontline.channels.webhooks.models import ChannelKind, MessagingChannel, SignatureScheme
from frontline.integrations.http import signature_header

SECRET = "test-inbound-secret"


def make_channel(
    *,
    name: str = "SMS",
    kind: ChannelKind = ChannelKind.SMS,
    team: Team | None = None,
    outbound_url: str = "",
    **options: Any,
) -> MessagingChannel:
    return MessagingChannel.objects.create(
        name=name, kind=kind, team=team, secret=SECRET, outbound_url=outbound_url, **options
    )


def message(
    message_id: str = "m-1",
    *,
    phone: str | None = "+49 151 2345 6789",
    handle: str | None = None,
    text: str = "Hi, my parcel never arrived and I need it by Friday",
    attachments: list[dict[str, str]] | None = None,
    name: str = "",
) -> dict[str, Any]:
    sender: dict[str, str] = {"handle": handle} if handle else {"phone": phone or ""}
    if name:
        sender["name"] = name
    return {
        "type": "message",
        "message_id": message_id,
        "from": sender,
        "text": text,
        "attachments": attachments or [],
        "sent_at": "2026-03-02T10:00:00Z",
    }


def attachment(filename: str = "photo.png", content: bytes = b"\x89PNG...") -> dict[str, str]:
    return {
        "filename": filename,
        "content_type": "image/png",
        "data_base64": base64.b64encode(content).decode(),
    }


def post(
    client: Client,
    channel: MessagingChannel,
    document: Any,
    *,
    secret: str = SECRET,
    at: datetime | None = None,
    raw: bytes | None = None,
) -> Any:
    body = raw if raw is not None else json.dumps(document).encode()
    return client.post(
        f"/api/v1/channels/{channel.pk}/inbound",
        body,
        content_type="application/json",
        headers={channel.signature_header: signature_header(secret, body, at=at)},
    )


__all__ = ["SECRET", "SignatureScheme", "attachment", "make_channel", "message", "post"]
