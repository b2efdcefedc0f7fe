"""The email API: configuration for admins, raw MIME for providers, the quarantine,
delivery state; and a refusal for everyone who should be refused."""

import pytest
from django.test import Client

from frontline.channels.email import ingest, services
from frontline.channels.email.models import (
    DeliveryStatus,
    InboundMessage,
    InboundStatus,
    Mailbox,
    OutboundMessage,
    Outcome,
    Source,
)
from frontline.channels.email.tests.mail import build, deliver
from frontline.core.actors import Actor
from frontline.tickets import services as ticket_services

API = "/api/v1/email"


@pytest.fixture
def stored(mailbox, settings):
    """One quarantined message (too large) and one filed one."""
    settings.FRONTLINE_EMAIL_MAX_MESSAGE_BYTES = 600
    held = deliver(build(body="x" * 700), mailbox)
    filed = deliver(build(subject="Small"), mailbox)
    return held, filed


def test_admin_adds_a_mailbox_and_its_secrets_stay_hidden(api_as, admin_user, team):
    response = api_as(admin_user).post(
        f"{API}/mailboxes",
        {
            "name": "Billing",
            "address": "Billing@Example.test",
            "team_id": team.pk,
            "imap_host": "imap.example.test",
            "imap_user": "billing",
            "imap_password": "hunter22",
            "after_fetch": "move",
            "move_to_folder": "Done",
            "default_priority": "high",
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["address"], body["team_id"], body["default_priority"]) == (
        "billing@example.test",
        team.pk,
        "high",
    )
    assert body["has_imap_password"] is True
    assert "hunter22" not in response.content.decode()
    assert Mailbox.objects.get(pk=body["id"]).imap_password == "hunter22"


def test_admin_changes_and_lists_mailboxes(api_as, admin_user, mailbox):
    client = api_as(admin_user)

    changed = client.patch(f"{API}/mailboxes/{mailbox.pk}", {"team_id": None, "is_active": False})
    listed = client.get(f"{API}/mailboxes")

    assert changed.status_code == 200
    assert (changed.json()["team_id"], changed.json()["is_active"]) == (None, False)
    assert [m["name"] for m in listed.json()["items"]] == ["Support"]
    assert client.get(f"{API}/mailboxes/{mailbox.pk}").json()["address"] == mailbox.address


def test_mailbox_rules_are_checked(api_as, admin_user, mailbox):
    client = api_as(admin_user)

    duplicate = client.post(f"{API}/mailboxes", {"name": "support", "address": "x@example.test"})
    no_folder = client.patch(f"{API}/mailboxes/{mailbox.pk}", {"after_fetch": "move"})
    no_user = client.patch(f"{API}/mailboxes/{mailbox.pk}", {"imap_host": "imap.example.test"})

    assert (duplicate.status_code, duplicate.json()["field"]) == (409, "name")
    assert (no_folder.status_code, no_folder.json()["field"]) == (422, "move_to_folder")
    assert (no_user.status_code, no_user.json()["field"]) == (422, "imap_user")


def test_a_mailbox_with_mail_is_kept(api_as, admin_user, mailbox):
    deliver(build(), mailbox)
    unused = Mailbox.objects.create(name="Unused", address="unused@example.test")

    kept = api_as(admin_user).delete(f"{API}/mailboxes/{mailbox.pk}")
    gone = api_as(admin_user).delete(f"{API}/mailboxes/{unused.pk}")

    assert kept.status_code == 409
    assert gone.status_code == 204
    assert list(Mailbox.objects.values_list("name", flat=True)) == ["Support"]


def test_a_provider_posts_raw_mime_with_the_mailbox_token(api_as, admin_user, mailbox):
    issued = api_as(admin_user).post(f"{API}/mailboxes/{mailbox.pk}/ingest-token")
    token = issued.json()["token"]
    raw = build(subject="Posted by the provider")

    response = Client().post(
        f"{API}/inbound",
        raw,
        content_type="message/rfc822",
        headers={"Authorization": f"Bearer {token}"},
    )

    assert issued.status_code == 201
    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["status"], body["outcome"], body["source"]) == ("processed", "opened", "http")
    assert ingest.read_raw(InboundMessage.objects.get()) == raw


def test_raw_mime_needs_the_mailbox_token_not_a_person_token(api_as, admin_user, mailbox):
    with_user_token = api_as(admin_user)._client.post(
        f"{API}/inbound",
        build(),
        content_type="message/rfc822",
        headers=api_as(admin_user)._headers,
    )
    with_nothing = Client().post(f"{API}/inbound", build(), content_type="message/rfc822")
    wrong = Client().post(
        f"{API}/inbound",
        build(),
        content_type="message/rfc822",
        headers={"Authorization": "Bearer x"},
    )

    assert (with_user_token.status_code, with_nothing.status_code, wrong.status_code) == (
        401,
        401,
        401,
    )
    assert not InboundMessage.objects.exists()


