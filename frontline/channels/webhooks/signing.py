"""Checking a provider's signature on an inbound post, in the scheme its channel names.

Frontline's own scheme (``t=…,v1=…``) is ``frontline.integrations.http.verify``. Providers
that sign the body alone send the HMAC-SHA256 as hex or base64 (``sha256=`` in front is
taken off); with a timestamp header configured, the signed text is ``"<time>." + body``
and a time outside the channel's tolerance is refused as a replay.
"""

import base64
import hashlib
import hmac
import time
from collections.abc import Mapping
from datetime import datetime

from frontline.channels.webhooks.models import MessagingChannel, SignatureScheme
from frontline.core.errors import ErrorCode
from frontline.integrations.http import SignatureInvalid, verify


class SignatureRefused(SignatureInvalid):
    """A 401 in the API's words: the signature is who the caller is."""

    code = ErrorCode.NOT_AUTHENTICATED


def check_signature(
    channel: MessagingChannel,
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: datetime | None = None,
) -> None:
    """Raise ``SignatureRefused`` unless ``body`` carries the channel's valid signature."""
    given = headers.get(channel.signature_header)
    try:
        if channel.signature_scheme == SignatureScheme.FRONTLINE:
            verify(channel.secret, given, body, now=now, tolerance_s=channel.tolerance_seconds)
        else:
            _verify_plain(channel, given, headers, body, now=now)
    except SignatureInvalid as exc:
        raise SignatureRefused(exc.message) from None


def _verify_plain(
    channel: MessagingChannel,
    given: str | None,
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: datetime | None,
) -> None:
    if not given:
        raise SignatureInvalid("The request is not signed.")
    signed = body
    if channel.timestamp_header:
        stamp = (headers.get(channel.timestamp_header) or "").strip()
        if not stamp.isdigit():
            raise SignatureInvalid(f"The {channel.timestamp_header} header is missing.")
        signed = f"{stamp}.".encode() + body
        moment = now.timestamp() if now is not None else time.time()
        if abs(moment - int(stamp)) > channel.tolerance_seconds:
            raise SignatureInvalid("The signature is too old (a replayed request?).")
    expected = plain_signature(
        channel.secret, signed, scheme=SignatureScheme(channel.signature_scheme)
    )
    value = given.strip()
    if value.lower().startswith("sha256="):
        value = value[len("sha256=") :]
    if not hmac.compare_digest(expected, value):
        raise SignatureInvalid("The signature does not match.")


def plain_signature(secret: str, signed: bytes, *, scheme: SignatureScheme) -> str:
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).digest()
    if scheme == SignatureScheme.BASE64:
        return base64.b64encode(digest).decode()
    return digest.hex()
