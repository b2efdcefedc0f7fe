"""The routing API: presence's exact shape, who may set what, validation, the reasons."""

from frontline.routing import engine
from frontline.routing.models import AgentPresence, RoutingDecision, Strategy, TeamRouting
from frontline.routing.tests.helpers import online_agent, routed_team, waiting


def test_an_agent_sets_and_reads_their_presence(agent, api_as):
    client = api_as(agent)

    response = client.put("/api/v1/me/presence", {"status": "online"})

    assert response.status_code == 200
    assert set(response.json()) == {"status", "since"}
    assert response.json()["status"] == "online"
    assert client.get("/api/v1/me/presence").json()["status"] == "online"
    assert AgentPresence.objects.get(user=agent).status == "online"


def test_an_unknown_presence_is_refused_naming_the_field(agent, api_as):
    response = api_as(agent).put("/api/v1/me/presence", {"status": "busy"})

    assert response.status_code == 422


def test_customers_have_no_presence(customer, api_as):
    assert api_as(customer.user).put("/api/v1/me/presence", {"status": "online"}).status_code == 403


def test_a_supervisor_sets_an_agents_presence_and_an_agent_may_not(
    agent, teammate, supervisor, api_as
):
    path = f"/api/v1/routing/agents/{teammate.pk}/presence"

    assert api_as(agent).put(path, {"status": "online"}).status_code == 403
    assert api_as(supervisor).put(path, {"status": "away"}).json()["status"] == "away"
    assert AgentPresence.objects.get(user=teammate).status == "away"


def test_team_settings_are_validated_with_the_field_named(team, supervisor, agent, api_as):
    path = f"/api/v1/routing/teams/{team.pk}"

    bad = api_as(supervisor).patch(path, {"strategy": "lottery"})
    self_fallback = api_as(supervisor).patch(path, {"fallback_team_id": team.pk})
    good = api_as(supervisor).patch(path, {"strategy": "skills", "relax_after_seconds": 120})

    assert bad.status_code == 422
    assert bad.json()["field"] == "strategy"
    assert self_fallback.json()["field"] == "fallback_team_id"
    assert good.json()["strategy"] == "skills"
    assert TeamRouting.objects.get(team=team).relax_after_seconds == 120
    assert api_as(agent).patch(path, {"strategy": "manual"}).status_code == 403


def test_capacity_is_set_per_channel_and_validated(agent, supervisor, api_as):
    path = f"/api/v1/routing/agents/{agent.pk}/capacity"

    too_many = api_as(supervisor).put(path, {"capacity": {"chat": 9000}})
    set_ = api_as(supervisor).put(path, {"capacity": {"chat": 2, "email": 20}})

    assert too_many.status_code == 422
    assert too_many.json()["field"] == "capacity.chat"
    assert set_.json() == {"user_id": agent.pk, "capacity": {"chat": 2, "email": 20}}
    assert api_as(agent).get(path).json()["capacity"] == {"chat": 2, "email": 20}


def test_the_ticket_says_why_it_was_routed(db, supervisor, api_as):
    team = routed_team(Strategy.LEAST_LOADED)
    ana = online_agent(team, name="Ana")
    ticket = waiting(team)
    engine.route_ticket(ticket.pk)

    body = api_as(supervisor).get(f"/api/v1/tickets/{ticket.pk}/routing").json()

    assert body["ticket_id"] == ticket.pk
    [decision] = body["decisions"]
    assert decision["assignee"] == {"id": ana.pk, "name": "Ana"}
    assert decision["reason"].startswith("Routed to Ana")
    assert decision["candidates"][0]["skipped"] is None
    assert RoutingDecision.objects.count() == 1
