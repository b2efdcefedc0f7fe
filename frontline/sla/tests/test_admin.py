"""The Django admin for calendars, policies and time rules: pages open, input is checked the
API's way, and a change replays unsolved tickets once it commits."""

import pytest
from django.test import Client
from django.urls import reverse

from frontline.accounts.models import Role
from frontline.automation.models import TimeRule
from frontline.sla.models import Calendar, ConfigVersion, SlaPolicy
from frontline.testing import factories

PAGES = [
    "admin:sla_calendar_changelist",
    "admin:sla_calendar_add",
    "admin:sla_slapolicy_changelist",
    "admin:sla_slapolicy_add",
    "admin:sla_slatarget_changelist",
    "admin:sla_slachange_changelist",
    "admin:sla_slanotification_changelist",
    "admin:automation_timerule_changelist",
    "admin:automation_timerule_add",
    "admin:automation_timerulerun_changelist",
]


@pytest.fixture
def admin_client(admin_user, policy, team):
    factories.make_ticket(team=team)
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize("name", PAGES)
def test_the_admin_pages_open(admin_client, name):
    assert admin_client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_agents_and_analysts_are_sent_to_the_admin_login(agent, analyst, name):
    refused = []
    for person in (agent, analyst):
        client = Client()
        client.force_login(person)
        refused.append(client.get(reverse(name)))

    assert [r.status_code for r in refused] == [302, 302]
    assert all(r["Location"].startswith(reverse("admin:login")) for r in refused)


def test_a_calendar_with_overlapping_hours_is_refused(admin_client):
    response = admin_client.post(
        reverse("admin:sla_calendar_add"),
        {
            "name": "Bad",
            "time_zone": "Europe/Berlin",
            "weekly_hours": '{"mon": [["09:00", "12:00"], ["11:00", "17:00"]]}',
            "special_days": "[]",
        },
    )

    assert response.status_code == 200
    assert "Intervals of one day overlap." in response.content.decode()
    assert not Calendar.objects.filter(name="Bad").exists()


def test_a_new_default_calendar_in_the_admin_replays_open_tickets(
    admin_client, django_capture_on_commit_callbacks
):
    before = ConfigVersion.objects.values_list("token", flat=True).first()
    with django_capture_on_commit_callbacks() as replays:
        response = admin_client.post(
            reverse("admin:sla_calendar_add"),
            {
                "name": "Night shift",
                "time_zone": "Europe/Berlin",
                "weekly_hours": '{"mon": [["22:00", "24:00"]], "tue": [["00:00", "06:00"]]}',
                "special_days": '[{"date": "2025-12-24", "hours": [], "name": "Closed"}]',
                "holiday_country": "de",
                "is_default": "on",
            },
        )

    calendar = Calendar.objects.get(name="Night shift")
    assert response.status_code == 302
    assert calendar.holiday_country == "DE"
    assert calendar.special_days == [{"date": "2025-12-24", "hours": [], "name": "Closed"}]
    assert ConfigVersion.objects.values_list("token", flat=True).first() != before
    assert len(replays) == 1
    assert calendar.is_default
    assert Calendar.objects.filter(is_default=True).count() == 1


