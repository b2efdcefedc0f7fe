"""The Macros page, the composer's macro picker and preview, and the reply form sending a
picked macro's changes; and who is refused."""

import re

import pytest
from django.test import Client

from frontline.accounts.models import Role
from frontline.core.actors import Actor
from frontline.macros.models import Macro, MacroUse, Scope
from frontline.macros.tests.helpers import make_macro
from frontline.testing import factories
from frontline.tickets import services as ticket_services
from frontline.tickets.models import EventType, TicketEvent


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def ticket(team):
    customer = factories.make_customer(name="Carla Customer", email="carla@example.test")
    return factories.make_ticket(customer=customer, team=team, tags=("billing",))


@pytest.fixture
def head(db):
    return factories.make_agent(role=Role.HEAD_OF_SUPPORT, name="Hana Head")


# ---------- the Macros page ----------


def test_the_list_shows_usage_scope_and_search(agent, head):
    make_macro(agent, name="Password reset", body="Reset it here.")
    make_macro(head, name="Order status", body="On its way.", scope=Scope.SHARED)
    client = signed_in(agent)

    page = client.get("/macros/").content.decode()
    found = client.get("/macros/", {"q": "reset"}).content.decode()

    assert "Password reset" in page
    assert "Order status" in page
    assert "Shared" in page
    assert "Password reset" in found
    assert "Order status" not in found


def test_the_list_reads_a_fixed_number_of_queries(agent, team, head, django_assert_num_queries):
    supervisor = factories.make_agent(role=Role.SUPERVISOR, teams=(team,))
    for n in range(10):
        make_macro(agent, name=f"Mine {n}", changes={"team_id": team.pk})
        make_macro(supervisor, name=f"Team {n}", scope=Scope.TEAM, team_id=team.pk)
        make_macro(head, name=f"Shared {n}", scope=Scope.SHARED)
    client = signed_in(agent)
    client.get("/macros/")

    # session, user, the macros with their teams and owners, the agent's teams, the teams
    # macros move tickets to, and the workspace header's unread notifications
    with django_assert_num_queries(6):
        response = client.get("/macros/")

    assert len(re.findall(r"data-macro-row", response.content.decode())) == 30


def test_analysts_are_refused_the_page(analyst):
    assert signed_in(analyst).get("/macros/").status_code == 403


def test_customers_are_kept_out_of_the_page(customer):
    response = signed_in(customer.user).get("/macros/")

    assert response.status_code in (302, 403)
    assert "Macros" not in response.content.decode()


def test_a_macro_with_an_unknown_placeholder_is_shown_again_with_the_error(agent):
    response = signed_in(agent).post(
        "/macros/new/", {"name": "Oops", "body": "Hi {{ customer.nick }}", "is_active": "on"}
    )

    assert response.status_code == 422
    text = response.content.decode()
    assert "customer.nick" in text
    assert "Hi {{ customer.nick }}" in text  # nothing typed is lost
    assert Macro.objects.count() == 0


