"""The Django admin for calendars, policies and time rules: pages open, input is checked the
API's way, and a change replays unsolved tickets once it commits."""

import pytest
from django.test import Client
from django.urls import reverse

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


def test_saving_a_calendar_in_the_admin_replays_open_tickets(
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
            },
        )

    calendar = Calendar.objects.get(name="Night shift")
    assert response.status_code == 302
    assert calendar.holiday_country == "DE"
    assert calendar.special_days == [{"date": "2025-12-24", "hours": [], "name": "Closed"}]
    assert ConfigVersion.objects.values_list("token", flat=True).first() != before
    assert len(replays) == 1


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
