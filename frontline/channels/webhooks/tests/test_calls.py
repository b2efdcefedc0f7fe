"""Phone calls: logged by agents through the API and the ticket page's panel, and by a
telephony provider's webhook; their talk time for handle-time figures."""

import pytest

from frontline.channels.webhooks.models import ChannelKind, PhoneCall
from frontline.channels.webhooks.services import call_seconds
from frontline.channels.webhooks.tests.helpers import make_channel, post
from frontline.customers.models import Identity, IdentityKind
from frontline.testing import factories
from frontline.tickets.models import Channel, EventType, Ticket, TicketEvent

pytestmark = pytest.mark.django_db

CALL = {
    "direction": "inbound",
    "number": "+49 30 1234567",
    "started_at": "2026-03-02T09:15:00+01:00",
    "duration_seconds": 252,
    "outcome": "answered",
    "note": "Explained the refund",
}


@pytest.fixture
def ticket(team, customer):
    return factories.make_ticket(team=team, customer=customer)


def test_an_agent_logs_a_call_through_the_api(api_as, agent, ticket):
    api = api_as(agent)

    response = api.post(f"/api/v1/tickets/{ticket.pk}/calls", CALL)

    assert response.status_code == 201
    assert response.json()["number"] == "+49301234567"
    assert response.json()["agent_id"] == agent.pk
    event = TicketEvent.objects.get(ticket=ticket, type=EventType.CALL_LOGGED)
    assert event.data["summary"] == "logged an inbound call of 4 min 12 s: answered"
    listed = api.get(f"/api/v1/tickets/{ticket.pk}/calls").json()["items"]
    assert [c["note"] for c in listed] == ["Explained the refund"]


def test_a_bad_call_is_refused_with_the_field(api_as, agent, ticket):
    api = api_as(agent)

    negative = api.post(f"/api/v1/tickets/{ticket.pk}/calls", {**CALL, "duration_seconds": -1})
    no_number = api.post(f"/api/v1/tickets/{ticket.pk}/calls", {**CALL, "number": "abc"})

    assert (negative.status_code, negative.json()["field"]) == (422, "duration_seconds")
    assert (no_number.status_code, no_number.json()["field"]) == (422, "phone")
    assert PhoneCall.objects.count() == 0


def test_agents_of_other_teams_and_analysts_cannot_log_calls(api_as, outsider, analyst, ticket):
    assert api_as(outsider).post(f"/api/v1/tickets/{ticket.pk}/calls", CALL).status_code == 404
    assert api_as(analyst).post(f"/api/v1/tickets/{ticket.pk}/calls", CALL).status_code == 403
    assert PhoneCall.objects.count() == 0


def test_the_ticket_page_panel_logs_a_call(client, agent, ticket):
    client.force_login(agent)
    url = f"/messaging/tickets/{ticket.number}/calls/"
    assert url in client.get(f"/tickets/{ticket.number}/").content.decode()

    form = {"direction": "outbound", "number": "030 999 888", "minutes": "2", "seconds": "5"}
    logged = client.post(url, {**form, "outcome": "voicemail", "note": "Left a message"})

    assert logged.status_code == 200
    panel = logged.content.decode()
    assert "2 min 5 s" in panel
    assert "Voicemail" in panel
    assert PhoneCall.objects.get().agent == agent


def test_the_panel_shows_field_errors_and_keeps_what_was_typed(client, agent, ticket):
    client.force_login(agent)

    response = client.post(
        f"/messaging/tickets/{ticket.number}/calls/",
        {"direction": "inbound", "number": "", "minutes": "1", "outcome": "answered", "note": "Hi"},
    )

    assert response.status_code == 422
    page = response.content.decode()
    assert "<strong>number</strong>: Give the phone number." in page
    assert ">Hi</textarea>" in page
    assert PhoneCall.objects.count() == 0


def test_an_agent_of_another_team_gets_no_panel(client, outsider, ticket):
    client.force_login(outsider)

    assert client.get(f"/messaging/tickets/{ticket.number}/calls/").status_code == 404


def test_a_telephony_webhook_opens_a_phone_ticket_then_joins_it(client, team):
    phone = make_channel(name="Phones", kind=ChannelKind.TELEPHONY, team=team)
    call = {
        "type": "call",
        "call_id": "c-1",
        "direction": "inbound",
        "from": "+44 20 7946 0000",
        "to": "+49 30 1",
        "duration_seconds": 95,
        "outcome": "answered",
        "started_at": "2026-03-02T10:00:00Z",
    }

    first = post(client, phone, call).json()
    second = post(client, phone, {**call, "call_id": "c-2", "outcome": "missed"}).json()
    again = post(client, phone, call)

    assert second["ticket_id"] == first["ticket_id"]
    assert again.status_code == 200
    ticket = Ticket.objects.get(pk=first["ticket_id"])
    assert ticket.channel == Channel.PHONE
    assert ticket.team == team
    assert Identity.objects.get(customer=ticket.customer).kind == IdentityKind.PHONE
    assert list(ticket.phone_calls.values_list("external_id", "outcome")) == [
        ("c-1", "answered"),
        ("c-2", "missed"),
    ]
    assert call_seconds([ticket.pk, ticket.pk + 100]) == {ticket.pk: 190}


def test_an_outbound_call_without_a_callee_is_quarantined(client):
    phone = make_channel(name="Phones", kind=ChannelKind.TELEPHONY)
    call = {
        "type": "call",
        "call_id": "c-9",
        "direction": "outbound",
        "from": "+49 30 1",
        "outcome": "busy",
        "started_at": "2026-03-02T10:00:00Z",
    }

    response = post(client, phone, call)

    assert (response.status_code, response.json()["field"]) == (422, "to")
    assert Ticket.objects.count() == 0
