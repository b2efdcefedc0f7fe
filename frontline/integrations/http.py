"""Signed HTTP between Frontline and other systems: the one outbound client and the one
HMAC scheme, shared by outgoing webhooks, messaging channels' outbound replies and the
HTTP integrations of self-service workflows.

Frontline signs what it sends with ``X-Frontline-Signature: t=<unix seconds>,v1=<hex>``,
where ``v1`` is HMAC-SHA256 with the shared secret over ``"<t>." + body``; a receiver
recomputes it and refuses a timestamp older than its tolerance (a replayed request).
``post`` never raises for the network: it returns an ``HttpResult`` that says whether a
retry can help (healthchecks: ``TransportError(permanent=...)``).
"""

import hashlib
import hmac
import time
from dataclasses import dataclass
from datetime import datetime

import httpx

from frontline.core.errors import FrontlineError

SIGNATURE_HEADER = "X-Frontline-Signature"
DEFAULT_TOLERANCE_S = 300
DEFAULT_TIMEOUT_S = 10.0
EXCERPT = 2000
USER_AGENT = "Frontline"


class SignatureInvalid(FrontlineError):
    """A signature is missing, malformed, wrong, or too old to accept."""

    status = 401


def hmac_hex(secret: str, message: bytes, *, algorithm: str = "sha256") -> str:
    return hmac.new(secret.encode(), message, getattr(hashlib, algorithm)).hexdigest()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    return hmac_hex(secret, f"{timestamp}.".encode() + body)


def signature_header(secret: str, body: bytes, *, at: datetime | None = None) -> str:
    timestamp = int(at.timestamp()) if at is not None else int(time.time())
    return f"t={timestamp},v1={sign(secret, timestamp, body)}"


def verify(
    secret: str,
    header: str | None,
    body: bytes,
    *,
    now: datetime | None = None,
    tolerance_s: int = DEFAULT_TOLERANCE_S,
) -> int:
    """Check a ``t=…,v1=…`` header; return its timestamp or raise ``SignatureInvalid``."""
    if not header:
        raise SignatureInvalid("The request is not signed.")
    parts = dict(part.partition("=")[::2] for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError):
        raise SignatureInvalid("The signature header is malformed.") from None
    if not hmac.compare_digest(sign(secret, timestamp, body), given.strip()):
        raise SignatureInvalid("The signature does not match.")
    moment = now.timestamp() if now is not None else time.time()
    if abs(moment - timestamp) > tolerance_s:
        raise SignatureInvalid("The signature is too old (a replayed request?).")
    return timestamp


@dataclass(frozen=True)
class HttpResult:
    status_code: int | None
    elapsed_ms: float
    body_excerpt: str = ""
    error: str = ""
    # Whether trying again later can help: network errors, 408, 429 and 5xx.
    retryable: bool = False

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _retryable(status: int) -> bool:
    return status in (408, 425, 429) or status >= 500


def post(
    url: str,
    *,
    body: bytes,
    headers: dict[str, str] | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    transport: httpx.BaseTransport | None = None,
) -> HttpResult:
    """POST ``body``; map every transport failure to an ``HttpResult``."""
    sent = {"Content-Type": "application/json", "User-Agent": USER_AGENT, **(headers or {})}
    started = time.perf_counter()
    try:
        with httpx.Client(timeout=timeout_s, transport=transport) as client:
            response = client.post(url, content=body, headers=sent)
    except httpx.TimeoutException:
        return HttpResult(None, _ms(started), error="Timed out.", retryable=True)
    except httpx.HTTPError as exc:
        return HttpResult(None, _ms(started), error=f"{type(exc).__name__}: {exc}", retryable=True)
    return HttpResult(
        response.status_code,
        _ms(started),
        body_excerpt=response.text[:EXCERPT],
        error="" if response.is_success else f"HTTP {response.status_code}",
        retryable=(not response.is_success) and _retryable(response.status_code),
    )


def get_json(
    url: str,
    *,
    params: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    transport: httpx.BaseTransport | None = None,
) -> tuple[HttpResult, object]:
    """GET a JSON document (an integration lookup); the parsed body or None."""
    sent = {"Accept": "application/json", "User-Agent": USER_AGENT, **(headers or {})}
    started = time.perf_counter()
    try:
        with httpx.Client(timeout=timeout_s, transport=transport) as client:
            response = client.get(url, params=params, headers=sent)
    except httpx.TimeoutException:
        return HttpResult(None, _ms(started), error="Timed out.", retryable=True), None
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"
        return HttpResult(None, _ms(started), error=error, retryable=True), None
    result = HttpResult(
        response.status_code,
        _ms(started),
        body_excerpt=response.text[:EXCERPT],
        error="" if response.is_success else f"HTTP {response.status_code}",
        retryable=(not response.is_success) and _retryable(response.status_code),
    )
    if not response.is_success:
        return result, None
    try:
        return result, response.json()
    except ValueError:
        return HttpResult(response.status_code, result.elapsed_ms, error="Not JSON."), None


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