def test_a_macro_is_created_from_the_form(agent, other_team):
    response = signed_in(agent).post(
        "/macros/new/",
        {
            "name": "Move to billing",
            "body": "Passing you to billing, {{ customer.first_name }}.",
            "scope": "personal",
            "change_team_id": str(other_team.pk),
            "tags": "billing, Moved",
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    macro = Macro.objects.get()
    assert (macro.owner, macro.changes) == (
        agent,
        {"team_id": other_team.pk, "tags": ["billing", "moved"]},
    )


def test_an_agent_may_not_edit_or_delete_a_shared_macro(agent, head):
    macro = make_macro(head, scope=Scope.SHARED)
    client = signed_in(agent)

    assert client.post(f"/macros/{macro.pk}/", {"name": "Mine"}).status_code == 403
    assert client.post(f"/macros/{macro.pk}/delete/").status_code == 403
    macro.refresh_from_db()
    assert macro.name == "Refund approved"


def test_the_owner_deletes_their_macro(agent):
    macro = make_macro(agent)

    response = signed_in(agent).post(f"/macros/{macro.pk}/delete/")

    assert response.status_code == 302
    assert not Macro.objects.filter(pk=macro.pk).exists()


# ---------- the composer ----------


def test_the_ticket_page_offers_the_picker_most_used_first(agent, ticket, team, head):
    rare = make_macro(agent, name="Rarely used")
    common = make_macro(head, name="Often used", scope=Scope.TEAM, team_id=team.pk)
    Macro.objects.filter(pk=common.pk).update(usage_count=9)
    off = make_macro(agent, name="Switched off")
    Macro.objects.filter(pk=off.pk).update(is_active=False)

    page = signed_in(agent).get(f"/tickets/{ticket.number}/").content.decode()

    assert 'role="combobox"' in page
    assert page.index(f'data-macro-option="{common.pk}"') < page.index(
        f'data-macro-option="{rare.pk}"'
    )
    assert "team · Tier 1 · used 9\u00d7" in page
    assert "Switched off" not in page


def test_preview_fills_in_the_placeholders_for_the_ticket(agent, ticket):
    macro = make_macro(agent, body="Hi {{ customer.first_name }}", changes={"status": "solved"})

    preview = signed_in(agent).get(f"/macros/tickets/{ticket.number}/preview/{macro.pk}/").json()

    assert preview["body"] == "Hi Carla"
    assert preview["status"] == "solved"
    assert preview["changes"] == ["Status: Solved"]


def test_preview_of_another_teams_ticket_is_not_found(outsider, ticket):
    macro = make_macro(outsider)

    response = signed_in(outsider).get(f"/macros/tickets/{ticket.number}/preview/{macro.pk}/")

    assert response.status_code == 404


def test_preview_of_someone_elses_personal_macro_is_not_found(agent, teammate, ticket):
    macro = make_macro(teammate)

    response = signed_in(agent).get(f"/macros/tickets/{ticket.number}/preview/{macro.pk}/")

    assert response.status_code == 404


def test_sending_the_reply_with_a_macro_applies_its_changes_once(agent, ticket):
    macro = make_macro(agent, changes={"priority": "high", "tags": ["refund"]})

    response = signed_in(agent).post(
        f"/tickets/{ticket.number}/reply/",
        {"body": "Edited by me: the refund is on its way.", "macro_id": str(macro.pk)},
    )

    assert response.status_code == 302
    ticket.refresh_from_db()
    macro.refresh_from_db()
    assert ticket.priority == "high"
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["billing", "refund"]
    assert ticket.messages.latest("pk").body_text == "Edited by me: the refund is on its way."
    assert macro.usage_count == 1
    assert MacroUse.objects.count() == 1
    assert TicketEvent.objects.filter(ticket=ticket, type=EventType.MACRO_APPLIED).count() == 1
    page = signed_in(agent).get(f"/tickets/{ticket.number}/").content.decode()
    assert "applied macro &#x27;Refund approved&#x27;" in page


def test_the_agents_own_status_choice_wins_over_the_macros(agent, ticket):
    macro = make_macro(agent, changes={"status": "solved"})

    signed_in(agent).post(
        f"/tickets/{ticket.number}/reply/",
        {"body": "Waiting on you", "macro_id": str(macro.pk), "status": "pending"},
    )

    ticket.refresh_from_db()
    assert ticket.status == "pending"


def test_a_reply_without_a_macro_counts_no_use(agent, ticket):
    macro = make_macro(agent)

    signed_in(agent).post(f"/tickets/{ticket.number}/reply/", {"body": "Plain reply"})

    macro.refresh_from_db()
    assert macro.usage_count == 0
    assert ticket.messages.count() == 2


def test_a_macro_the_agent_may_not_use_keeps_the_reply_unsent(agent, teammate, ticket):
    macro = make_macro(teammate, changes={"priority": "urgent"})

    response = signed_in(agent).post(
        f"/tickets/{ticket.number}/reply/", {"body": "Sneaky", "macro_id": str(macro.pk)}
    )

    assert response.status_code == 200
    assert "no longer exists or is not yours to use" in response.content.decode()
    assert "Sneaky" in response.content.decode()
    assert ticket.messages.count() == 1
    ticket.refresh_from_db()
    assert ticket.priority == "normal"


def test_a_reply_held_for_a_new_message_keeps_the_macro_and_counts_it_once(agent, ticket):
    macro = make_macro(agent, changes={"priority": "high"})
    client = signed_in(agent)
    seen = ticket.messages.get().pk
    ticket_services.reply_to_ticket(
        ticket, body="One more thing", actor=Actor.for_customer(ticket.customer)
    )
    form = {"body": "Done", "macro_id": str(macro.pk), "seen": str(seen)}

    held = client.post(f"/tickets/{ticket.number}/reply/", form)

    assert held.status_code == 200
    assert f'name="macro_id" value="{macro.pk}"' in held.content.decode()
    macro.refresh_from_db()
    assert macro.usage_count == 0

    sent = client.post(f"/tickets/{ticket.number}/reply/", form | {"confirm": "on"})

    assert sent.status_code == 302
    macro.refresh_from_db()
    ticket.refresh_from_db()
    assert (macro.usage_count, ticket.priority) == (1, "high")


def test_analysts_get_no_picker_on_a_ticket(analyst, ticket):
    page = signed_in(analyst).get(f"/tickets/{ticket.number}/").content.decode()

    assert "data-macro-picker" not in page


def test_an_associate_is_not_offered_scopes_they_may_not_use(agent):
    page = signed_in(agent).get("/macros/new/").content.decode()

    assert '<option value="personal"' in page
    assert '<option value="team"' not in page
    assert '<option value="shared"' not in page
