"""The SLA in the API: per ticket, in the ticket list, and calendars and policies managed."""

import pytest
import time_machine

from frontline.accounts.models import Role
from frontline.core.actors import Actor
from frontline.sla.models import SlaPolicy
from frontline.sla.tests.conftest import berlin
from frontline.testing import factories
from frontline.tickets import services as ticket_services
from frontline.tickets.models import Priority

OFFICE = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}


@pytest.fixture
def head(db):
    return factories.make_agent(role=Role.HEAD_OF_SUPPORT, name="Hannah Head")


def test_a_ticket_carries_its_sla_targets_for_staff_only(policy, agent, team, api_as):
    with time_machine.travel(berlin(2025, 3, 7, 16, 45), tick=False):
        ticket = factories.make_ticket(team=team, priority=Priority.URGENT)
        ticket.customer = factories.make_customer(with_login=True)
    customer = ticket.customer

    with time_machine.travel(berlin(2025, 3, 7, 16, 50), tick=False):
        staff_view = api_as(agent).get(f"/api/v1/tickets/{ticket.pk}").json()
    with time_machine.travel(berlin(2025, 3, 10, 9, 50), tick=False):
        overdue = api_as(agent).get(f"/api/v1/tickets/{ticket.pk}").json()
    customer_view = api_as(customer.user).get(f"/api/v1/tickets/{ticket.pk}")

    assert staff_view["sla"][0] == {
        "target": "first_response",
        "due_at": "2025-03-10T08:45:00Z",
        "state": "active",
        "remaining_seconds": 55 * 60,
        "explanation": "due 09:45 Mon 10 Mar: 1 h business time from 16:45 Fri 7 Mar, "
        "policy Support (urgent), calendar EU Support (Europe/Berlin), "
        "closed 17:00 Fri\u201309:00 Mon",
    }
    assert [t["target"] for t in staff_view["sla"]] == ["first_response", "resolution"]
    assert overdue["sla"][0]["state"] == "breached"
    assert overdue["sla"][0]["remaining_seconds"] == -5 * 60
    assert overdue["sla"][0]["explanation"].startswith("overdue by 5 min; due 09:45 Mon")
    assert customer_view.status_code == 404


def test_a_customer_sees_no_sla_on_their_own_ticket(policy, customer, api_as):
    ticket = ticket_services.open_ticket(
        customer=customer, subject="Help", body="Please.", actor=Actor.for_customer(customer)
    )

    detail = api_as(customer.user).get(f"/api/v1/tickets/{ticket.pk}").json()

    assert detail["sla"] == []


def test_the_inbox_sorts_by_next_sla_due_and_filters_what_is_due_soon(policy, agent, team, api_as):
    with time_machine.travel(berlin(2025, 3, 4, 10), tick=False) as clock:
        normal = factories.make_ticket(team=team, priority=Priority.NORMAL, subject="normal")
        clock.move_to(berlin(2025, 3, 4, 10, 30))
        urgent = factories.make_ticket(team=team, priority=Priority.URGENT, subject="urgent")
        low = factories.make_ticket(team=team, priority=Priority.LOW, subject="no SLA for low")
        clock.move_to(berlin(2025, 3, 4, 10, 45))
        client = api_as(agent)
        first = client.get("/api/v1/tickets", order="sla_due", page_size=2).json()
        second = client.get(first["next"]).json()
        soon = client.get("/api/v1/tickets", sla_due_before="2025-03-04T11:00:00Z").json()

    assert [t["id"] for t in first["items"]] == [urgent.pk, normal.pk]
    assert [t["id"] for t in second["items"]] == [low.pk]
    assert [t["id"] for t in soon["items"]] == [urgent.pk]


def test_calendars_are_managed_through_the_api(head, api_as):
    client = api_as(head)
    body = {
        "name": "APAC",
        "time_zone": "Australia/Sydney",
        "weekly_hours": {**OFFICE, "mon": [["08:00", "12:00"], ["13:00", "17:00"]]},
        "holiday_country": "au",
        "holiday_subdivision": "nsw",
        "special_days": [{"date": "2025-12-24", "hours": [["09:00", "12:00"]], "name": "Eve"}],
    }

    created = client.post("/api/v1/sla/calendars", body)
    path = f"/api/v1/sla/calendars/{created.json()['id']}"
    changed = client.patch(path, {"weekly_hours": {"sat": [["00:00", "24:00"]]}})
    preview = client.get(f"{path}/preview", start="2025-03-07T16:45:00+11:00", minutes=60)
    listed = client.get("/api/v1/sla/calendars").json()["items"]
    deleted = client.delete(path)

    assert created.status_code == 201
    assert created.json()["weekly_hours"]["mon"] == [["08:00", "12:00"], ["13:00", "17:00"]]
    assert (created.json()["holiday_country"], created.json()["holiday_subdivision"]) == (
        "AU",
        "NSW",
    )
    assert changed.json()["weekly_hours"]["sat"] == [["00:00", "24:00"]]
    assert changed.json()["weekly_hours"]["mon"] == []
    # Only Saturday is open now: Friday 16:45 in Sydney waits for Saturday 00:00.
    assert preview.json()["due_at"] == "2025-03-07T14:00:00Z"
    assert preview.json()["explanation"] == (
        "due 01:00 Sat 8 Mar: 1 h business time from 16:45 Fri 7 Mar, calendar APAC "
        "(Australia/Sydney), closed 16:45\u201300:00"
    )
    assert "APAC" in [c["name"] for c in listed]
    assert deleted.status_code == 204
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"weekly_hours": {"mon": [["09:00", "12:00"], ["11:00", "17:00"]]}}, "weekly_hours.mon"),
        ({"weekly_hours": {"mon": [["17:00", "09:00"]]}}, "weekly_hours.mon.0"),
        ({"weekly_hours": {"mon": [["9:00", "17:00"]]}}, "weekly_hours.mon.0.0"),
        ({"weekly_hours": {}}, "weekly_hours"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"holiday_country": "XX"}, "holiday_country"),
        ({"holiday_country": "DE", "holiday_subdivision": "ZZ"}, "holiday_subdivision"),
        ({"special_days": [{"date": "2025-02-30"}]}, "special_days.0.date"),
    ],
)
def test_calendar_input_is_checked_and_the_field_named(head, api_as, body, field):
    response = api_as(head).post(
        "/api/v1/sla/calendars", {"name": "Bad", "weekly_hours": OFFICE, **body}
    )

    assert response.status_code == 422
    assert response.json()["field"] == field


