import re

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from frontline.core import presence
from frontline.core.actors import Actor
from frontline.testing import factories
from frontline.tickets import services


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_only_supervisors_open_the_board(agent, customer, supervisor):
    assert Client().get("/supervisor/")["Location"].startswith("/accounts/sign-in/")
    assert signed_in(customer.user).get("/supervisor/").status_code == 403
    assert signed_in(agent).get("/supervisor/").status_code == 403
    assert signed_in(supervisor).get("/supervisor/").status_code == 200


def test_the_board_counts_open_work_per_team_and_agent(supervisor, agent, teammate, team):
    cache.clear()
    mine = factories.make_ticket(team=team)
    services.assign_ticket(mine, assignee=agent, actor=Actor.for_user(agent))
    waiting = factories.make_ticket(team=team, subject="Nobody took this")
    presence.mark_online(agent.pk)

    response = signed_in(supervisor).get("/supervisor/")

    load = next(t for t in response.context["loads"] if t.team == team)
    assert (load.open_tickets, load.unassigned) == (2, 1)
    assert load.oldest_unassigned_at == waiting.created_at
    by_name = {a.user.name: a for a in load.agents}
    assert by_name["Alice Agent"].open_tickets == 1
    assert by_name["Alice Agent"].online
    assert not by_name["Tom Teammate"].online
    assert [t.pk for t in response.context["unassigned"]] == [waiting.pk]
    assert "Nobody took this" in response.content.decode()


def test_each_waiting_ticket_offers_every_team_member_to_assign_it_to(
    supervisor, agent, team, other_team
):
    cache.clear()
    factories.make_ticket(team=team, subject="First in line")
    factories.make_ticket(team=team, subject="Second in line")
    odd = factories.make_agent(name="Zoë <b>Bold</b>", teams=(other_team,))
    presence.mark_online(odd.pk)

    page = signed_in(supervisor).get("/supervisor/").content.decode()

    menus = re.findall(r'<select id="assign-\d+" name="assignee"[^>]*>(.*?)</select>', page, re.S)
    assert len(menus) == 2
    assert menus[0] == menus[1]
    assert (
        f'<optgroup label="{team.name}"><option value="{agent.pk}" data-team="{team.pk}">'
        in (menus[0])
    )
    odd_option = f'<option value="{odd.pk}" data-team="{other_team.pk}">'
    assert f"{odd_option}Zoë &lt;b&gt;Bold&lt;/b&gt; ●</option>" in menus[0]
    assert "<b>Bold" not in page


def test_dropping_a_ticket_on_an_agent_moves_and_assigns_it(supervisor, outsider, team, other_team):
    ticket = factories.make_ticket(team=team)

    response = signed_in(supervisor).post(
        "/supervisor/reassign/",
        {"ticket": ticket.pk, "assignee": outsider.pk, "team": other_team.pk},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 204
    assert "assigned to Olga Outsider" in response["HX-Trigger"]
    ticket.refresh_from_db()
    assert (ticket.team, ticket.assignee) == (other_team, outsider)


def test_a_refused_reassignment_is_reported(analyst, supervisor, agent, team):
    ticket = factories.make_ticket(team=team)

    response = signed_in(analyst).post(
        "/supervisor/reassign/",
        {"ticket": ticket.pk, "assignee": agent.pk},
        headers={"HX-Request": "true"},
    )

    assert "You may not change this ticket." in response["HX-Trigger"]
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_agents_cannot_reassign_from_the_board(agent, teammate, team):
    ticket = factories.make_ticket(team=team)

    assert (
        signed_in(agent)
        .post("/supervisor/reassign/", {"ticket": ticket.pk, "assignee": teammate.pk})
        .status_code
        == 403
    )


def test_the_board_makes_the_same_queries_for_few_or_many_tickets(supervisor, team, teammate):
    client = signed_in(supervisor)
    factories.make_ticket(team=team)
    client.get("/supervisor/")
    with CaptureQueriesContext(connection) as few:
        client.get("/supervisor/")
    for _ in range(20):
        factories.make_ticket(team=factories.make_team())
    with CaptureQueriesContext(connection) as many:
        client.get("/supervisor/")

    # 7, and routing's part (supervisor.panels): agents with presence, capacities, loads,
    # teams with their routing, waiting queues.
    assert len(few) == len(many) == 12