def test_a_policy_action_naming_a_missing_team_is_refused(admin_client):
    response = admin_client.post(
        reverse("admin:sla_slapolicy_add"),
        {
            "name": "Bad actions",
            "position": 0,
            "is_active": "on",
            "priorities": "[]",
            "organisation_tiers": "[]",
            "customer_vip": "unknown",
            "channels": "[]",
            "tags": "[]",
            "pause_statuses": '["pending"]',
            "warn_at_percent": "[75]",
            "warning_actions": "[]",
            "breach_actions": '[{"type": "reassign", "team_id": 999999}]',
            "targets-TOTAL_FORMS": "0",
            "targets-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert "There is no team 999999." in response.content.decode()
    assert not SlaPolicy.objects.filter(name="Bad actions").exists()


def test_a_time_rule_needs_known_statuses_and_valid_actions(admin_client):
    response = admin_client.post(
        reverse("admin:automation_timerule_add"),
        {
            "name": "Bad rule",
            "position": 0,
            "statuses": '["limbo"]',
            "priorities": "[]",
            "channels": "[]",
            "tags": "[]",
            "since": "status_changed",
            "amount": 3,
            "unit": "days",
            "actions": '[{"type": "set_status", "status": "new"}]',
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Unknown status &#x27;limbo&#x27;." in page
    assert not TimeRule.objects.filter(name="Bad rule").exists()


@pytest.fixture
def head_of_support(db):
    return factories.make_agent(role=Role.HEAD_OF_SUPPORT, name="Hedda Head")


@pytest.fixture
def default_calendar(admin_client):
    return factories.make_calendar(name="Company hours", is_default=True)


def test_the_default_calendar_cannot_be_deleted_from_its_page(admin_client, default_calendar):
    url = reverse("admin:sla_calendar_delete", args=[default_calendar.pk])

    page = admin_client.get(reverse("admin:sla_calendar_change", args=[default_calendar.pk]))
    confirm = admin_client.get(url)
    deleted = admin_client.post(url, {"post": "yes"})

    assert page.status_code == 200
    assert url not in page.content.decode()
    assert (confirm.status_code, deleted.status_code) == (403, 403)
    assert Calendar.objects.filter(pk=default_calendar.pk, is_default=True).exists()


def test_calendars_cannot_be_deleted_in_bulk(admin_client, default_calendar, support_hours):
    changelist = reverse("admin:sla_calendar_changelist")

    page = admin_client.get(changelist)
    response = admin_client.post(
        changelist,
        {
            "action": "delete_selected",
            "_selected_action": [default_calendar.pk, support_hours.pk],
            "post": "yes",
        },
    )

    assert 'value="delete_selected"' not in page.content.decode()
    assert response.status_code in (200, 302)
    assert Calendar.objects.filter(pk__in=[default_calendar.pk, support_hours.pk]).count() == 2


def test_a_calendar_a_policy_works_to_is_not_deleted(admin_client, policy, support_hours):
    url = reverse("admin:sla_calendar_delete", args=[support_hours.pk])

    response = admin_client.post(url, {"post": "yes"}, follow=True)

    page = response.content.decode()
    assert "Cannot delete calendar" in page
    assert "Support" in page
    assert Calendar.objects.filter(pk=support_hours.pk).exists()


def test_deleting_an_unused_calendar_goes_through_the_service(
    admin_client, django_capture_on_commit_callbacks
):
    spare = factories.make_calendar(name="Spare")
    url = reverse("admin:sla_calendar_delete", args=[spare.pk])

    with django_capture_on_commit_callbacks() as replays:
        response = admin_client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not Calendar.objects.filter(pk=spare.pk).exists()
    assert len(replays) == 1


def test_editing_a_policy_in_the_list_replays_open_tickets_once(
    admin_client, policy, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as replays:
        response = admin_client.post(
            reverse("admin:sla_slapolicy_changelist"),
            {
                "form-TOTAL_FORMS": "1",
                "form-INITIAL_FORMS": "1",
                "form-0-id": str(policy.pk),
                "form-0-position": "3",
                "_save": "Save",
            },
        )

    assert response.status_code == 302
    policy.refresh_from_db()
    assert (policy.position, policy.is_active) == (3, False)
    assert len(replays) == 1


def test_a_policy_goal_beyond_the_services_limit_is_refused(admin_client, policy):
    row = {"priority": "normal", "target": "first_response", "minutes": "600000"}
    response = admin_client.post(
        reverse("admin:sla_slapolicy_add"),
        {
            "name": "Twice",
            "position": 0,
            "is_active": "on",
            "priorities": "[]",
            "organisation_tiers": "[]",
            "customer_vip": "unknown",
            "channels": "[]",
            "tags": "[]",
            "pause_statuses": '["pending"]',
            "warn_at_percent": "[75]",
            "warning_actions": "[]",
            "breach_actions": "[]",
            "targets-TOTAL_FORMS": "1",
            "targets-INITIAL_FORMS": "0",
            **{f"targets-0-{key}": value for key, value in row.items()},
        },
        follow=True,
    )

    assert "A goal is 1 to 527040 minutes." in response.content.decode()
    assert not SlaPolicy.objects.filter(name="Twice").exists()


def test_a_time_rule_is_saved_through_the_service(admin_client, team):
    response = admin_client.post(
        reverse("admin:automation_timerule_add"),
        {
            "name": "  Nudge  ",
            "position": 0,
            "is_active": "on",
            "statuses": '["pending"]',
            "priorities": "[]",
            "channels": "[]",
            "tags": "[]",
            "teams": [team.pk],
            "since": "status_changed",
            "amount": 3,
            "unit": "days",
            "actions": '[{"type": "set_status", "status": "solved"}]',
        },
    )

    assert response.status_code == 302
    rule = TimeRule.objects.get(name="Nudge")
    assert list(rule.teams.all()) == [team]


def test_a_time_rule_beyond_the_services_limit_is_refused(admin_client):
    response = admin_client.post(
        reverse("admin:automation_timerule_add"),
        {
            "name": "Forever",
            "position": 0,
            "statuses": '["pending"]',
            "priorities": "[]",
            "channels": "[]",
            "tags": "[]",
            "since": "status_changed",
            "amount": 5000,
            "unit": "days",
            "actions": '[{"type": "set_status", "status": "solved"}]',
        },
        follow=True,
    )

    assert "The amount is 1 to 3650." in response.content.decode()
    assert not TimeRule.objects.filter(name="Forever").exists()


@pytest.mark.parametrize(
    "name", ["admin:sla_calendar_add", "admin:sla_slapolicy_add", "admin:automation_timerule_add"]
)
def test_staff_without_admin_rights_are_refused(head_of_support, name):
    client = Client()
    client.force_login(head_of_support)

    assert client.get(reverse(name)).status_code == 403
    assert client.post(reverse(name), {"name": "Sneaky"}).status_code == 403