def test_a_calendar_in_use_or_the_default_cannot_be_deleted(head, policy, support_hours, api_as):
    default = factories.make_calendar(name="Main", is_default=True)
    client = api_as(head)

    in_use = client.delete(f"/api/v1/sla/calendars/{support_hours.pk}")
    the_default = client.delete(f"/api/v1/sla/calendars/{default.pk}")

    assert in_use.status_code == 409
    assert in_use.json()["detail"] == "The calendar is used by the policies Support."
    assert the_default.status_code == 409


def test_policies_are_managed_through_the_api(head, support_hours, team, api_as):
    client = api_as(head)
    body = {
        "name": "Premium urgent",
        "position": 1,
        "priorities": ["urgent", "high"],
        "organisation_tiers": ["premium"],
        "customer_vip": True,
        "team_ids": [team.pk],
        "calendar_id": support_hours.pk,
        "warn_at_percent": [50, 80],
        "breach_actions": [
            {"type": "notify", "recipients": ["team"]},
            {"type": "reassign", "team_id": team.pk},
        ],
        "goals": [
            {"target": "first_response", "priority": "urgent", "minutes": 60},
            {"target": "resolution", "priority": "urgent", "minutes": 600, "business_hours": False},
        ],
    }

    created = client.post("/api/v1/sla/policies", body)
    path = f"/api/v1/sla/policies/{created.json()['id']}"
    changed = client.patch(path, {"customer_vip": None, "calendar_id": None, "is_active": False})
    listed = client.get("/api/v1/sla/policies").json()["items"]
    deleted = client.delete(path)

    assert created.status_code == 201
    policy = created.json()
    assert (policy["customer_vip"], policy["team_ids"], policy["warn_at_percent"]) == (
        True,
        [team.pk],
        [50, 80],
    )
    assert policy["goals"] == [
        {
            "target": "first_response",
            "priority": "urgent",
            "minutes": 60,
            "business_hours": True,
            "calendar_id": None,
        },
        {
            "target": "resolution",
            "priority": "urgent",
            "minutes": 600,
            "business_hours": False,
            "calendar_id": None,
        },
    ]
    assert policy["breach_actions"][1] == {"type": "reassign", "team_id": team.pk}
    assert (changed.json()["customer_vip"], changed.json()["calendar_id"]) == (None, None)
    assert changed.json()["is_active"] is False
    assert "Premium urgent" in [p["name"] for p in listed]
    assert deleted.status_code == 204
    assert not SlaPolicy.objects.filter(name="Premium urgent").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"breach_actions": [{"type": "reassign", "team_id": 999999}]}, "breach_actions.0.team_id"),
        ({"breach_actions": [{"type": "explode"}]}, "breach_actions.0"),
        (
            {"goals": [{"target": "resolution", "priority": "low", "minutes": 5}] * 2},
            "goals.1",
        ),
        ({"goals": [{"target": "resolution", "priority": "low", "minutes": 0}]}, "goals.0.minutes"),
        ({"calendar_id": 999999}, "calendar_id"),
        ({"team_ids": [999999]}, "team_ids"),
        ({"warn_at_percent": [100]}, "warn_at_percent.0"),
        ({"tags": ["not a tag!"]}, "tags.0"),
    ],
)
def test_policy_input_is_checked_and_the_field_named(head, api_as, body, field):
    response = api_as(head).post("/api/v1/sla/policies", {"name": "Bad", **body})

    assert response.status_code == 422
    assert response.json()["field"] == field


def test_a_policy_name_is_unique(head, policy, api_as):
    response = api_as(head).post("/api/v1/sla/policies", {"name": "Support"})

    assert response.status_code == 409
    assert response.json()["field"] == "name"


