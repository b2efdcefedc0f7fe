"""The Django admin: who gets in, and what it lets them change."""

import pytest
from django.test import Client
from django.urls import reverse

from frontline.accounts.models import ApiToken, User
from frontline.accounts.services import issue_token
from frontline.core.actors import Actor
from frontline.customers.services import merge_customers
from frontline.testing import factories
from frontline.tickets.models import EventType, TicketEvent

CHANGELISTS = [
    "admin:tickets_ticket_changelist",
    "admin:tickets_message_changelist",
    "admin:tickets_ticketevent_changelist",
    "admin:customers_customer_changelist",
    "admin:customers_organisation_changelist",
    "admin:accounts_user_changelist",
    "admin:accounts_team_changelist",
    "admin:accounts_apitoken_changelist",
]


@pytest.fixture
def data(customer, other_customer, team, agent):
    factories.make_organisation(name="Acme", domains=("acme.test",))
    factories.make_ticket(customer=customer, team=team)
    merge_customers(other_customer, into=customer, actor=Actor.system())


@pytest.fixture
def admin_client(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize("name", CHANGELISTS)
def test_admin_sees_changelists(admin_client, data, name):
    response = admin_client.get(reverse(name))

    assert response.status_code == 200


@pytest.mark.parametrize("name", CHANGELISTS)
def test_agents_are_sent_to_the_admin_login(agent, data, name):
    client = Client()
    client.force_login(agent)

    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_ticket_search_takes_numbers_and_words(admin_client, customer, team):
    ticket = factories.make_ticket(customer=customer, team=team, subject="Printer on fire")
    factories.make_ticket(customer=customer, team=team, subject="Other")
    url = reverse("admin:tickets_ticket_changelist")

    by_number = admin_client.get(url, {"q": str(ticket.number)})
    by_word = admin_client.get(url, {"q": "printer"})

    assert list(by_number.context["cl"].result_list) == [ticket]
    assert list(by_word.context["cl"].result_list) == [ticket]


def test_ticket_page_is_read_only(admin_client, customer, team):
    ticket = factories.make_ticket(customer=customer, team=team, subject="Printer on fire")
    url = reverse("admin:tickets_ticket_change", args=[ticket.pk])

    shown = admin_client.get(url)
    admin_client.post(url, {"subject": "Changed behind the log's back"})

    assert shown.status_code == 200
    ticket.refresh_from_db()
    assert ticket.subject == "Printer on fire"


def test_audit_log_cannot_be_added_to_changed_or_deleted(admin_client, customer, team):
    ticket = factories.make_ticket(customer=customer, team=team)
    event = TicketEvent.objects.get(ticket=ticket, type=EventType.CREATED)

    added = admin_client.get(reverse("admin:tickets_ticketevent_add"))
    deleted = admin_client.post(
        reverse("admin:tickets_ticketevent_delete", args=[event.pk]), {"post": "yes"}
    )
    changed = admin_client.post(
        reverse("admin:tickets_ticketevent_change", args=[event.pk]), {"type": "merged"}
    )

    assert added.status_code == 403
    assert deleted.status_code == 403
    assert changed.status_code == 403
    event.refresh_from_db()
    assert event.type == "created"


def test_customer_page_shows_identities(admin_client, customer):
    response = admin_client.get(reverse("admin:customers_customer_change", args=[customer.pk]))

    assert response.status_code == 200
    assert "carla@example.test" in response.content.decode()


def test_customer_search_finds_an_address(admin_client, customer, other_customer):
    response = admin_client.get(reverse("admin:customers_customer_changelist"), {"q": "otto@"})

    assert list(response.context["cl"].result_list) == [other_customer]


def test_user_page_renders_for_an_email_login(admin_client, agent):
    response = admin_client.get(reverse("admin:accounts_user_change", args=[agent.pk]))

    assert response.status_code == 200
    assert "alice@frontline.test" in response.content.decode()


def test_admin_adds_a_user_by_email(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "New.Agent@Frontline.test",
            "name": "New Agent",
            "role": "associate",
            "usable_password": "true",
            "password1": "a long enough secret",
            "password2": "a long enough secret",
        },
    )

    assert response.status_code == 302
    assert User.objects.get(email="new.agent@frontline.test").check_password("a long enough secret")


def test_token_page_never_shows_the_hash(admin_client, agent):
    issued = issue_token(agent, name="laptop")

    listing = admin_client.get(reverse("admin:accounts_apitoken_changelist"))
    detail = admin_client.get(reverse("admin:accounts_apitoken_change", args=[issued.token.pk]))

    assert issued.token.prefix in listing.content.decode()
    assert detail.status_code == 200
    assert issued.token.key_hash not in listing.content.decode() + detail.content.decode()
    assert issued.secret not in listing.content.decode() + detail.content.decode()


def test_admin_revokes_tokens(admin_client, agent):
    issued = issue_token(agent, name="laptop")

    response = admin_client.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [issued.token.pk]},
    )

    assert response.status_code == 302
    assert ApiToken.objects.get(pk=issued.token.pk).revoked_at is not None
