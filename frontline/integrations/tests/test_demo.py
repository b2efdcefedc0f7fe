"""The demo's webhooks: one posting to the receiver `make run` serves, pinged, and one that
Frontline disabled after its deliveries kept failing (admins were told)."""

from datetime import UTC, datetime

from frontline.accounts.models import Notification, NotificationKind
from frontline.integrations import demo
from frontline.integrations.models import DeliveryStatus, WebhookSubscription
from frontline.testing import factories


def test_the_demo_shows_a_working_and_a_disabled_webhook(admin_user, team, settings):
    factories.make_ticket(team=team)
    demo.load_demo(now=datetime(2026, 3, 2, 9, 0, tzinfo=UTC))

    receiver = WebhookSubscription.objects.get(name="Demo receiver")
    assert receiver.url == "http://testserver/integrations/demo-receiver/"
    assert receiver.state == "active"
    assert list(receiver.deliveries.values_list("event_type", "status")) == [
        ("ping", DeliveryStatus.PENDING)
    ]
    crm = WebhookSubscription.objects.get(name="Old CRM sync")
    assert crm.state == "disabled"
    assert crm.disabled_reason.startswith("Disabled after 10 deliveries in a row failed")
    assert crm.deliveries.filter(status=DeliveryStatus.FAILED).count() == 10
    assert Notification.objects.filter(
        user=admin_user, kind=NotificationKind.WEBHOOK_DISABLED
    ).exists()
