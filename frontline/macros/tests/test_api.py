import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from frontline.accounts.models import Role
from frontline.macros.models import Macro
from frontline.macros.tests.helpers import make_macro
from frontline.testing import factories
from frontline.tickets.models import EventType, TicketEvent

MACROS = "/api/v1/macros"


@pytest.fixture
def ticket(team):
    customer = factories.make_customer(name="Carla Customer", email="carla@example.test")
    return factories.make_ticket(customer=customer, team=team, tags=("billing",))


def test_create_answers_201_with_the_id_and_the_scope(api_as, agent, team):
    body = {
        "name": "Refund approved",
        "body": "Hi {{ customer.first_name }}, done.",
        "changes": {"status": "solved", "tags": ["Refund"]},
    }

    response = api_as(agent).post(MACROS, body)

    assert response.status_code == 201
    created = response.json()
    assert created["id"] == Macro.objects.get().pk
    assert created["scope"] == "personal"
    assert created["owner_id"] == agent.pk
    assert created["changes"] == {
        "status": "solved",
        "priority": None,
        "team_id": None,
        "tags": ["refund"],
        "remove_tags": [],
    }


def test_an_admin_without_a_scope_creates_a_shared_macro(api_as, admin_user):
    response = api_as(admin_user).post(MACROS, {"name": "Closing", "body": "Bye"})

    assert response.status_code == 201
    assert response.json()["scope"] == "shared"


def test_an_unknown_placeholder_is_a_422_on_the_body_field(api_as, agent):
    response = api_as(agent).post(MACROS, {"name": "Oops", "body": "Hi {{ customer.nick }}"})

    assert response.status_code == 422
    assert response.json()["field"] == "body"
    assert "{{ ticket.number }}" in response.json()["detail"]
    assert Macro.objects.count() == 0


def test_a_bad_status_is_a_422_naming_the_change(api_as, agent):
    response = api_as(agent).post(MACROS, {"name": "X", "changes": {"status": "done"}})

    assert response.status_code == 422
    assert response.json()["field"] == "changes.status"


def test_an_associate_may_not_create_a_team_macro(api_as, agent, team):
    body = {"name": "Team", "body": "Hi", "scope": "team", "team_id": team.pk}

    response = api_as(agent).post(MACROS, body)

    assert response.status_code == 403
    assert Macro.objects.count() == 0


def test_list_is_most_used_first_and_searchable(api_as, agent, ticket):
    make_macro(agent, name="Password reset", body="Reset it here.")
    order = make_macro(agent, name="Order status", body="Your order is on its way.")
    api_as(agent).post(f"/api/v1/tickets/{ticket.pk}/macros/{order.pk}")

    listed = api_as(agent).get(MACROS).json()["items"]
    found = api_as(agent).get(MACROS, q="reset").json()["items"]

    assert [m["name"] for m in listed] == ["Order status", "Password reset"]
    assert listed[0]["usage_count"] == 1
    assert [m["name"] for m in found] == ["Password reset"]


def test_list_filters_by_scope(api_as, agent, admin_user):
    make_macro(agent, name="Mine")
    make_macro(admin_user, name="Everyone's", scope=None)

    shared = api_as(agent).get(MACROS, scope="shared").json()["items"]

    assert [m["name"] for m in shared] == ["Everyone's"]


def test_apply_returns_the_ticket_and_the_message_it_wrote(api_as, agent, ticket):
    macro = make_macro(
        agent,
        body="Hi {{ customer.first_name }}, about {{ ticket.reference }}.",
        changes={"priority": "high", "tags": ["refund"]},
    )

    response = api_as(agent).post(f"/api/v1/tickets/{ticket.pk}/macros/{macro.pk}")

    assert response.status_code == 200
    applied = response.json()
    assert applied["ticket"]["id"] == ticket.pk
    assert applied["ticket"]["priority"] == "high"
    assert applied["ticket"]["tags"] == ["billing", "refund"]
    assert applied["message"]["body"] == f"Hi Carla, about #{ticket.number}."
    assert applied["message"]["kind"] == "reply"
    assert TicketEvent.objects.filter(ticket=ticket, type=EventType.MACRO_APPLIED).count() == 1


def test_apply_of_a_macro_without_text_returns_no_message(api_as, agent, ticket):
    macro = make_macro(agent, body="", changes={"priority": "low"})

    response = api_as(agent).post(f"/api/v1/tickets/{ticket.pk}/macros/{macro.pk}")

    assert response.status_code == 200
    assert response.json()["message"] is None


def test_apply_to_a_ticket_the_agent_cannot_see_is_404(api_as, outsider, ticket):
    macro = make_macro(outsider, changes={"priority": "urgent"})

    response = api_as(outsider).post(f"/api/v1/tickets/{ticket.pk}/macros/{macro.pk}")

    assert response.status_code == 404
    macro.refresh_from_db()
    assert macro.usage_count == 0


def test_an_analyst_who_reads_every_ticket_may_not_apply_a_macro(api_as, ticket, admin_user):
    watcher = factories.make_agent(role=Role.ANALYST)
    macro = make_macro(admin_user, body="Hi", scope=None)

    response = api_as(watcher).post(f"/api/v1/tickets/{ticket.pk}/macros/{macro.pk}")

    assert response.status_code == 403
    assert ticket.messages.count() == 1


def test_patch_changes_only_what_is_given(api_as, agent):
    macro = make_macro(agent, changes={"tags": ["refund"]})

    response = api_as(agent).patch(f"{MACROS}/{macro.pk}", {"name": "Refund sent"})

    assert response.status_code == 200
    assert response.json()["name"] == "Refund sent"
    assert response.json()["changes"]["tags"] == ["refund"]


def test_delete_removes_the_macro(api_as, agent):
    macro = make_macro(agent)

    response = api_as(agent).delete(f"{MACROS}/{macro.pk}")

    assert response.status_code == 204
    assert not Macro.objects.filter(pk=macro.pk).exists()


def test_someone_elses_personal_macro_is_not_found(api_as, agent, teammate):
    macro = make_macro(teammate)

    assert api_as(agent).get(f"{MACROS}/{macro.pk}").status_code == 404
    assert api_as(agent).delete(f"{MACROS}/{macro.pk}").status_code == 404
    assert Macro.objects.filter(pk=macro.pk).exists()


def test_the_list_reads_a_fixed_number_of_queries(api_as, agent, admin_user, team):
    for n in range(25):
        make_macro(agent, name=f"Mine {n}")
        make_macro(admin_user, name=f"Shared {n}", scope=None)
    client = api_as(agent)
    client.get(MACROS)

    # the token with its user, and the page of macros (its keys picked in a subquery)
    with CaptureQueriesContext(connection) as queries:
        listed = client.get(MACROS, page_size=40).json()

    assert len(listed["items"]) == 40
    assert listed["next"] is not None
    assert len(queries) == 2