def test_an_empty_post_is_refused(mailbox, admin_user):
    token = services.issue_ingest_token(mailbox, actor=Actor.for_user(admin_user))

    response = Client().post(
        f"{API}/inbound",
        b"  ",
        content_type="message/rfc822",
        headers={"Authorization": f"Bearer {token}"},
    )

    assert response.status_code == 422


def test_the_quarantine_lists_held_mail_with_reasons(api_as, admin_user, stored):
    held, filed = stored

    quarantine = api_as(admin_user).get(f"{API}/inbound")
    processed = api_as(admin_user).get(f"{API}/inbound", status="processed")

    assert [(m["id"], m["outcome"]) for m in quarantine.json()["items"]] == [(held.pk, "too_large")]
    assert quarantine.json()["items"][0]["reason"] == "Larger than the message size limit"
    assert [m["id"] for m in processed.json()["items"]] == [filed.pk]


def test_admin_reads_and_reprocesses_a_held_message(api_as, admin_user, stored, settings):
    held, _ = stored
    client = api_as(admin_user)

    raw = client.get(f"{API}/inbound/{held.pk}/raw")
    settings.FRONTLINE_EMAIL_MAX_MESSAGE_BYTES = 100_000
    again = client.post(f"{API}/inbound/{held.pk}/reprocess")
    twice = client.post(f"{API}/inbound/{held.pk}/reprocess")

    assert raw.status_code == 200
    assert raw["Content-Type"] == "message/rfc822"
    assert raw.content == ingest.read_raw(held)
    assert (again.status_code, again.json()["status"]) == (200, "processed")
    assert again.json()["ticket_number"] is not None
    assert twice.status_code == 409
    assert client.get(f"{API}/inbound/{held.pk}").json()["attempts"] == 2


def test_poll_now_needs_an_imap_server(api_as, admin_user, mailbox):
    refused = api_as(admin_user).post(f"{API}/mailboxes/{mailbox.pk}/poll")
    mailbox.imap_host, mailbox.imap_port, mailbox.imap_user = "127.0.0.1", 1, "support"
    mailbox.save()
    queued = api_as(admin_user).post(f"{API}/mailboxes/{mailbox.pk}/poll")

    assert refused.status_code == 422
    assert queued.status_code == 202
    mailbox.refresh_from_db()
    assert mailbox.last_poll_error  # run at once in tests; recorded, not raised


def test_admin_sets_and_removes_a_team_template(api_as, admin_user, team):
    client = api_as(admin_user)
    body = {
        "kind": "acknowledgment",
        "team_id": team.pk,
        "subject": "Got it: {{ ticket.subject }}",
        "body": "We answer {{ expected_response }}.",
        "expected_response_hours": 48,
    }

    created = client.post(f"{API}/templates", body)
    broken = client.post(f"{API}/templates", {**body, "body": "{% if %}"})
    listed = client.get(f"{API}/templates")
    removed = client.delete(f"{API}/templates/{created.json()['id']}")

    assert created.status_code == 201
    assert (broken.status_code, broken.json()["field"]) == (422, "body")
    assert [t["subject"] for t in listed.json()["items"]] == ["Got it: {{ ticket.subject }}"]
    assert removed.status_code == 204


def test_agents_see_and_retry_deliveries_of_their_tickets(api_as, agent, mailbox):
    ticket = deliver(build(), mailbox).ticket
    assert ticket is not None
    ack = OutboundMessage.objects.get()
    OutboundMessage.objects.filter(pk=ack.pk).update(
        status=DeliveryStatus.FAILED, last_error="550 no such user"
    )

    listed = api_as(agent).get(f"{API}/tickets/{ticket.pk}/deliveries")
    retried = api_as(agent).post(f"{API}/deliveries/{ack.pk}/retry")

    assert listed.status_code == 200
    assert [(d["kind"], d["status"], d["last_error"]) for d in listed.json()["items"]] == [
        ("acknowledgment", "failed", "550 no such user")
    ]
    assert (retried.status_code, retried.json()["status"]) == (200, "queued")


def test_deliveries_are_scoped_to_the_tickets_an_agent_may_see(api_as, outsider, analyst, mailbox):
    ticket = deliver(build(), mailbox).ticket
    assert ticket is not None
    ack = OutboundMessage.objects.get()

    assert api_as(outsider).get(f"{API}/tickets/{ticket.pk}/deliveries").status_code == 404
    assert api_as(outsider).post(f"{API}/deliveries/{ack.pk}/retry").status_code == 404
    assert api_as(analyst).post(f"{API}/deliveries/{ack.pk}/retry").status_code == 403


