import re

from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from frontline.accounts.models import Notification, NotificationKind
from frontline.accounts.services import notify
from frontline.testing import factories


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_an_agent_signs_in_and_lands_on_the_inbox(agent):
    client = Client()

    response = client.post(
        "/accounts/sign-in/",
        {"username": "alice@frontline.test", "password": "correct horse battery"},
        follow=True,
    )

    assert [url for url, _ in response.redirect_chain] == ["/", "/inbox/", "/inbox/mine/"]


def test_a_wrong_password_is_refused_without_saying_which_part(agent):
    response = Client().post(
        "/accounts/sign-in/", {"username": "alice@frontline.test", "password": "nope"}
    )

    assert response.status_code == 200
    assert "do not match an active account" in response.content.decode()


def test_sign_in_returns_to_the_page_asked_for(agent, team):
    ticket = factories.make_ticket(team=team)
    path = f"/tickets/{ticket.number}/"
    login_url = Client().get(path)["Location"]

    response = Client().post(
        login_url,
        {"username": agent.email, "password": "correct horse battery", "next": path},
    )

    assert response["Location"] == path


def test_sign_out_is_a_post(agent):
    client = signed_in(agent)

    assert client.get("/accounts/sign-out/").status_code == 405
    assert client.post("/accounts/sign-out/")["Location"] == "/accounts/sign-in/"
    assert client.get("/inbox/mine/").status_code == 302


def test_a_password_is_reset_by_email(agent):
    client = Client()
    client.post("/accounts/password-reset/", {"email": "alice@frontline.test"})

    assert len(mail.outbox) == 1
    match = re.search(r"http://testserver(/accounts/reset/\S+/)", str(mail.outbox[0].body))
    assert match is not None
    form = client.get(match.group(1), follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a much longer secret 42", "new_password2": "a much longer secret 42"},
    )
    assert done["Location"] == "/accounts/reset/done/"
    agent.refresh_from_db()
    assert agent.check_password("a much longer secret 42")


def test_an_unknown_address_gets_no_email_and_the_same_page(db):
    response = Client().post("/accounts/password-reset/", {"email": "nobody@frontline.test"})

    assert response["Location"] == "/accounts/password-reset/sent/"
    assert mail.outbox == []


def test_times_are_shown_in_the_users_time_zone(agent, team):
    ticket = factories.make_ticket(team=team)
    client = signed_in(agent)

    client.post("/accounts/preferences/", {"name": "Alice Agent", "time_zone": "Asia/Tokyo"})

    agent.refresh_from_db()
    assert agent.time_zone == "Asia/Tokyo"
    html = client.get(f"/tickets/{ticket.number}/").content.decode()
    created = ticket.created_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Tokyo"))
    assert f"{created:%b} {created.day}, {created.year}, {created:%H:%M}" in html


def test_preferences_refuse_an_unknown_time_zone(agent):
    response = signed_in(agent).post(
        "/accounts/preferences/", {"name": "A", "time_zone": "Mars/Olympus"}
    )

    assert "Select a valid choice." in response.content.decode()


def test_customers_and_anonymous_visitors_have_no_preferences_or_notifications(customer):
    for path in ("/accounts/preferences/", "/accounts/notifications/"):
        assert Client().get(path)["Location"].startswith("/accounts/sign-in/")
        assert signed_in(customer.user).get(path).status_code == 403


def test_notifications_are_listed_counted_and_read(agent, teammate):
    first = notify(
        agent,
        kind=NotificationKind.MENTION,
        title="Tom mentioned you",
        url="/inbox/",
        actor=teammate,
    )
    notify(
        agent, kind=NotificationKind.ASSIGNED, title="Tom assigned", url="/inbox/", actor=teammate
    )
    assert first is not None
    client = signed_in(agent)

    badge = client.get("/accounts/notifications/badge/").content.decode()
    assert '<span class="badge-count">2</span>' in badge
    assert "Tom mentioned you" in client.get("/accounts/notifications/").content.decode()
    assert client.get(f"/accounts/notifications/{first.pk}/")["Location"] == "/inbox/"
    assert Notification.objects.filter(read_at__isnull=True).count() == 1
    client.post("/accounts/notifications/read/")
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_nobody_opens_another_users_notification(agent, teammate):
    theirs = notify(teammate, kind=NotificationKind.MENTION, title="x", url="/inbox/", actor=agent)
    assert theirs is not None

    assert signed_in(agent).get(f"/accounts/notifications/{theirs.pk}/").status_code == 404


def test_a_notification_never_redirects_off_site(agent, teammate):
    odd = notify(
        agent, kind=NotificationKind.MENTION, title="x", url="//evil.example/", actor=teammate
    )
    assert odd is not None

    assert signed_in(agent).get(f"/accounts/notifications/{odd.pk}/")["Location"] == "/"


def test_nobody_is_notified_of_their_own_doing(agent):
    assert notify(agent, kind=NotificationKind.MENTION, title="x", url="/", actor=agent) is None


def notification_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/accounts/notifications/")
    assert response.status_code == 200
    return len(queries)


def test_the_notification_list_makes_the_same_queries_for_few_or_many(agent, teammate):
    """Pinned at 4: session, user, the notifications with their actors, the unread badge."""
    client = signed_in(agent)
    notify(agent, kind=NotificationKind.MENTION, title="First", url="/inbox/", actor=teammate)
    few = notification_queries(client)
    for n in range(20):
        other = teammate if n % 2 else factories.make_agent(name=f"Colleague {n}")
        notify(agent, kind=NotificationKind.MENTION, title=f"N{n}", url="/inbox/", actor=other)

    assert notification_queries(client) == few == 4
