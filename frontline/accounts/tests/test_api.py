"""The accounts API: teams, users, skills and the caller's own tokens."""

from string import Template

import pytest
from django.test import Client

from frontline.accounts.models import AgentSkill, Role, Skill, Team, TeamMembership, User
from frontline.accounts.services import set_skill
from frontline.testing import factories

API = "/api/v1"


@pytest.fixture
def head(db):
    return factories.make_agent(role=Role.HEAD_OF_SUPPORT, name="Hana Head")


def test_staff_see_teams_with_member_counts(api_as, analyst, agent, teammate, outsider):
    response = api_as(analyst).get(f"{API}/teams")

    assert response.status_code == 200
    counts = {t["name"]: t["member_count"] for t in response.json()["items"]}
    assert counts == {"Tier 1": 2, "Billing": 1}


def test_team_detail_lists_members_and_leads(api_as, agent, teammate, team, head):
    api_as(head).post(f"{API}/teams/{team.pk}/members", {"user_id": teammate.pk, "is_lead": True})

    response = api_as(agent).get(f"{API}/teams/{team.pk}")

    assert response.status_code == 200
    members = {m["name"]: m["is_lead"] for m in response.json()["members"]}
    assert members == {"Alice Agent": False, "Tom Teammate": True}


def test_unknown_team_is_404(api_as, agent):
    response = api_as(agent).get(f"{API}/teams/999999")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_head_of_support_creates_team(api_as, head):
    response = api_as(head).post(
        f"{API}/teams", {"name": "Escalations", "tier": 2, "email": "Esc@Example.test"}
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["slug"], body["tier"], body["email"]) == ("escalations", 2, "esc@example.test")
    assert api_as(head).get(f"{API}/teams/{body['id']}").json()["name"] == "Escalations"


def test_team_without_latin_letters_still_gets_a_slug(api_as, head):
    response = api_as(head).post(f"{API}/teams", {"name": "サポート"})

    assert response.status_code == 201
    assert response.json()["slug"].startswith("team-")


def test_team_names_are_unique_regardless_of_case(api_as, head, team):
    response = api_as(head).post(f"{API}/teams", {"name": "TIER 1"})

    assert response.status_code == 409
    assert response.json()["field"] == "name"


def test_head_of_support_changes_team(api_as, head, team):
    response = api_as(head).patch(f"{API}/teams/{team.pk}", {"tier": 3, "description": "Nights"})

    assert response.status_code == 200
    team.refresh_from_db()
    assert (team.tier, team.description, team.name) == (3, "Nights", "Tier 1")


def test_team_email_must_be_an_address(api_as, head, team):
    response = api_as(head).patch(f"{API}/teams/{team.pk}", {"email": "not an address"})

    assert response.status_code == 422
    assert response.json()["field"] == "email"


def test_new_member_sees_team_on_me(api_as, head, outsider, team):
    added = api_as(head).post(f"{API}/teams/{team.pk}/members", {"user_id": outsider.pk})

    assert added.status_code == 201
    assert [t["name"] for t in api_as(outsider).get(f"{API}/me").json()["teams"]] == [
        "Billing",
        "Tier 1",
    ]


def test_customer_login_cannot_join_a_team(api_as, head, team, customer):
    response = api_as(head).post(f"{API}/teams/{team.pk}/members", {"user_id": customer.user.pk})

    assert response.status_code == 404
    assert not team.memberships.filter(user=customer.user).exists()


def test_removing_member_leaves_the_others(api_as, head, team, agent, teammate):
    response = api_as(head).delete(f"{API}/teams/{team.pk}/members/{agent.pk}")

    assert response.status_code == 200
    assert [m["id"] for m in response.json()["members"]] == [teammate.pk]


def test_removing_a_non_member_is_404(api_as, head, team, outsider):
    response = api_as(head).delete(f"{API}/teams/{team.pk}/members/{outsider.pk}")

    assert response.status_code == 404


def test_users_list_filters_by_role_team_and_text(api_as, analyst, agent, teammate, outsider, team):
    client = api_as(analyst)

    by_team = client.get(f"{API}/users", team_id=team.pk).json()["items"]
    by_role = client.get(f"{API}/users", role="analyst").json()["items"]
    by_text = client.get(f"{API}/users", q="olga").json()["items"]

    assert [u["name"] for u in by_team] == ["Alice Agent", "Tom Teammate"]
    assert [u["name"] for u in by_role] == ["Ann Analyst"]
    assert [u["name"] for u in by_text] == ["Olga Outsider"]


