"""The Django admin: who gets in, and what it lets them change."""

import pytest
from django.test import Client
from django.urls import reverse

from frontline.accounts.models import ApiToken, Role, Site, Team, User
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


@pytest.fixture
def head_of_support(db):
    return factories.make_agent(role=Role.HEAD_OF_SUPPORT, name="Hedda Head")


def user_form(user, **changes):
    form = {
        "name": user.name,
        "role": user.role,
        "time_zone": user.time_zone,
        "site": "",
        "is_active": "on" if user.is_active else "",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "skills-TOTAL_FORMS": "0",
        "skills-INITIAL_FORMS": "0",
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v != ""}


def test_the_role_given_in_the_admin_decides_admin_access(admin_client, agent):
    url = reverse("admin:accounts_user_change", args=[agent.pk])

    response = admin_client.post(url, user_form(agent, role="head_of_support"))

    assert response.status_code == 302
    agent.refresh_from_db()
    assert (agent.role, agent.is_staff, agent.is_superuser) == ("head_of_support", True, False)


def test_a_new_administrator_gets_superuser_rights(admin_client):
    admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "root@frontline.test",
            "name": "Root",
            "role": "admin",
            "usable_password": "true",
            "password1": "a long enough secret",
            "password2": "a long enough secret",
        },
    )

    created = User.objects.get(email="root@frontline.test")
    assert (created.is_staff, created.is_superuser) == (True, True)


def test_the_admin_refuses_a_staff_account_with_the_customer_role(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "shopper@example.test",
            "name": "Shopper",
            "role": "customer",
            "usable_password": "false",
        },
        follow=True,
    )

    assert "Staff users cannot have the customer role." in response.content.decode()
    assert not User.objects.filter(email="shopper@example.test").exists()


def test_administrators_cannot_deactivate_themselves_here_either(admin_client, admin_user):
    url = reverse("admin:accounts_user_change", args=[admin_user.pk])

    response = admin_client.post(url, user_form(admin_user, is_active=""), follow=True)

    assert "You cannot deactivate your own account." in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.is_active


def test_is_staff_cannot_be_ticked_past_the_role(admin_client, agent):
    url = reverse("admin:accounts_user_change", args=[agent.pk])

    admin_client.post(url, user_form(agent, is_staff="on", is_superuser="on"))

    agent.refresh_from_db()
    assert (agent.is_staff, agent.is_superuser) == (False, False)


def test_teams_and_skills_on_a_users_page_go_through_the_services(admin_client, agent, team):
    other = factories.make_team(name="Escalations", tier=2)
    skill = factories.make_skill(name="Billing")
    membership = agent.memberships.get(team=team)
    url = reverse("admin:accounts_user_change", args=[agent.pk])

    response = admin_client.post(
        url,
        user_form(
            agent,
            **{
                "memberships-TOTAL_FORMS": "2",
                "memberships-INITIAL_FORMS": "1",
                "memberships-0-id": str(membership.pk),
                "memberships-0-user": str(agent.pk),
                "memberships-0-team": str(team.pk),
                "memberships-0-DELETE": "on",
                "memberships-1-user": str(agent.pk),
                "memberships-1-team": str(other.pk),
                "memberships-1-is_lead": "on",
                "skills-TOTAL_FORMS": "1",
                "skills-0-user": str(agent.pk),
                "skills-0-skill": str(skill.pk),
                "skills-0-proficiency": "4",
            },
        ),
    )

    assert response.status_code == 302
    assert [(m.team.name, m.is_lead) for m in agent.memberships.all()] == [("Escalations", True)]
    assert [(s.skill.name, s.proficiency) for s in agent.skills.all()] == [("Billing", 4)]


def test_a_proficiency_out_of_range_is_not_saved(admin_client, agent):
    skill = factories.make_skill(name="Billing")
    url = reverse("admin:accounts_user_change", args=[agent.pk])

    response = admin_client.post(
        url,
        user_form(
            agent,
            **{
                "skills-TOTAL_FORMS": "1",
                "skills-0-user": str(agent.pk),
                "skills-0-skill": str(skill.pk),
                "skills-0-proficiency": "9",
            },
        ),
        follow=True,
    )

    assert response.status_code == 200
    assert "proficiency" in response.content.decode().lower()
    assert not agent.skills.exists()


