"""Configuring channels: the API and the Channels page, for admins and the head of
support only; the secret is shown once and can be rotated."""

import pytest

from frontline.channels.webhooks.models import MessagingChannel
from frontline.channels.webhooks.tests.helpers import make_channel, message, post

pytestmark = pytest.mark.django_db


def test_an_admin_adds_a_channel_and_sees_its_secret_once(api_as, admin_user, team):
    api = api_as(admin_user)

    created = api.post(
        "/api/v1/messaging-channels",
        {"name": "WhatsApp", "kind": "messaging", "team_id": team.pk, "reopen_window_days": 3},
    )

    assert created.status_code == 201
    body = created.json()
    channel = MessagingChannel.objects.get(pk=body["id"])
    assert body["secret"] == channel.secret
    assert body["inbound_path"] == f"/api/v1/channels/{channel.pk}/inbound"
    shown = api.get(f"/api/v1/messaging-channels/{channel.pk}").json()
    assert "secret" not in shown
    assert shown["team_id"] == team.pk


def test_bad_settings_are_refused_with_the_field(api_as, admin_user):
    api = api_as(admin_user)
    channel = make_channel()

    bad_url = api.patch(f"/api/v1/messaging-channels/{channel.pk}", {"outbound_url": "ftp://x"})
    taken = api.post("/api/v1/messaging-channels", {"name": channel.name})
    typo = api.post("/api/v1/messaging-channels", {"name": "X", "kynd": "sms"})

    assert (bad_url.status_code, bad_url.json()["field"]) == (422, "outbound_url")
    assert (taken.status_code, taken.json()["field"]) == (409, "name")
    assert typo.status_code == 422
    assert MessagingChannel.objects.count() == 1


def test_a_rotated_secret_refuses_posts_signed_with_the_old_one(api_as, admin_user, client):
    channel = make_channel()

    rotated = api_as(admin_user).post(f"/api/v1/messaging-channels/{channel.pk}/secret")

    assert rotated.status_code == 201
    assert post(client, channel, message()).status_code == 401
    channel.refresh_from_db()
    assert post(client, channel, message(), secret=rotated.json()["secret"]).status_code == 202


def test_agents_and_supervisors_cannot_configure(api_as, agent, supervisor):
    channel = make_channel()

    assert api_as(agent).get("/api/v1/messaging-channels").status_code == 403
    assert api_as(supervisor).delete(f"/api/v1/messaging-channels/{channel.pk}").status_code == 403
    assert MessagingChannel.objects.filter(pk=channel.pk).exists()


def test_the_channels_page_adds_a_channel_and_shows_the_secret_once(client, admin_user, team):
    client.force_login(admin_user)
    assert "/messaging/channels/" in client.get("/inbox/", follow=True).content.decode()

    created = client.post(
        "/messaging/channels/",
        {
            "name": "Text us",
            "kind": "sms",
            "team_id": str(team.pk),
            "signature_header": "X-Frontline-Signature",
            "signature_scheme": "frontline",
            "tolerance_seconds": "300",
            "reopen_window_days": "7",
            "is_active": "on",
        },
    )

    channel = MessagingChannel.objects.get(name="Text us")
    assert created.status_code == 200
    assert channel.secret in created.content.decode()
    assert channel.team == team
    later = client.get(f"/messaging/channels/{channel.pk}/").content.decode()
    assert channel.secret not in later
    assert f"/api/v1/channels/{channel.pk}/inbound" in later


def test_the_channel_page_counts_refusals_and_replays_the_quarantine(client, admin_user):
    channel = make_channel()
    post(client, channel, message(), secret="forged")
    post(client, channel, None, raw=b"[1, 2]")
    client.force_login(admin_user)

    page = client.get(f"/messaging/channels/{channel.pk}/?status=quarantined").content.decode()

    assert '<dd class="rejected-count">1 ·' in page
    assert "body: The body must be a JSON object." in page
    payload = channel.payloads.get()
    replayed = client.post(f"/messaging/payloads/{payload.pk}/replay/")
    assert replayed.status_code == 302
    payload.refresh_from_db()
    assert (payload.attempts, payload.status) == (1, "quarantined")  # still not JSON


def test_the_channels_page_is_refused_to_agents(client, agent):
    client.force_login(agent)

    assert client.get("/messaging/channels/").status_code == 403
    assert "/messaging/channels/" not in client.get("/inbox/", follow=True).content.decode()
