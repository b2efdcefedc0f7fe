"""The webhooks pages: list, form with field errors, the delivery log and its actions, the
refusals, and the demo's receiver checking signatures."""

import json

import pytest
from django.test import Client

from frontline.integrations import http, webhooks
from frontline.integrations.models import DeliveryStatus, WebhookDelivery, WebhookSubscription

PAGES = "/integrations/webhooks/"


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_form_creates_a_webhook_and_shows_its_secret_once(head):
    client = _client(head)
    response = client.post(
        f"{PAGES}new/",
        {
            "name": "Data warehouse",
            "url": "https://dw.example.test/in",
            "event_types": ["ticket.created", "sla.breached"],
        },
    )

    hook = WebhookSubscription.objects.get()
    assert response.status_code == 201
    assert hook.secret in response.content.decode()
    assert hook.event_types == ["ticket.created", "sla.breached"]
    again = client.get(f"{PAGES}{hook.pk}/").content.decode()
    assert hook.secret not in again
    assert hook.masked_secret in again
    listing = client.get(PAGES).content.decode()
    assert "Data warehouse" in listing
    assert "Active" in listing


def test_a_bad_address_is_refused_with_the_field_and_keeps_the_form(head):
    response = _client(head).post(
        f"{PAGES}new/", {"name": "CRM", "url": "ftp://x.test/", "event_types": ["ticket.*"]}
    )

    page = response.content.decode()
    assert response.status_code == 422
    assert 'aria-invalid="true"' in page
    assert "starts with http:// or https://" in page
    assert 'value="CRM"' in page
    assert not WebhookSubscription.objects.exists()


def test_the_log_shows_each_delivery_and_a_failed_one_can_be_sent_again(
    head, make_webhook, django_assert_num_queries
):
    hook = make_webhook("https://crm.example.test/hook", name="CRM")
    for n in range(5):
        webhooks.enqueue_delivery(hook, event_type="ticket.created", payload={"n": n})
    failed = WebhookDelivery.objects.earliest("id")
    WebhookDelivery.objects.filter(pk=failed.pk).update(
        status=DeliveryStatus.FAILED,
        attempts=6,
        last_status_code=502,
        last_error="HTTP 502",
        last_duration_ms=41.7,
        response_excerpt="Bad gateway",
    )
    client = _client(head)
    client.get(f"{PAGES}{hook.pk}/")
    # Session, user, the webhook, its deliveries, the header's unread count: at any size.
    with django_assert_num_queries(5):
        page = client.get(f"{PAGES}{hook.pk}/").content.decode()
    redone = client.post(f"/integrations/deliveries/{failed.pk}/redeliver/")

    assert "HTTP 502" in page
    assert "42 ms" in page
    assert "Bad gateway" in page
    assert page.count('<tr class="delivery-') == 5
    assert redone.status_code == 302
    assert WebhookDelivery.objects.count() == 6


def test_a_disabled_webhook_is_enabled_again_from_its_page(head, make_webhook):
    hook = make_webhook("https://crm.example.test/hook")
    WebhookSubscription.objects.filter(pk=hook.pk).update(
        is_active=False, consecutive_failures=10, disabled_reason="Disabled after 10 failed"
    )
    client = _client(head)
    page = client.get(f"{PAGES}{hook.pk}/").content.decode()
    client.post(f"{PAGES}{hook.pk}/enable/")

    assert "Disabled after 10 failed" in page
    assert "Enable again" in page
    hook.refresh_from_db()
    assert (hook.is_active, hook.consecutive_failures) == (True, 0)


def test_ping_and_rotation_from_the_page(head, make_webhook):
    hook = make_webhook("https://crm.example.test/hook")
    client = _client(head)
    client.post(f"{PAGES}{hook.pk}/ping/")
    rotated = client.post(f"{PAGES}{hook.pk}/rotate/")

    assert WebhookDelivery.objects.get().event_type == "ping"
    hook.refresh_from_db()
    assert hook.secret in rotated.content.decode()


@pytest.mark.parametrize("persona", ["agent", "supervisor", "analyst"])
def test_staff_who_do_not_configure_are_refused(request, persona, make_webhook):
    hook = make_webhook("https://crm.example.test/hook")
    client = _client(request.getfixturevalue(persona))

    assert client.get(PAGES).status_code == 403
    assert client.get(f"{PAGES}{hook.pk}/").status_code == 403
    assert client.post(f"{PAGES}{hook.pk}/delete/").status_code == 403
    assert client.post(f"{PAGES}new/", {"name": "X", "url": "https://x.test/"}).status_code == 403
    assert WebhookSubscription.objects.count() == 1
    assert "Webhooks" not in client.get("/tickets/").content.decode()


def test_a_customer_and_a_visitor_are_refused(customer):
    assert _client(customer.user).get(PAGES).status_code == 403
    assert Client().get(PAGES).status_code == 302


def test_the_nav_shows_webhooks_to_whoever_configures(head):
    assert 'href="/integrations/webhooks/"' in _client(head).get(PAGES).content.decode()


def test_the_demo_receiver_accepts_only_a_correct_signature(make_webhook):
    hook = make_webhook("http://testserver/integrations/demo-receiver/")
    delivery = webhooks.enqueue_delivery(hook, event_type="ping", payload={})
    body = json.dumps(delivery.payload).encode()
    headers = {"X-Frontline-Delivery": str(delivery.uuid)}
    good = http.signature_header(hook.secret, body)
    bad = http.signature_header("whsec_someone_else", body)
    receiver = "/integrations/demo-receiver/"

    ok = Client().post(
        receiver, body, "application/json", headers=headers | {http.SIGNATURE_HEADER: good}
    )
    forged = Client().post(
        receiver, body, "application/json", headers=headers | {http.SIGNATURE_HEADER: bad}
    )
    unknown = Client().post(
        receiver, body, "application/json", headers={"X-Frontline-Delivery": "x"}
    )

    assert ok.status_code == 200
    assert ok.json() == {"received": str(delivery.uuid), "event": "ping", "verified": True}
    assert forged.status_code == 401
    assert unknown.status_code == 404


def test_the_django_admin_shows_webhooks_without_their_secrets(admin_client, make_webhook):
    hook = make_webhook("https://crm.example.test/hook", name="CRM")
    webhooks.enqueue_delivery(hook, event_type="ping", payload={})
    listed = admin_client.get("/admin/integrations/webhooksubscription/")
    page = admin_client.get(f"/admin/integrations/webhooksubscription/{hook.pk}/change/")
    log = admin_client.get("/admin/integrations/webhookdelivery/")

    assert (listed.status_code, page.status_code, log.status_code) == (200, 200, 200)
    assert "CRM" in listed.content.decode()
    assert hook.secret not in page.content.decode()
    assert (
        admin_client.post(
            f"/admin/integrations/webhooksubscription/{hook.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