def test_users_list_leaves_out_customer_logins(api_as, agent, customer):
    emails = [u["email"] for u in api_as(agent).get(f"{API}/users").json()["items"]]

    assert "alice@frontline.test" in emails
    assert "carla@example.test" not in emails


def test_users_list_pages_without_repeats(api_as, agent, teammate, outsider, analyst):
    client = api_as(agent)

    first = client.get(f"{API}/users", page_size=3).json()
    second = client.get(first["next"]).json()

    names = [u["name"] for u in first["items"] + second["items"]]
    assert names == ["Alice Agent", "Ann Analyst", "Olga Outsider", "Tom Teammate"]
    assert second["next"] is None


def test_users_list_query_count_does_not_grow_with_rows(api_as, agent, django_assert_num_queries):
    client = api_as(agent)
    client.get(f"{API}/me")  # the token's first use records last_used_at
    for _ in range(5):
        factories.make_agent(teams=(factories.make_team(),))

    # token, page of users, their team memberships
    with django_assert_num_queries(3):
        response = client.get(f"{API}/users")

    assert len(response.json()["items"]) == 6


def test_user_detail_shows_teams_and_skills(api_as, analyst, agent, team):
    set_skill(agent, skill=factories.make_skill(name="Billing"), proficiency=4)

    response = api_as(analyst).get(f"{API}/users/{agent.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["teams"] == [{"id": team.pk, "name": "Tier 1", "is_lead": False}]
    assert [(s["name"], s["proficiency"]) for s in body["skills"]] == [("Billing", 4)]


def test_customer_login_is_not_a_user_here(api_as, agent, customer):
    response = api_as(agent).get(f"{API}/users/{customer.user.pk}")

    assert response.status_code == 404


def test_head_of_support_creates_user_who_can_sign_in(api_as, head, team):
    response = api_as(head).post(
        f"{API}/users",
        {
            "email": "New.Person@Frontline.test",
            "name": "New Person",
            "role": "engineer",
            "time_zone": "Europe/Berlin",
            "team_ids": [team.pk],
            "password": "a long enough secret",
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["email"], body["role"], body["time_zone"]) == (
        "new.person@frontline.test",
        "engineer",
        "Europe/Berlin",
    )
    assert [t["name"] for t in body["teams"]] == ["Tier 1"]
    assert User.objects.get(pk=body["id"]).check_password("a long enough secret")


def test_creating_a_user_twice_conflicts(api_as, head, agent):
    response = api_as(head).post(
        f"{API}/users", {"email": "ALICE@frontline.test", "name": "Alice again"}
    )

    assert response.status_code == 409
    assert response.json()["field"] == "email"


def test_user_with_unknown_team_is_not_created(api_as, head):
    response = api_as(head).post(
        f"{API}/users", {"email": "x@frontline.test", "name": "X", "team_ids": [999999]}
    )

    assert response.status_code == 404
    assert not User.objects.filter(email="x@frontline.test").exists()


def test_user_time_zone_must_exist(api_as, head):
    response = api_as(head).post(
        f"{API}/users", {"email": "x@frontline.test", "name": "X", "time_zone": "Mars/Olympus"}
    )

    assert response.status_code == 422
    assert response.json()["field"] == "time_zone"


def test_only_administrators_grant_the_administrator_role(api_as, head, admin_user, agent):
    by_head = api_as(head).patch(f"{API}/users/{agent.pk}", {"role": "admin"})
    by_admin = api_as(admin_user).patch(f"{API}/users/{agent.pk}", {"role": "admin"})

    assert by_head.status_code == 403
    assert by_admin.status_code == 200
    agent.refresh_from_db()
    assert (agent.role, agent.is_staff, agent.is_superuser) == (Role.ADMIN, True, True)


def test_head_of_support_cannot_change_an_administrator(api_as, head, admin_user):
    response = api_as(head).patch(f"{API}/users/{admin_user.pk}", {"role": "associate"})

    assert response.status_code == 403
    admin_user.refresh_from_db()
    assert admin_user.is_superuser


def test_demotion_takes_away_admin_site_access(api_as, admin_user, head):
    response = api_as(admin_user).patch(f"{API}/users/{head.pk}", {"role": "supervisor"})

    assert response.status_code == 200
    head.refresh_from_db()
    assert (head.role, head.is_staff) == (Role.SUPERVISOR, False)


def test_deactivated_user_is_locked_out_of_the_api(api_as, head, agent):
    agents_client = api_as(agent)

    response = api_as(head).patch(f"{API}/users/{agent.pk}", {"is_active": False})

    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert agents_client.get(f"{API}/me").status_code == 401


def test_nobody_deactivates_themselves(api_as, head):
    response = api_as(head).patch(f"{API}/users/{head.pk}", {"is_active": False})

    assert response.status_code == 403
    head.refresh_from_db()
    assert head.is_active


def test_skills_are_listed_and_created(api_as, head, agent):
    created = api_as(head).post(f"{API}/skills", {"name": "Refunds", "description": "Money back"})
    listed = api_as(agent).get(f"{API}/skills")

    assert created.status_code == 201
    assert created.json()["slug"] == "refunds"
    assert [s["name"] for s in listed.json()["items"]] == ["Refunds"]


def test_skill_names_are_unique(api_as, head):
    factories.make_skill(name="Refunds")

    response = api_as(head).post(f"{API}/skills", {"name": "refunds"})

    assert response.status_code == 409


def test_setting_proficiency_twice_keeps_one_skill(api_as, head, agent):
    skill = factories.make_skill(name="Refunds")
    client = api_as(head)

    client.put(f"{API}/users/{agent.pk}/skills/{skill.pk}", {"proficiency": 2})
    response = client.put(f"{API}/users/{agent.pk}/skills/{skill.pk}", {"proficiency": 5})

    assert response.status_code == 200
    assert [(s["name"], s["proficiency"]) for s in response.json()["skills"]] == [("Refunds", 5)]


def test_proficiency_runs_from_one_to_five(api_as, head, agent):
    skill = factories.make_skill()

    response = api_as(head).put(f"{API}/users/{agent.pk}/skills/{skill.pk}", {"proficiency": 6})

    assert response.status_code == 422
    assert not agent.skills.exists()


def test_unknown_skill_is_404(api_as, head, agent):
    response = api_as(head).put(f"{API}/users/{agent.pk}/skills/999999", {"proficiency": 3})

    assert response.status_code == 404


def test_new_token_is_shown_once_and_works(api_as, api_client_for_secret, agent):
    created = api_as(agent).post(f"{API}/me/tokens", {"name": "laptop"})

    assert created.status_code == 201
    secret = created.json()["secret"]
    assert secret.startswith(created.json()["prefix"])
    assert api_client_for_secret(secret).get(f"{API}/me").json()["email"] == agent.email
    listed = api_as(agent).get(f"{API}/me/tokens").json()["items"]
    assert "laptop" in [t["name"] for t in listed]
    assert all("secret" not in t for t in listed)


def test_token_list_shows_only_own_tokens(api_as, agent, teammate):
    factories.token_for(teammate)

    tokens = api_as(agent).get(f"{API}/me/tokens").json()["items"]

    assert [t["name"] for t in tokens] == ["test"]  # the one api_as issued for agent


def test_revoked_token_stops_working(api_as, api_client_for_secret, agent):
    client = api_as(agent)
    created = client.post(f"{API}/me/tokens", {"name": "ci"}).json()

    response = client.delete(f"{API}/me/tokens/{created['id']}")

    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert api_client_for_secret(created["secret"]).get(f"{API}/me").status_code == 401


def test_nobody_revokes_someone_elses_token(api_as, api_client_for_secret, agent, admin_user):
    created = api_as(agent).post(f"{API}/me/tokens", {"name": "mine"}).json()

    response = api_as(admin_user).delete(f"{API}/me/tokens/{created['id']}")

    assert response.status_code == 404
    assert api_client_for_secret(created["secret"]).get(f"{API}/me").status_code == 200


def test_customers_manage_their_own_tokens(api_as, customer):
    response = api_as(customer.user).post(f"{API}/me/tokens", {"name": "scripts"})

    assert response.status_code == 201


@pytest.fixture
def api_client_for_secret():
    def make(secret):
        return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    return make


@pytest.fixture
def ids(team, agent):
    return {"team": team.pk, "user": agent.pk, "skill": factories.make_skill().pk}


def send(user, method, path, body, ids):
    """One request with a JSON body (ignored on reads) as ``user``; ``$name`` takes an id."""
    client = Client(HTTP_AUTHORIZATION=f"Bearer {factories.token_for(user)}")
    return _send(client, method, path, body, ids)


def send_anonymously(method, path, body, ids):
    return _send(Client(), method, path, body, ids)


def _send(client, method, path, body, ids):
    return client.generic(
        method,
        API + Template(path).substitute(ids),
        Template(body).substitute(ids),
        content_type="application/json",
    )


READS = [
    ("GET", "/teams", "{}"),
    ("GET", "/teams/$team", "{}"),
    ("GET", "/users", "{}"),
    ("GET", "/users/$user", "{}"),
    ("GET", "/skills", "{}"),
]
CONFIGURATION_WRITES = [
    ("POST", "/teams", '{"name": "Night shift"}'),
    ("PATCH", "/teams/$team", '{"name": "Renamed"}'),
    ("POST", "/teams/$team/members", '{"user_id": $user}'),
    ("DELETE", "/teams/$team/members/$user", "{}"),
    ("POST", "/users", '{"email": "new@frontline.test", "name": "New"}'),
    ("PATCH", "/users/$user", '{"name": "Renamed"}'),
    ("POST", "/skills", '{"name": "Spanish"}'),
    ("PUT", "/users/$user/skills/$skill", '{"proficiency": 3}'),
]
OWN_TOKENS = [
    ("GET", "/me/tokens", "{}"),
    ("POST", "/me/tokens", '{"name": "x"}'),
    ("DELETE", "/me/tokens/1", "{}"),
]


@pytest.mark.parametrize(("method", "path", "body"), READS + CONFIGURATION_WRITES + OWN_TOKENS)
def test_anonymous_callers_are_refused(ids, method, path, body):
    response = send_anonymously(method, path, body, ids)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize(("method", "path", "body"), READS + CONFIGURATION_WRITES)
def test_customers_are_refused(customer, ids, method, path, body):
    response = send(customer.user, method, path, body, ids)

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


@pytest.mark.parametrize("role", [Role.ASSOCIATE, Role.ANALYST, Role.SUPERVISOR])
@pytest.mark.parametrize(("method", "path", "body"), CONFIGURATION_WRITES)
def test_configuration_is_for_head_of_support_and_admins(ids, role, method, path, body):
    caller = factories.make_agent(role=role)
    before = _configuration_snapshot()

    response = send(caller, method, path, body, ids)

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert _configuration_snapshot() == before


def _configuration_snapshot():
    return (
        list(Team.objects.values_list("name", "tier")),
        list(TeamMembership.objects.values_list("user_id", "team_id")),
        list(User.objects.values_list("email", "name", "role", "is_active")),
        list(Skill.objects.values_list("name")),
        list(AgentSkill.objects.values_list("user_id", "skill_id", "proficiency")),
    )


def test_teams_and_skills_page_in_creation_order(api_as, agent, team, other_team):
    factories.make_team(name="Escalations")
    for name in ("Refunds", "Returns", "Exchanges"):
        factories.make_skill(name=name)
    client = api_as(agent)

    teams = client.get(f"{API}/teams", page_size=2).json()
    more_teams = client.get(teams["next"]).json()
    skills = client.get(f"{API}/skills", page_size=2).json()
    more_skills = client.get(skills["next"]).json()

    assert [t["name"] for t in teams["items"] + more_teams["items"]] == [
        "Tier 1",
        "Billing",
        "Escalations",
    ]
    assert [t["member_count"] for t in teams["items"]] == [1, 0]
    assert more_teams["next"] is None
    assert [s["name"] for s in skills["items"] + more_skills["items"]] == [
        "Refunds",
        "Returns",
        "Exchanges",
    ]
    assert more_skills["next"] is None


def test_my_tokens_page_newest_first(api_as, agent):
    client = api_as(agent)  # issues the token named "test"
    for name in ("laptop", "ci"):
        client.post(f"{API}/me/tokens", {"name": name})

    first = client.get(f"{API}/me/tokens", page_size=2).json()
    second = client.get(first["next"]).json()

    assert [t["name"] for t in first["items"]] == ["ci", "laptop"]
    assert ([t["name"] for t in second["items"]], second["next"]) == (["test"], None)


def test_a_made_up_cursor_is_refused(api_as, agent):
    response = api_as(agent).get(f"{API}/teams", cursor="not-one-of-ours")

    assert (response.status_code, response.json()["field"]) == (422, "cursor")
