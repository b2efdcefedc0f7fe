"""The messaging channels' inbound endpoint under load: ``inbound_msgs_per_s``.

``measure_inbound`` runs inside a throw-away database its caller opened (``frontline bench
automation``). It adds one SMS channel and posts N signed messages through the real
endpoint in-process (Django's test client, every middleware and the signature check): one
customer in five is new and opens a ticket, the others continue their conversation, and one
post in twenty is a provider's retry of a message already taken (a duplicate). Reported:
``inbound_msgs_per_s`` over all posts and ``inbound_p95_ms`` (and p50) per post.
"""

import json
import time
from collections.abc import Callable

from django.test import Client, override_settings

from frontline.bench.common import Reporter, percentile
from frontline.channels.webhooks.inbound import process, processing_deferred
from frontline.channels.webhooks.models import ChannelKind, InboundPayload, MessagingChannel
from frontline.core.heap import frozen_heap
from frontline.integrations.http import SIGNATURE_HEADER, signature_header

SECRET = "bench-inbound-secret"  # noqa: S105 - the throw-away channel's
NEW_CUSTOMER_EVERY = 5
DUPLICATE_EVERY = 20


def measure_inbound(reporter: Reporter, *, messages: int, progress: Callable[[str], None]) -> None:
    channel = MessagingChannel.objects.create(
        name=f"Bench SMS {time.time_ns()}", kind=ChannelKind.SMS, secret=SECRET
    )
    bodies = _bodies(messages)
    client = Client()
    path = f"/api/v1/channels/{channel.pk}/inbound"
    progress(f"posting {len(bodies)} signed messages to {path}")
    # The worker's part runs below, in this process, rather than from the job queue.
    settings = override_settings(ALLOWED_HOSTS=["testserver"], DEBUG=False)
    with settings, processing_deferred():
        _post(client, path, _body(-1, 0))  # warm-up: imports, first queries
        _time_posts(client, path, bodies, reporter, progress)
    _drain(reporter, channel, progress)


def _time_posts(
    client: Client,
    path: str,
    bodies: list[bytes],
    reporter: Reporter,
    progress: Callable[[str], None],
) -> None:
    # A server freezes its start-up objects (frontline/asgi.py): so does the bench.
    with frozen_heap():
        samples = []
        started = time.perf_counter()
        for body in bodies:
            begun = time.perf_counter()
            _post(client, path, body)
            samples.append((time.perf_counter() - begun) * 1000)
        elapsed = time.perf_counter() - started
    progress(f"{len(bodies)} posts taken in {elapsed:.2f} s")
    reporter.metric("inbound_msgs_per_s", len(bodies) / elapsed, "messages/s", len(bodies))
    reporter.metric("inbound_p95_ms", percentile(samples, 95), "ms", len(samples))
    reporter.metric("inbound_p50_ms", percentile(samples, 50), "ms", len(samples))


def _drain(reporter: Reporter, channel: MessagingChannel, progress: Callable[[str], None]) -> None:
    """What the worker does with the posts taken: each onto its ticket, one by one."""
    received = InboundPayload.objects.filter(channel=channel, status="received")
    ids = list(received.order_by("id").values_list("pk", flat=True))
    started = time.perf_counter()
    for payload_id in ids:
        process(payload_id)
    elapsed = time.perf_counter() - started
    done = InboundPayload.objects.filter(channel=channel, status="processed").count()
    progress(f"{done} of {len(ids)} processed onto tickets in {elapsed:.2f} s")
    reporter.metric("inbound_processed_per_s", len(ids) / elapsed, "messages/s", len(ids))


def _bodies(messages: int) -> list[bytes]:
    customers = max(messages // NEW_CUSTOMER_EVERY, 1)
    bodies: list[bytes] = []
    for index in range(messages):
        if index and index % DUPLICATE_EVERY == 0:
            bodies.append(bodies[index - 1])  # the provider retries the previous post
            continue
        bodies.append(_body(index, index % customers))
    return bodies


def _body(index: int, customer: int) -> bytes:
    document = {
        "type": "message",
        "message_id": f"bench-{index}",
        "from": {"phone": f"+49151{customer:08d}"},
        "text": f"Message {index}: where is my order? It was due on Monday.",
        "sent_at": "2026-03-02T10:00:00Z",
    }
    return json.dumps(document).encode()


def _post(client: Client, path: str, body: bytes) -> None:
    response = client.post(
        path,
        body,
        content_type="application/json",
        headers={SIGNATURE_HEADER: signature_header(SECRET, body)},
    )
    if response.status_code not in (200, 202):
        raise RuntimeError(f"The inbound endpoint answered {response.status_code}.")
