"""Time-based rules through the API, and who may manage them."""

import pytest
import time_machine

from frontline.accounts.models import Role
from frontline.automation import tasks
from frontline.automation.tests.test_time_rules import berlin
from frontline.core.actors import Actor
from frontline.testing import factories
from frontline.testing.worker import running_worker
from frontline.tickets import services as ticket_services
from frontline.tickets.models import Status, Ticket

CLOSE = [{"type": "set_status", "status": "closed"}]
RULE = {
    "name": "Close solved",
    "statuses": ["solved"],
    "amount": 4,
    "unit": "days",
    "actions": CLOSE,
}


@pytest.fixture
def head(db):
    return factories.make_agent(role=Role.HEAD_OF_SUPPORT)


def test_rules_are_managed_through_the_api(head, team, support_hours, api_as):
    client = api_as(head)

    created = client.post(
        "/api/v1/automation/time-rules",
        {**RULE, "team_ids": [team.pk], "calendar_id": support_hours.pk, "unit": "business_days"},
    )
    path = f"/api/v1/automation/time-rules/{created.json()['id']}"
    changed = client.patch(path, {"calendar_id": None, "amount": 7, "is_active": False})
    listed = client.get("/api/v1/automation/time-rules").json()["items"]
    deleted = client.delete(path)

    assert created.status_code == 201
    assert created.json()["team_ids"] == [team.pk]
    assert created.json()["actions"] == CLOSE
    assert (changed.json()["calendar_id"], changed.json()["amount"]) == (None, 7)
    assert [r["name"] for r in listed] == ["Close solved"]
    assert deleted.status_code == 204
    assert client.get(path).status_code == 404


def test_a_rule_needs_an_action_and_a_known_status(head, api_as):
    no_action = api_as(head).post("/api/v1/automation/time-rules", {**RULE, "actions": []})
    bad_status = api_as(head).post("/api/v1/automation/time-rules", {**RULE, "statuses": ["x"]})

    assert (no_action.status_code, no_action.json()["field"]) == (422, "actions")
    assert (bad_status.status_code, bad_status.json()["field"]) == (422, "statuses.0")


ENDPOINTS = [
    ("get", "/api/v1/automation/time-rules", None),
    ("post", "/api/v1/automation/time-rules", RULE),
    ("get", "/api/v1/automation/time-rules/{rule}", None),
    ("patch", "/api/v1/automation/time-rules/{rule}", {"amount": 2}),
    ("delete", "/api/v1/automation/time-rules/{rule}", None),
]


@pytest.fixture
def rule(db):
    return factories.make_time_rule(name="Existing", statuses=("pending",), amount=3, actions=CLOSE)


def call(client, method, path, body, rule):
    url = path.format(rule=rule.pk)
    return getattr(client, method)(url, body) if body is not None else getattr(client, method)(url)


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_anonymous_and_customers_are_refused(api_as, customer, rule, method, path, body):
    assert call(api_as(None), method, path, body, rule).status_code == 401
    assert call(api_as(customer.user), method, path, body, rule).status_code == 403


@pytest.mark.parametrize(("method", "path", "body"), [e for e in ENDPOINTS if e[0] != "get"])
def test_associates_and_analysts_cannot_change_rules(
    api_as, agent, analyst, rule, method, path, body
):
    assert call(api_as(agent), method, path, body, rule).status_code == 403
    assert call(api_as(analyst), method, path, body, rule).status_code == 403


@pytest.mark.parametrize(("method", "path", "body"), [e for e in ENDPOINTS if e[0] == "get"])
def test_staff_read_rules(api_as, analyst, rule, method, path, body):
    assert call(api_as(analyst), method, path, body, rule).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_rules(agent, team, job_queue):
    factories.make_time_rule(statuses=("solved",), amount=4, actions=CLOSE)
    with time_machine.travel(berlin(2025, 3, 4, 10), tick=False):
        ticket = factories.make_ticket(team=team)
        ticket_services.change_status(ticket, status=Status.SOLVED, actor=Actor.for_user(agent))

    with (
        time_machine.travel(berlin(2025, 3, 8, 10, 5), tick=False),
        running_worker(job_queue, consumers=2),
    ):
        outcomes = [tasks.run_time_rules_now() for _ in range(3)]
        fired = [outcome.get(blocking=True, timeout=30)["fired"] for outcome in outcomes]

    assert sum(fired) == 1
    assert Ticket.objects.get(pk=ticket.pk).status == "closed"


def test_rules_page_in_the_order_they_run(api_as, head):
    """By position, and rules of one position in the order they were made."""
    for name, position in (("Late", 9), ("Early", 0), ("Also early", 0)):
        factories.make_time_rule(
            name=name, statuses=("pending",), amount=3, actions=CLOSE, position=position
        )
    client = api_as(head)

    first = client.get("/api/v1/automation/time-rules", page_size=2).json()
    second = client.get(first["next"]).json()

    assert [r["name"] for r in first["items"]] == ["Early", "Also early"]
    assert ([r["name"] for r in second["items"]], second["next"]) == (["Late"], None)
