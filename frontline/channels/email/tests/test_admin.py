"""The Django admin of the email channel: mailboxes, the quarantine, sent email."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from frontline.channels.email.models import (
    DeliveryStatus,
    InboundMessage,
    InboundStatus,
    Mailbox,
    OutboundMessage,
    TemplateKind,
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


@pytest.fixture
def failed_ack(mailbox):
    deliver(build(), mailbox)
    OutboundMessage.objects.update(status=DeliveryStatus.FAILED, last_error="550 no such user")
    return OutboundMessage.objects.get()


def test_the_retry_action_refuses_email_of_tickets_the_person_may_not_work(failed_ack, outsider):
    # An associate of another team, let into the admin and given the right to resend email.
    outsider.is_staff = True
    outsider.save()
    outsider.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_outboundmessage", "change_outboundmessage"])
    )
    client = Client()
    client.force_login(outsider)

    response = client.post(
        reverse("admin:email_outboundmessage_changelist"),
        {"action": "retry", "_selected_action": [failed_ack.pk]},
        follow=True,
    )

    page = response.content.decode()
    assert "You may not change this ticket." in page
    assert "0 email queued again." in page
    assert OutboundMessage.objects.get().status == DeliveryStatus.FAILED


def test_a_template_is_saved_through_the_service_and_used_at_once(admin_client, mailbox):
    added = admin_client.post(
        reverse("admin:email_emailtemplate_add"),
        {
            "kind": TemplateKind.ACKNOWLEDGMENT,
            "subject": "We have it: {{ ticket.subject }}",
            "body": "Hello {{ customer.name }}, we answer soon.",
        },
    )
    broken = admin_client.post(
        reverse("admin:email_emailtemplate_add"),
        {"kind": TemplateKind.ACKNOWLEDGMENT, "subject": "{{ ticket.subject", "body": "x"},
    )

    deliver(build(subject="Printer on fire"), mailbox)

    assert added.status_code == 302
    assert broken.status_code == 200
    assert OutboundMessage.objects.get().subject.startswith("We have it: Printer on fire")


def test_a_mailbox_that_received_mail_is_not_deleted(admin_client, mailbox):
    deliver(build(), mailbox)
    url = reverse("admin:email_mailbox_delete", args=[mailbox.pk])

    response = admin_client.post(url, {"post": "yes"}, follow=True)
    listing = admin_client.get(reverse("admin:email_mailbox_changelist"))

    assert "Cannot delete mailbox" in response.content.decode()
    assert Mailbox.objects.filter(pk=mailbox.pk).exists()
    assert 'value="delete_selected"' not in listing.content.decode()


def test_a_reprocessed_message_is_processed_as_the_admin(admin_client, admin_user, held, settings):
    settings.FRONTLINE_EMAIL_MAX_MESSAGE_BYTES = 100_000

    admin_client.post(
        reverse("admin:email_quarantinedmessage_changelist"),
        {"action": "reprocess", "_selected_action": [held.pk]},
    )

    ticket = InboundMessage.objects.get(pk=held.pk).ticket
    assert ticket is not None
    acknowledgment = ticket.messages.get(is_automatic=True)
    assert acknowledgment.author_user == admin_user


def test_staff_without_email_rights_cannot_resend(failed_ack, agent):
    agent.is_staff = True
    agent.save()
    client = Client()
    client.force_login(agent)

    response = client.post(
        reverse("admin:email_outboundmessage_changelist"),
        {"action": "retry", "_selected_action": [failed_ack.pk]},
    )

    assert response.status_code == 403
    assert OutboundMessage.objects.get().status == DeliveryStatus.FAILED


def test_a_mailbox_that_never_received_mail_is_deleted_through_the_service(admin_client):
    spare = Mailbox.objects.create(name="Spare", address="spare@example.test")
    url = reverse("admin:email_mailbox_delete", args=[spare.pk])

    response = admin_client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not Mailbox.objects.filter(pk=spare.pk).exists()