def test_sent_mail_cannot_be_retried(api_as, agent, mailbox):
    ticket = deliver(build(), mailbox).ticket
    assert ticket is not None
    reply = ticket_services.reply_to_ticket(ticket, body="Hi", actor=Actor.for_user(agent))
    OutboundMessage.objects.filter(ticket_message=reply).update(status=DeliveryStatus.SENT)
    sent = OutboundMessage.objects.get(ticket_message=reply)

    assert api_as(agent).post(f"{API}/deliveries/{sent.pk}/retry").status_code == 409


CONFIGURATION = [
    ("get", "/mailboxes", None),
    ("post", "/mailboxes", {"name": "X", "address": "x@example.test"}),
    ("get", "/mailboxes/{mailbox}", None),
    ("patch", "/mailboxes/{mailbox}", {"name": "Y"}),
    ("delete", "/mailboxes/{mailbox}", None),
    ("post", "/mailboxes/{mailbox}/ingest-token", None),
    ("post", "/mailboxes/{mailbox}/poll", None),
    ("get", "/inbound", None),
    ("get", "/inbound/{inbound}", None),
    ("get", "/inbound/{inbound}/raw", None),
    ("post", "/inbound/{inbound}/reprocess", None),
    ("get", "/templates", None),
    ("post", "/templates", {"kind": "reply", "subject": "s", "body": "b"}),
    ("delete", "/templates/1", None),
]
TICKET_SCOPED = [
    ("get", "/tickets/{ticket}/deliveries", None),
    ("post", "/deliveries/{delivery}/retry", None),
]


def _call(client, method, path, body, refs):
    url = API + path.format(**refs)
    if method in ("get", "delete"):
        return getattr(client, method)(url)
    return getattr(client, method)(url, body)


@pytest.fixture
def refs(mailbox):
    inbound = deliver(build(), mailbox)
    assert inbound.ticket is not None
    return {
        "mailbox": mailbox.pk,
        "inbound": inbound.pk,
        "ticket": inbound.ticket.pk,
        "delivery": OutboundMessage.objects.get().pk,
    }


@pytest.mark.parametrize(("method", "path", "body"), CONFIGURATION)
def test_configuration_is_for_admins_only(api_as, agent, customer, refs, method, path, body):
    for who, status in ((agent, 403), (customer.user, 403), (None, 401)):
        response = _call(api_as(who), method, path, body, refs)
        assert response.status_code == status, (who, response.content)
    assert Mailbox.objects.get(pk=refs["mailbox"]).name == "Support"
    assert InboundMessage.objects.get(pk=refs["inbound"]).status == InboundStatus.PROCESSED


@pytest.mark.parametrize(("method", "path", "body"), TICKET_SCOPED)
def test_deliveries_refuse_customers_and_strangers(api_as, customer, refs, method, path, body):
    assert _call(api_as(customer.user), method, path, body, refs).status_code == 403
    assert _call(api_as(None), method, path, body, refs).status_code == 401


def test_received_by_import_shows_its_source(api_as, admin_user, mailbox):
    received = ingest.receive(build(), mailbox=mailbox, source=Source.IMPORT)

    response = api_as(admin_user).get(f"{API}/inbound/{received.inbound.pk}")

    assert (response.json()["source"], response.json()["status"]) == ("import", "received")
    assert response.json()["outcome"] == ""
    assert Outcome.OPENED  # the record is processed later by the import


def test_mailboxes_templates_and_deliveries_page(api_as, admin_user, agent, mailbox, team):
    Mailbox.objects.create(name="Billing", address="billing@example.test")
    Mailbox.objects.create(name="Sales", address="sales@example.test")
    ticket = deliver(build(), mailbox).ticket
    assert ticket is not None
    ticket_services.reply_to_ticket(ticket, body="On it.", actor=Actor.for_user(agent))
    client = api_as(admin_user)

    boxes = client.get(f"{API}/mailboxes", page_size=2).json()
    more_boxes = client.get(boxes["next"]).json()
    sent = api_as(agent).get(f"{API}/tickets/{ticket.pk}/deliveries", page_size=1).json()
    more_sent = api_as(agent).get(sent["next"]).json()
    templates = client.get(f"{API}/templates").json()

    assert [m["name"] for m in boxes["items"] + more_boxes["items"]] == [
        "Support",
        "Billing",
        "Sales",
    ]
    assert more_boxes["next"] is None
    assert [d["kind"] for d in sent["items"] + more_sent["items"]] == ["acknowledgment", "reply"]
    assert more_sent["next"] is None
    assert templates == {"items": [], "next": None}
