"""The Django admin of the email channel: mailboxes, the quarantine, sent email."""

import pytest
from django.test import Client
from django.urls import reverse

from frontline.channels.email.models import (
    DeliveryStatus,
    InboundMessage,
    InboundStatus,
    Mailbox,
    OutboundMessage,
)
from frontline.channels.email.tests.mail import build, deliver


@pytest.fixture
def admin_client(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.fixture
def held(mailbox, settings):
    settings.FRONTLINE_EMAIL_MAX_MESSAGE_BYTES = 100
    return deliver(build(), mailbox)


@pytest.mark.parametrize(
    "name",
    [
        "admin:email_mailbox_changelist",
        "admin:email_inboundmessage_changelist",
        "admin:email_quarantinedmessage_changelist",
        "admin:email_outboundmessage_changelist",
        "admin:email_emailtemplate_changelist",
    ],
)
def test_admin_pages_open(admin_client, held, name):
    response = admin_client.get(reverse(name))

    assert response.status_code == 200


def test_the_quarantine_shows_held_mail_and_its_reason(admin_client, held):
    response = admin_client.get(reverse("admin:email_quarantinedmessage_changelist"))

    assert "The message is" in response.content.decode()
    detail = admin_client.get(reverse("admin:email_quarantinedmessage_change", args=[held.pk]))
    assert f"/api/v1/email/inbound/{held.pk}/raw" in detail.content.decode()


def test_the_reprocess_action(admin_client, held, settings):
    settings.FRONTLINE_EMAIL_MAX_MESSAGE_BYTES = 100_000

    response = admin_client.post(
        reverse("admin:email_quarantinedmessage_changelist"),
        {"action": "reprocess", "_selected_action": [held.pk]},
        follow=True,
    )

    assert "Processed again: 1 on a ticket." in response.content.decode()
    assert InboundMessage.objects.get(pk=held.pk).status == InboundStatus.PROCESSED


def test_the_retry_action(admin_client, mailbox):
    deliver(build(), mailbox)
    OutboundMessage.objects.update(status=DeliveryStatus.FAILED)

    admin_client.post(
        reverse("admin:email_outboundmessage_changelist"),
        {
            "action": "retry",
            "_selected_action": list(OutboundMessage.objects.values_list("pk", flat=True)),
        },
    )

    assert OutboundMessage.objects.get().status == DeliveryStatus.QUEUED


def test_saving_a_mailbox_keeps_the_password_left_empty(admin_client, mailbox):
    mailbox.imap_password = "kept-secret"
    mailbox.save()
    url = reverse("admin:email_mailbox_change", args=[mailbox.pk])
    form = {
        "name": "Support desk",
        "address": "support@example.test",
        "default_priority": "normal",
        "is_active": "on",
        "is_default": "on",
        "reopen_window_days": "14",
        "imap_host": "imap.example.test",
        "imap_port": "993",
        "imap_security": "ssl",
        "imap_user": "support",
        "imap_password": "",
        "imap_folder": "INBOX",
        "after_fetch": "mark_seen",
        "smtp_port": "587",
        "smtp_security": "starttls",
    }

    response = admin_client.post(url, form)

    assert response.status_code == 302, response.content.decode()[:2000]
    mailbox.refresh_from_db()
    assert (mailbox.name, mailbox.imap_password) == ("Support desk", "kept-secret")


def test_the_admin_refuses_an_invalid_mailbox(admin_client, mailbox):
    response = admin_client.post(
        reverse("admin:email_mailbox_add"),
        {
            "name": "Broken",
            "address": "broken@example.test",
            "default_priority": "normal",
            "reopen_window_days": "14",
            "imap_host": "imap.example.test",
            "imap_port": "993",
            "imap_security": "ssl",
            "imap_folder": "INBOX",
            "after_fetch": "mark_seen",
            "smtp_port": "587",
            "smtp_security": "starttls",
        },
    )

    assert response.status_code == 200
    assert "Polling needs the IMAP user name." in response.content.decode()
    assert not Mailbox.objects.filter(name="Broken").exists()


def test_associates_do_not_see_the_quarantine(agent, held):
    agent.is_staff = True
    agent.save()
    client = Client()
    client.force_login(agent)

    response = client.get(reverse("admin:email_quarantinedmessage_changelist"))

    assert response.status_code == 403
