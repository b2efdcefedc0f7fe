"""Delivering one webhook against a real HTTP server on loopback that fails on purpose:
signatures, attempts, the back-off schedule, the log, and disabling after repeated failure."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from frontline.accounts.models import Notification, NotificationKind
from frontline.integrations import http, webhooks
from frontline.integrations.models import DeliveryStatus, WebhookDelivery
from frontline.integrations.tests.conftest import reload
from frontline.testing import factories
from frontline.testing.http_server import LocalHttpServer

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _deliver(subscription, ticket=None):
    return webhooks.enqueue_delivery(
        subscription,
        event_type="ticket.status_changed",
        payload={"changes": {"from": "new", "to": "open"}},
        ticket_id=ticket.pk if ticket else None,
    )


def test_the_signature_verifies_with_the_secret_and_nothing_else():
    body = b'{"event":"ping"}'
    header = http.signature_header("whsec_one", body, at=START)

    assert http.verify("whsec_one", header, body, now=START + timedelta(seconds=30)) == int(
        START.timestamp()
    )
    with pytest.raises(http.SignatureInvalid, match="does not match"):
        http.verify("whsec_two", header, body, now=START)
    with pytest.raises(http.SignatureInvalid, match="does not match"):
        http.verify("whsec_one", header, b'{"event":"pong"}', now=START)
    with pytest.raises(http.SignatureInvalid, match="too old"):
        http.verify("whsec_one", header, body, now=START + timedelta(minutes=6))


def test_a_delivery_failing_twice_is_retried_after_one_then_five_minutes(make_webhook, team):
    ticket = factories.make_ticket(team=team, subject="Printer on fire", tags=("hardware",))
    with LocalHttpServer(statuses=[500, 503, 200]) as server:
        subscription = make_webhook(server.url("/hooks/frontline"))
        with time_machine.travel(START, tick=False):
            delivery = _deliver(subscription, ticket)
            first = webhooks.attempt(delivery.pk)
        assert first == 60
        failed_once = reload(delivery)
        assert (failed_once.status, failed_once.attempts) == (DeliveryStatus.RETRYING, 1)
        assert failed_once.last_status_code == 500
        assert failed_once.last_error == "HTTP 500"
        assert failed_once.next_attempt_at == START + timedelta(minutes=1)
        assert failed_once.last_duration_ms is not None

        with time_machine.travel(START + timedelta(seconds=30), tick=False):
            assert webhooks.attempt(delivery.pk) is None  # not due yet: nothing is sent
        assert len(server.requests) == 1

        with time_machine.travel(START + timedelta(minutes=1), tick=False):
            assert webhooks.attempt(delivery.pk) == 300
        assert reload(delivery).next_attempt_at == START + timedelta(minutes=6)

        with time_machine.travel(START + timedelta(minutes=6), tick=False):
            assert webhooks.attempt(delivery.pk) is None
            assert webhooks.attempt(delivery.pk) is None  # delivered: never sent twice

    done = reload(delivery)
    assert (done.status, done.attempts, done.last_status_code) == (DeliveryStatus.DELIVERED, 3, 200)
    assert done.delivered_at == START + timedelta(minutes=6)
    assert done.response_excerpt == '{"ok": true}'
    assert done.last_error == ""
    assert [r.path for r in server.requests] == ["/hooks/frontline"] * 3
    # Every try is the same delivery, signed afresh with the subscription's secret.
    ids = {r.headers["X-Frontline-Delivery"] for r in server.requests}
    assert ids == {str(delivery.uuid)}
    last = server.requests[-1]
    assert last.headers["X-Frontline-Event"] == "ticket.status_changed"
    signed_at = START + timedelta(minutes=6)
    assert http.verify(
        subscription.secret, last.headers["X-Frontline-Signature"], last.body, now=signed_at
    ) == int(signed_at.timestamp())
    body = last.json()
    assert body["id"] == str(delivery.uuid)
    assert body["event"] == "ticket.status_changed"
    assert body["data"] == {"changes": {"from": "new", "to": "open"}}
    assert body["ticket"]["number"] == ticket.number
    assert body["ticket"]["subject"] == "Printer on fire"
    assert body["ticket"]["team"] == {"id": team.pk, "name": "Tier 1"}
    assert body["ticket"]["tags"] == ["hardware"]
    assert body["ticket"]["customer"]["email"] == ticket.customer.identities.get().value
    assert body["ticket"]["url"] == f"http://testserver/tickets/{ticket.number}/"
    sub = reload(subscription)
    assert (sub.consecutive_failures, sub.last_success_at) == (0, START + timedelta(minutes=6))


def test_the_back_off_grows_and_the_last_attempt_fails_for_good(make_webhook, settings):
    settings.FRONTLINE_WEBHOOK_ATTEMPTS = 6
    waits = []
    with LocalHttpServer(default_status=502) as server:
        delivery = _deliver(make_webhook(server.url("/down")))
        moment = START
        for _ in range(6):
            with time_machine.travel(moment, tick=False):
                waits.append(webhooks.attempt(delivery.pk))
            if waits[-1] is not None:
                moment += timedelta(seconds=waits[-1])

    assert waits == [60, 300, 1500, 7200, 36000, None]
    failed = reload(delivery)
    assert (failed.status, failed.attempts, failed.next_attempt_at) == (
        DeliveryStatus.FAILED,
        6,
        None,
    )
    assert len(server.requests) == 6
    assert reload(delivery.subscription).consecutive_failures == 1


def test_an_answer_that_retrying_cannot_change_fails_at_once(make_webhook):
    with LocalHttpServer(statuses=[410]) as server:
        delivery = _deliver(make_webhook(server.url("/gone")))
        assert webhooks.attempt(delivery.pk) is None

    failed = reload(delivery)
    assert (failed.status, failed.attempts, failed.last_status_code) == (
        DeliveryStatus.FAILED,
        1,
        410,
    )


def test_an_address_nobody_answers_is_a_retryable_error(make_webhook):
    with LocalHttpServer() as server:
        url = server.url("/closed")
    delivery = _deliver(make_webhook(url))  # the server is gone: connection refused

    assert webhooks.attempt(delivery.pk) == 60
    failed = reload(delivery)
    assert failed.status == DeliveryStatus.RETRYING
    assert failed.last_status_code is None
    assert "ConnectError" in failed.last_error


def test_repeated_failure_disables_the_webhook_and_tells_admins(
    make_webhook, settings, head, agent, admin_user
):
    settings.FRONTLINE_WEBHOOK_DISABLE_AFTER = 3
    settings.FRONTLINE_WEBHOOK_ATTEMPTS = 1
    with LocalHttpServer(statuses=[500, 200, 500, 500, 500]) as server:
        subscription = make_webhook(server.url("/flaky"), name="Flaky CRM")
        deliveries = [_deliver(subscription) for _ in range(5)]
        webhooks.attempt(deliveries[0].pk)
        assert reload(subscription).consecutive_failures == 1
        webhooks.attempt(deliveries[1].pk)  # a success: the streak starts again
        assert reload(subscription).consecutive_failures == 0
        for delivery in deliveries[2:4]:
            webhooks.attempt(delivery.pk)
        assert reload(subscription).is_active
        webhooks.attempt(deliveries[4].pk)
        later = _deliver(subscription)
        webhooks.attempt(later.pk)

    disabled = reload(subscription)
    assert (disabled.is_active, disabled.state) == (False, "disabled")
    assert disabled.disabled_at is not None
    assert disabled.disabled_reason.startswith("Disabled after 3 deliveries in a row failed")
    assert "HTTP 500" in disabled.disabled_reason
    # The delivery queued after it was disabled is not sent, and says why.
    assert len(server.requests) == 5
    assert reload(later).status == DeliveryStatus.FAILED
    assert reload(later).last_error == "The webhook is disabled."
    told = Notification.objects.filter(kind=NotificationKind.WEBHOOK_DISABLED)
    assert sorted(told.values_list("user__name", flat=True)) == ["Ada Admin", "Hana Head"]
    notice = told.earliest("id")
    assert notice.title == "Webhook disabled: Flaky CRM"
    assert notice.url == f"/integrations/webhooks/{subscription.pk}/"
    assert webhooks.subscribers("ticket.created") == []


def test_the_sweep_finds_retries_due_and_jobs_that_were_lost(make_webhook):
    with LocalHttpServer(statuses=[500]) as server:
        subscription = make_webhook(server.url("/x"))
        with time_machine.travel(START, tick=False):
            retrying = _deliver(subscription)
            webhooks.attempt(retrying.pk)
            lost = _deliver(subscription)  # its job never ran
            assert webhooks.due_deliveries() == []
        with time_machine.travel(START + timedelta(seconds=61), tick=False):
            assert webhooks.due_deliveries() == [retrying.pk, lost.pk]
        # A worker that died mid-send: its claim lapses and the sweep takes it up again.
        WebhookDelivery.objects.filter(pk=lost.pk).update(
            status=DeliveryStatus.SENDING, next_attempt_at=START + timedelta(minutes=2)
        )
        with time_machine.travel(START + timedelta(minutes=3), tick=False):
            assert webhooks.due_deliveries() == [retrying.pk, lost.pk]
            assert webhooks.attempt(lost.pk) is None
    assert reload(lost).status == DeliveryStatus.DELIVERED
