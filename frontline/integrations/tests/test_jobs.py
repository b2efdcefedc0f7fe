"""The webhook jobs as a worker runs them: real consumer threads on a SQLite and on a Redis
queue, a real HTTP server that fails first."""

import time

import pytest
from django.utils import timezone

from frontline.core.actors import Actor
from frontline.integrations import tasks, webhooks
from frontline.integrations.models import DeliveryStatus, WebhookDelivery
from frontline.testing import factories
from frontline.testing.http_server import LocalHttpServer
from frontline.testing.worker import running_worker
from frontline.tickets import services
from frontline.tickets.models import Status

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_the_worker_sends_after_commit_and_retries_on_its_own(
    job_queue, make_webhook, team, agent, monkeypatch
):
    monkeypatch.setattr(webhooks, "BACKOFF_SECONDS", (1,))
    ticket = factories.make_ticket(team=team)
    with LocalHttpServer(statuses=[500, 200]) as server:
        make_webhook(server.url("/hook"), events=["ticket.status_changed"])
        with running_worker(job_queue, consumers=1, workers=2):
            services.change_status(ticket, status=Status.OPEN, actor=Actor.for_user(agent))
            assert wait_for(
                lambda: WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED
            )

    delivery = WebhookDelivery.objects.get()
    assert delivery.attempts == 2
    assert len(server.requests) == 2
    assert {r.headers["X-Frontline-Delivery"] for r in server.requests} == {str(delivery.uuid)}


def test_the_sweep_sends_what_a_lost_job_left(job_queue, make_webhook):
    with LocalHttpServer() as server:
        hook = make_webhook(server.url("/hook"))
        # Written, but the worker restarted before its job ran (the job is gone).
        now = timezone.now()
        WebhookDelivery.objects.create(
            subscription=hook, event_type="ping", payload={}, created_at=now, next_attempt_at=now
        )
        with running_worker(job_queue, consumers=2, workers=2):
            tasks.deliver_due_webhooks()
            tasks.deliver_due_webhooks()  # twice at once: still sent once
            assert wait_for(
                lambda: WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED
            )

    assert len(server.requests) == 1