def test_a_tickets_sla_history_says_why(policy, agent, team, api_as):
    with time_machine.travel(berlin(2025, 3, 4, 10), tick=False) as clock:
        ticket = factories.make_ticket(team=team, priority=Priority.NORMAL)
        clock.move_to(berlin(2025, 3, 4, 10, 30))
        ticket_services.change_priority(
            ticket, priority=Priority.URGENT, actor=Actor.for_user(agent)
        )
        sla = api_as(agent).get(f"/api/v1/sla/tickets/{ticket.pk}").json()

    assert sla["policy"]["name"] == "Support"
    assert sla["reason"] == (
        "priority changed from normal to urgent by Alice Agent: "
        "policy Support applies to urgent priority"
    )
    assert sla["next_due_at"] == "2025-03-04T10:00:00Z"
    assert [c["kind"] for c in sla["history"]] == [
        "applied",
        "recomputed",
        "recomputed",
        "recomputed",
    ]
    assert sla["targets"][0]["remaining_seconds"] == 30 * 60


ENDPOINTS = [
    ("get", "/api/v1/sla/calendars", None),
    ("post", "/api/v1/sla/calendars", {"name": "X", "weekly_hours": OFFICE}),
    ("get", "/api/v1/sla/calendars/{calendar}", None),
    ("patch", "/api/v1/sla/calendars/{calendar}", {"name": "Y"}),
    ("delete", "/api/v1/sla/calendars/{calendar}", None),
    ("get", "/api/v1/sla/calendars/{calendar}/preview?start=2025-03-07T16:45:00Z&minutes=60", None),
    ("get", "/api/v1/sla/policies", None),
    ("post", "/api/v1/sla/policies", {"name": "Z"}),
    ("get", "/api/v1/sla/policies/{policy}", None),
    ("patch", "/api/v1/sla/policies/{policy}", {"name": "W"}),
    ("delete", "/api/v1/sla/policies/{policy}", None),
    ("get", "/api/v1/sla/tickets/{ticket}", None),
]
WRITES = [e for e in ENDPOINTS if e[0] != "get"]
READS = [e for e in ENDPOINTS if e[0] == "get"]


def call(client, method, path, body, *, calendar, policy, ticket):
    url = path.format(calendar=calendar.pk, policy=policy.pk, ticket=ticket.pk)
    return getattr(client, method)(url, body) if body is not None else getattr(client, method)(url)


@pytest.fixture
def objects(support_hours, team, customer):
    spare = factories.make_calendar(name="Spare")
    spare_policy = factories.make_sla_policy(name="Spare", goals=())
    ticket = factories.make_ticket(team=team, customer=customer)
    return {"calendar": spare, "policy": spare_policy, "ticket": ticket}


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_anonymous_callers_are_refused(api_as, objects, method, path, body):
    assert call(api_as(None), method, path, body, **objects).status_code == 401


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_customers_are_refused(api_as, customer, objects, method, path, body):
    response = call(api_as(customer.user), method, path, body, **objects)

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_associates_and_analysts_cannot_change_calendars_or_policies(
    api_as, agent, analyst, objects, method, path, body
):
    as_associate = call(api_as(agent), method, path, body, **objects)
    as_analyst = call(api_as(analyst), method, path, body, **objects)

    assert (as_associate.status_code, as_analyst.status_code) == (403, 403)


@pytest.mark.parametrize(("method", "path", "body"), READS)
def test_staff_read_calendars_policies_and_sla_state(api_as, analyst, objects, method, path, body):
    assert call(api_as(analyst), method, path, body, **objects).status_code == 200


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_the_head_of_support_changes_them(api_as, head, objects, method, path, body):
    response = call(api_as(head), method, path, body, **objects)

    assert response.status_code in (200, 201, 204)


def test_a_ticket_the_agent_cannot_see_has_no_sla_for_them(api_as, outsider, objects):
    response = api_as(outsider).get(f"/api/v1/sla/tickets/{objects['ticket'].pk}")

    assert response.status_code == 404


def test_policies_page_in_the_order_they_are_tried(api_as, head):
    shipped = SlaPolicy.objects.count()
    factories.make_sla_policy(name="Tried last", goals=(), position=900)
    factories.make_sla_policy(name="Tried first", goals=(), position=0)
    client = api_as(head)

    first = client.get("/api/v1/sla/policies", page_size=1).json()
    names = [p["name"] for p in first["items"]]
    page = first
    while page["next"]:
        page = client.get(page["next"]).json()
        names += [p["name"] for p in page["items"]]

    assert len(names) == shipped + 2
    assert names[0] == "Tried first"
    assert names[-1] == "Tried last"
    positions = [SlaPolicy.objects.get(name=n).position for n in names]
    assert positions == sorted(positions)


def test_calendars_page(api_as, head):
    for name in ("Berlin", "Sydney", "Austin"):
        factories.make_calendar(name=name)
    client = api_as(head)

    first = client.get("/api/v1/sla/calendars", page_size=2).json()
    second = client.get(first["next"]).json()

    names = [c["name"] for c in first["items"] + second["items"]]
    assert names[-3:] == ["Berlin", "Sydney", "Austin"]
    assert len(first["items"]) == 2
