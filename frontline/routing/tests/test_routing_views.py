"""The workspace side: the presence switch, the settings page, the board, the panel."""

from django.test import Client

from frontline.routing import engine
from frontline.routing.models import AgentPresence, Strategy, TeamRouting
from frontline.routing.tests.helpers import online_agent, routed_team, waiting
from frontline.testing import factories


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_header_switch_sets_presence_on_every_staff_page(agent):
    client = _client(agent)
    page = client.get("/inbox/", follow=True).content.decode()

    response = client.post("/me/presence/", {"status": "online"}, headers={"HX-Request": "true"})

    assert 'aria-label="Your presence"' in page
    assert response.status_code == 200
    assert 'data-presence="online"' in response.content.decode()
    assert AgentPresence.objects.get(user=agent).status == "online"


def test_customers_get_no_switch(customer):
    response = _client(customer.user).post("/me/presence/", {"status": "online"})

    assert response.status_code == 403
    assert not AgentPresence.objects.exists()


def test_supervisors_edit_team_routing_and_associates_are_refused(team, supervisor, agent):
    path = f"/routing/teams/{team.pk}/"

    assert _client(agent).get("/routing/").status_code == 403
    assert _client(agent).post(path, {"strategy": "skills"}).status_code == 403
    page = _client(supervisor).get("/routing/")
    saved = _client(supervisor).post(
        path,
        {"strategy": "round_robin", "queue_order": "oldest", "relax_after_seconds": "60"},
        follow=True,
    )
    bad = _client(supervisor).post(path, {"relax_after_seconds": "0"}, follow=True)

    assert page.status_code == 200
    assert TeamRouting.objects.get(team=team).strategy == "round_robin"
    assert "Routing of Tier 1 saved." in saved.content.decode()
    assert "relax_after_seconds: relax_after_seconds must be between" in bad.content.decode()


def test_capacity_form_names_the_field(agent, supervisor):
    response = _client(supervisor).post(
        "/routing/capacity/",
        {"user_id": agent.pk, "channel": "chat", "max_concurrent": "999"},
        follow=True,
    )

    assert (
        "capacity.chat: The chat capacity must be between 0 and 500." in response.content.decode()
    )


def test_the_board_shows_presence_load_and_queues_in_fixed_queries(
    db, supervisor, django_assert_max_num_queries
):
    teams = [routed_team(Strategy.LEAST_LOADED) for _ in range(3)]
    for n, team in enumerate(teams):
        online_agent(team, name=f"Agent {n}")
        factories.make_agent(teams=(team,), name=f"Offline {n}")
        waiting(team)
    client = _client(supervisor)
    client.get("/supervisor/")

    with django_assert_max_num_queries(40):
        page = client.get("/supervisor/").content.decode()
    for _ in range(5):
        team = routed_team()
        online_agent(team, name="More")
        waiting(team)
    with django_assert_max_num_queries(40):
        client.get("/supervisor/")

    assert "routing-board" in page
    assert "presence-online" in page
    assert "presence-offline" in page
    assert "0 / 12" in page


def test_the_ticket_page_says_why_it_was_routed(db, supervisor):
    team = routed_team(Strategy.LEAST_LOADED)
    online_agent(team, name="Ana")
    ticket = waiting(team)
    engine.route_ticket(ticket.pk)

    page = _client(supervisor).get(f"/tickets/{ticket.number}/").content.decode()

    assert "Routed to Ana: 0 of 12 open" in page
