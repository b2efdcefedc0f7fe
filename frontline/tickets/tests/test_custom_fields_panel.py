"""Custom fields in the ticket page's side panel: shown, changed through the same service as
the API (with its event), wrong values refused beside the field, and refused to those who
may not change the ticket."""

import pytest
from django.test import Client

from frontline.testing import factories
from frontline.tickets.models import EventType, FieldType, Status


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def fields(db):
    return {
        "order": factories.make_custom_field(key="order_number", field_type=FieldType.TEXT),
        "units": factories.make_custom_field(key="units", field_type=FieldType.NUMBER),
        "plan": factories.make_custom_field(
            key="plan", field_type=FieldType.CHOICE, choices=["basic", "pro"]
        ),
        "vip": factories.make_custom_field(key="vip", field_type=FieldType.BOOLEAN),
        "since": factories.make_custom_field(key="since", field_type=FieldType.DATE),
    }


@pytest.fixture
def ticket(team, customer, fields):
    return factories.make_ticket(team=team, customer=customer, subject="Card reader offline")


def path_of(ticket):
    return f"/tickets/{ticket.number}/custom-fields/"


def test_the_panel_shows_the_tickets_custom_fields(ticket, agent, fields):
    ticket.custom_fields = {"order_number": "A-1182", "vip": True}
    ticket.save(update_fields=["custom_fields"])

    html = signed_in(agent).get(f"/tickets/{ticket.number}/").content.decode()

    assert 'aria-labelledby="custom-fields-title"' in html
    assert 'name="cf-order_number"' in html
    assert 'value="A-1182"' in html
    assert '<option value="yes" selected>Yes</option>' in html
    assert fields["plan"].label in html


def test_an_agent_saves_the_fields_and_the_change_is_recorded(ticket, agent):
    response = signed_in(agent).post(
        path_of(ticket),
        {
            "cf-order_number": " A-1182 ",
            "cf-units": "3",
            "cf-plan": "pro",
            "cf-vip": "no",
            "cf-since": "2026-11-02",
        },
        headers={"HX-Request": "true"},
    )

    ticket.refresh_from_db()
    assert response.status_code == 200
    assert ticket.custom_fields == {
        "order_number": "A-1182",
        "units": 3,
        "plan": "pro",
        "vip": False,
        "since": "2026-11-02",
    }
    event = ticket.events.get(type=EventType.CUSTOM_FIELDS_CHANGED)
    assert (event.actor_user, event.data["from"]) == (agent, {})
    assert 'value="A-1182"' in response.content.decode()


def test_emptying_a_field_clears_it(ticket, agent):
    ticket.custom_fields = {"order_number": "A-1182", "units": 2}
    ticket.save(update_fields=["custom_fields"])

    signed_in(agent).post(path_of(ticket), {"cf-order_number": "", "cf-units": "2.5"})

    ticket.refresh_from_db()
    assert ticket.custom_fields == {"units": 2.5}


def test_a_wrong_value_is_shown_beside_its_field_and_nothing_changes(ticket, agent):
    response = signed_in(agent).post(
        path_of(ticket),
        {"cf-units": "three", "cf-plan": "enterprise", "cf-order_number": "A-1"},
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a number." in html
    assert "Select a valid choice. enterprise is not one of the available choices." in html
    assert 'value="three"' in html
    ticket.refresh_from_db()
    assert ticket.custom_fields == {}
    assert not ticket.events.filter(type=EventType.CUSTOM_FIELDS_CHANGED).exists()


def test_a_field_required_to_solve_can_now_be_filled_in_the_panel(team, customer, agent):
    factories.make_custom_field(key="root_cause", required_to_solve=True)
    ticket = factories.make_ticket(team=team, customer=customer)
    client = signed_in(agent)
    solve = {"status": "solved", "priority": "normal", "team": team.pk}

    refused = client.post(f"/tickets/{ticket.number}/properties/", solve)
    client.post(path_of(ticket), {"cf-root_cause": "Expired certificate"})
    client.post(f"/tickets/{ticket.number}/properties/", solve)

    assert "must be filled in before solving" in refused.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED


def test_analysts_read_the_fields_but_cannot_save_them(ticket, analyst):
    client = signed_in(analyst)

    page = client.get(f"/tickets/{ticket.number}/")
    refused = client.post(
        path_of(ticket), {"cf-order_number": "A-1"}, headers={"HX-Request": "true"}
    )

    assert 'name="cf-order_number"' in page.content.decode()
    assert "You may not change this ticket." in refused.content.decode()
    ticket.refresh_from_db()
    assert ticket.custom_fields == {}


def test_outsiders_customers_and_visitors_are_refused(ticket, outsider, customer):
    form = {"cf-order_number": "A-1"}

    assert Client().post(path_of(ticket), form)["Location"].startswith("/accounts/sign-in/")
    assert signed_in(outsider).post(path_of(ticket), form).status_code == 404
    assert signed_in(customer.user).post(path_of(ticket), form).status_code == 403
    ticket.refresh_from_db()
    assert ticket.custom_fields == {}


def test_without_definitions_the_panel_has_no_custom_fields_section(team, agent):
    ticket = factories.make_ticket(team=team)

    html = signed_in(agent).get(f"/tickets/{ticket.number}/").content.decode()

    assert "custom-fields-title" not in html
