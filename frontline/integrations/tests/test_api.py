"""The webhooks API: configuring subscriptions (validated, secret shown once), the delivery
log, pings, redelivery and rotation; admins and heads of support only."""

import pytest

from frontline.integrations import webhooks
from frontline.integrations.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from frontline.testing import factories
from frontline.testing.http_server import LocalHttpServer

V1 = "/api/v1/webhooks"
HOOK = {"name": "CRM", "url": "https://crm.example.test/hook", "event_types": ["ticket.created"]}


def test_a_head_of_support_creates_a_webhook_and_sees_its_secret_once(api_as, head):
    client = api_as(head)
    created = client.post(V1, HOOK)

    assert created.status_code == 201
    body = created.json()
    assert body["secret"].startswith("whsec_")
    assert len(body["secret"]) > 40
    assert (body["state"], body["event_types"]) == ("active", ["ticket.created"])
    stored = WebhookSubscription.objects.get()
    assert stored.secret == body["secret"]
    read = client.get(f"{V1}/{body['id']}").json()
    assert read["secret"] != body["secret"]
    assert read["secret"].endswith(body["secret"][-4:])
    assert "…" in read["secret"]
    assert client.get(V1).json()["items"][0]["secret"] == read["secret"]


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"url": "ftp://files.example.test/in"}, "url", "http:// or https://"),
        ({"url": "https://"}, "url", "not a web address"),
        ({"url": "   "}, "url", "Give the address"),
        ({"url": "https://bob:hunter2@crm.example.test/"}, "url", "password out"),
        ({"url": "https://crm.example.test:99999/"}, "url", "not a web address"),
        ({"name": "  "}, "name", "needs a name"),
        ({"event_types": ["ticket.exploded"]}, "event_types", "Unknown event 'ticket.exploded'"),
    ],
)
def test_bad_settings_are_refused_naming_the_field(api_as, admin_user, change, field, words):
    response = api_as(admin_user).post(V1, HOOK | change)

    assert response.status_code == 422
    assert response.json()["field"] == field
    assert words in response.json()["detail"]
    assert not WebhookSubscription.objects.exists()


def test_a_change_is_validated_and_keeps_what_was_not_sent(api_as, admin_user):
    client = api_as(admin_user)
    hook = client.post(V1, HOOK).json()
    refused = client.patch(f"{V1}/{hook['id']}", {"url": "javascript:alert(1)"})
    changed = client.patch(f"{V1}/{hook['id']}", {"event_types": ["ticket.*", "ticket.created"]})

    assert refused.status_code == 422
    assert refused.json()["field"] == "url"
    assert changed.status_code == 200
    assert changed.json()["url"] == HOOK["url"]
    assert changed.json()["event_types"] == ["ticket.*"]
    assert webhooks.subscribers("ticket.assigned") == [hook["id"]]


def test_a_disabled_webhook_is_enabled_again_with_a_fresh_start(api_as, admin_user):
    client = api_as(admin_user)
    hook = client.post(V1, HOOK).json()
    WebhookSubscription.objects.filter(pk=hook["id"]).update(
        is_active=False, consecutive_failures=10, disabled_reason="Disabled after 10..."
    )
    enabled = client.patch(f"{V1}/{hook['id']}", {"is_active": True}).json()

    assert (enabled["state"], enabled["consecutive_failures"], enabled["disabled_reason"]) == (
        "active",
        0,
        "",
    )
    assert webhooks.subscribers("ticket.created") == [hook["id"]]


def test_the_delivery_log_pages_newest_first(api_as, admin_user, make_webhook):
    hook = make_webhook("https://crm.example.test/hook")
    made = [
        webhooks.enqueue_delivery(hook, event_type="ticket.created", payload={"n": n})
        for n in range(3)
    ]
    client = api_as(admin_user)
    first = client.get(f"{V1}/{hook.pk}/deliveries", page_size=2).json()
    rest = client.get(first["next"]).json()

    assert [d["id"] for d in first["items"] + rest["items"]] == [d.pk for d in reversed(made)]
    assert first["items"][0]["payload"]["data"] == {"n": 2}
    assert first["items"][0]["uuid"] == str(made[2].uuid)
    assert rest["next"] is None


def test_a_ping_and_a_redelivery_reach_the_receiver_signed(
    api_as, admin_user, make_webhook, django_capture_on_commit_callbacks
):
    client = api_as(admin_user)
    with LocalHttpServer() as server:
        hook = make_webhook(server.url("/in"))
        with django_capture_on_commit_callbacks(execute=True):
            ping = client.post(f"{V1}/{hook.pk}/ping")
        with django_capture_on_commit_callbacks(execute=True):
            again = client.post(f"{V1}/deliveries/{ping.json()['id']}/redeliver")

    assert (ping.status_code, again.status_code) == (201, 201)
    assert [r.headers["X-Frontline-Event"] for r in server.requests] == ["ping", "ping"]
    assert [r.json()["id"] for r in server.requests] == [ping.json()["uuid"], again.json()["uuid"]]
    assert ping.json()["uuid"] != again.json()["uuid"]
    statuses = WebhookDelivery.objects.values_list("status", flat=True)
    assert set(statuses) == {DeliveryStatus.DELIVERED}


def test_a_disabled_webhook_sends_no_redelivery(api_as, admin_user, make_webhook):
    hook = make_webhook("https://crm.example.test/hook")
    delivery = webhooks.enqueue_delivery(hook, event_type="ticket.created", payload={})
    WebhookSubscription.objects.filter(pk=hook.pk).update(is_active=False)
    response = api_as(admin_user).post(f"{V1}/deliveries/{delivery.pk}/redeliver")

    assert response.status_code == 409
    assert "enable it" in response.json()["detail"]
    assert WebhookDelivery.objects.count() == 1


def test_rotating_the_secret_signs_every_later_delivery_with_the_new_one(
    api_as, admin_user, make_webhook
):
    hook = make_webhook("https://crm.example.test/hook")
    rotated = api_as(admin_user).post(f"{V1}/{hook.pk}/rotate-secret").json()

    assert rotated["secret"] != hook.secret
    assert WebhookSubscription.objects.get().secret == rotated["secret"]


def test_deleting_a_webhook_removes_its_log(api_as, admin_user, make_webhook):
    hook = make_webhook("https://crm.example.test/hook")
    webhooks.enqueue_delivery(hook, event_type="ticket.created", payload={})

    assert api_as(admin_user).delete(f"{V1}/{hook.pk}").status_code == 204
    assert not WebhookDelivery.objects.exists()
    assert webhooks.subscribers("ticket.created") == []


@pytest.mark.parametrize("persona", ["agent", "supervisor", "analyst"])
def test_staff_who_do_not_configure_are_refused(request, api_as, make_webhook, persona):
    hook = make_webhook("https://crm.example.test/hook")
    client = api_as(request.getfixturevalue(persona))

    assert client.get(V1).status_code == 403
    assert client.get(f"{V1}/{hook.pk}").status_code == 403
    assert client.post(V1, HOOK).status_code == 403
    assert client.post(f"{V1}/{hook.pk}/ping").status_code == 403
    assert client.patch(f"{V1}/{hook.pk}", {"is_active": False}).status_code == 403
    assert WebhookSubscription.objects.get().is_active
    assert WebhookDelivery.objects.count() == 0


def test_a_customer_is_refused(api_as, customer, make_webhook):
    hook = make_webhook("https://crm.example.test/hook")
    assert api_as(customer.user).get(f"{V1}/{hook.pk}/deliveries").status_code == 403
    assert api_as(factories.make_agent()).get(V1).status_code == 403