def test_a_team_page_adds_members_through_the_service(admin_client, team, outsider, customer):
    url = reverse("admin:accounts_team_change", args=[team.pk])
    form = {
        "name": "Tier 1",
        "tier": "1",
        "description": "",
        "email": "",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-0-user": str(customer.user.pk),
        "memberships-0-team": str(team.pk),
    }

    refused = admin_client.post(url, form, follow=True)
    form["memberships-0-user"] = str(outsider.pk)
    added = admin_client.post(url, form)

    assert "Customers cannot join teams." in refused.content.decode()
    assert added.status_code == 302
    assert team.memberships.filter(user=outsider).exists()
    assert not team.memberships.filter(user=customer.user).exists()


def test_a_team_keeps_its_slug_when_renamed(admin_client, team):
    slug = team.slug
    url = reverse("admin:accounts_team_change", args=[team.pk])

    admin_client.post(
        url,
        {
            "name": "First line",
            "slug": "hijacked",
            "tier": "1",
            "description": "",
            "email": "",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )

    team.refresh_from_db()
    assert (team.name, team.slug) == ("First line", slug)


def test_a_site_with_an_unknown_time_zone_is_refused(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_site_add"),
        {"name": "Lisbon", "time_zone": "Europe/Atlantis", "country": "pt"},
        follow=True,
    )

    assert "not a known time zone" in response.content.decode()
    assert not Site.objects.filter(name="Lisbon").exists()


def test_a_site_is_saved_through_the_service(admin_client):
    admin_client.post(
        reverse("admin:accounts_site_add"),
        {"name": "Lisbon", "time_zone": "Europe/Lisbon", "country": "pt"},
    )

    assert Site.objects.get(name="Lisbon").country == "PT"


def test_a_password_set_in_the_admin_signs_in(admin_client, agent):
    url = reverse("admin:auth_user_password_change", args=[agent.pk])

    response = admin_client.post(
        url,
        {
            "usable_password": "true",
            "password1": "new long secret 42",
            "password2": "new long secret 42",
        },
    )

    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.check_password("new long secret 42")


def test_people_and_teams_are_not_deleted_here(admin_client, agent, team):
    user_delete = admin_client.post(
        reverse("admin:accounts_user_delete", args=[agent.pk]), {"post": "yes"}
    )
    team_delete = admin_client.post(
        reverse("admin:accounts_team_delete", args=[team.pk]), {"post": "yes"}
    )

    assert (user_delete.status_code, team_delete.status_code) == (403, 403)
    assert User.objects.filter(pk=agent.pk).exists()
    assert Team.objects.filter(pk=team.pk).exists()


def test_a_customers_login_is_only_looked_at(admin_client, customer):
    url = reverse("admin:accounts_user_change", args=[customer.user.pk])

    shown = admin_client.get(url)
    changed = admin_client.post(url, user_form(customer.user, role="admin"))

    assert shown.status_code == 200
    assert changed.status_code == 403
    customer.user.refresh_from_db()
    assert customer.user.role == "customer"


@pytest.mark.parametrize(
    "name",
    [
        "admin:accounts_user_add",
        "admin:accounts_team_add",
        "admin:accounts_skill_add",
        "admin:accounts_site_add",
        "admin:customers_customer_add",
        "admin:customers_organisation_add",
        "admin:tickets_category_add",
        "admin:tickets_customfield_add",
    ],
)
def test_staff_without_admin_rights_are_refused(head_of_support, name):
    client = Client()
    client.force_login(head_of_support)

    assert client.get(reverse(name)).status_code == 403
    assert client.post(reverse(name), {"name": "Sneaky"}).status_code == 403


def test_moving_a_membership_row_to_another_team_leaves_the_first(admin_client, agent, team):
    other = factories.make_team(name="Escalations", tier=2)
    membership = agent.memberships.get(team=team)
    url = reverse("admin:accounts_user_change", args=[agent.pk])

    response = admin_client.post(
        url,
        user_form(
            agent,
            **{
                "memberships-TOTAL_FORMS": "1",
                "memberships-INITIAL_FORMS": "1",
                "memberships-0-id": str(membership.pk),
                "memberships-0-user": str(agent.pk),
                "memberships-0-team": str(other.pk),
            },
        ),
    )

    assert response.status_code == 302
    assert [m.team.name for m in agent.memberships.all()] == ["Escalations"]
