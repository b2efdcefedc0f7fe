"""Triggers through /api/v1/triggers, and who may manage them."""

import pytest

from frontline.accounts.models import Role
from frontline.testing import factories

VIP_TAG = {
    "name": "VIP tag",
    "events": ["created"],
    "conditions": {"field": "customer.is_vip", "op": "eq", "value": True},
    "actions": [{"type": "add_tags", "tags": ["vip"]}],
}


@pytest.fixture
def head(db):
    return factories.make_agent(role=Role.HEAD_OF_SUPPORT)


def test_triggers_are_managed_through_the_api_in_order(head, api_as):
    client = api_as(head)

    first = client.post("/api/v1/triggers", VIP_TAG)
    second = client.post("/api/v1/triggers", {**VIP_TAG, "name": "Urgent first", "position": 0})
    path = f"/api/v1/triggers/{first.json()['id']}"
    changed = client.patch(path, {"is_active": False, "conditions": {}})
    listed = client.get("/api/v1/triggers").json()["items"]
    deleted = client.delete(path)

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["actions"] == VIP_TAG["actions"]
    assert (changed.json()["is_active"], changed.json()["conditions"]) == (False, {"all": []})
    assert [t["name"] for t in listed] == ["Urgent first", "VIP tag"]
    assert deleted.status_code == 204
    assert client.get(path).status_code == 404


def test_bad_triggers_are_refused_with_the_field(head, api_as):
    client = api_as(head)

    unknown_fact = client.post(
        "/api/v1/triggers", {**VIP_TAG, "conditions": {"field": "x", "op": "eq", "value": 1}}
    )
    no_team = client.post(
        "/api/v1/triggers", {**VIP_TAG, "actions": [{"type": "set_team", "team_id": 9999}]}
    )
    no_event = client.post("/api/v1/triggers", {**VIP_TAG, "events": []})

    assert (unknown_fact.status_code, unknown_fact.json()["field"]) == (422, "conditions.field")
    assert (no_team.status_code, no_team.json()["field"]) == (422, "actions.0.team_id")
    assert no_event.status_code == 422


def test_a_dry_run_names_the_recent_tickets_that_match(head, api_as):
    client = api_as(head)
    vip = factories.make_ticket(customer=factories.make_customer(is_vip=True), subject="VIP")
    factories.make_ticket()
    created = client.post("/api/v1/triggers", VIP_TAG).json()

    result = client.post(f"/api/v1/triggers/{created['id']}/dry-run", {"last": 10})
    too_many = client.post(f"/api/v1/triggers/{created['id']}/dry-run", {"last": 5000})

    assert result.json() == {
        "checked": 2,
        "matched": [{"id": vip.pk, "number": vip.number, "subject": "VIP"}],
        "count": 1,
    }
    assert too_many.status_code == 422


@pytest.mark.parametrize("who", ["agent", "supervisor", "analyst", "customer"])
def test_only_configurators_see_or_change_triggers(who, request, api_as, head):
    trigger = factories.make_trigger(events=["created"], actions=[{"type": "route"}])
    person = request.getfixturevalue(who)
    client = api_as(person.user if who == "customer" else person)

    assert client.get("/api/v1/triggers").status_code == 403
    assert client.post("/api/v1/triggers", VIP_TAG).status_code == 403
    assert client.patch(f"/api/v1/triggers/{trigger.pk}", {"name": "x"}).status_code == 403
    assert client.delete(f"/api/v1/triggers/{trigger.pk}").status_code == 403
    assert client.post(f"/api/v1/triggers/{trigger.pk}/dry-run", {}).status_code == 403
