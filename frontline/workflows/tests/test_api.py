import copy

import pytest
import time_machine

from frontline.core.actors import Actor
from frontline.testing import factories
from frontline.tickets.models import EventType
from frontline.workflows import engine
from frontline.workflows.models import Workflow
from frontline.workflows.tests.helpers import REFUND, make_workflow

pytestmark = pytest.mark.django_db
V1 = "/api/v1"


def test_an_admin_creates_reads_changes_and_deletes_a_workflow(api_as, admin_user, agent):
    admin = api_as(admin_user)
    reworded = copy.deepcopy(REFUND)
    reworded["steps"]["decline"]["text"] = "Sorry: 30 days is the limit."

    created = admin.post(f"{V1}/workflows", {"name": "Refund request", "definition": REFUND})
    workflow_id = created.json()["id"]
    changed = admin.patch(
        f"{V1}/workflows/{workflow_id}",
        {"definition": reworded, "self_service": True},
    )
    listed = api_as(agent).get(f"{V1}/workflows")
    deleted = admin.delete(f"{V1}/workflows/{workflow_id}")

    assert created.status_code == 201
    assert created.json()["slug"] == "refund-request"
    assert (changed.json()["version"], changed.json()["self_service"]) == (2, True)
    assert [w["name"] for w in listed.json()["items"]] == ["Refund request"]
    assert deleted.status_code == 204
    assert not Workflow.objects.exists()


def test_an_invalid_definition_is_a_422_naming_the_path(api_as, admin_user):
    broken = copy.deepcopy(REFUND)
    broken["steps"]["age"]["options"][1]["next"] = "x"

    response = api_as(admin_user).post(f"{V1}/workflows", {"name": "R", "definition": broken})

    assert response.status_code == 422
    assert response.json() == {
        "detail": 'steps.age.options[1].next: no step "x"',
        "code": "validation_error",
        "field": "steps.age.options[1].next",
    }
    assert not Workflow.objects.exists()


def test_a_client_drives_a_run_on_a_ticket(api_as, agent, team):
    ticket = factories.make_ticket(team=team)
    workflow = make_workflow(REFUND)
    client = api_as(agent)

    started = client.post(f"{V1}/tickets/{ticket.pk}/workflows/{workflow.pk}/runs")
    run_id = started.json()["id"]
    answered = client.post(f"{V1}/workflow-runs/{run_id}/answer", {"step": "age", "choice": 0})
    again = client.post(f"{V1}/workflow-runs/{run_id}/answer", {"step": "age", "choice": 0})
    done = client.post(f"{V1}/workflow-runs/{run_id}/answer", {"step": "decline", "confirm": True})

    assert started.status_code == 201
    assert started.json()["step"]["options"] == ["Yes", "No"]
    assert answered.json()["step"]["kind"] == "answer"
    assert again.status_code == 409
    assert (done.json()["status"], done.json()["outcome"]) == ("completed", "answered")
    assert ticket.events.filter(type=EventType.WORKFLOW_STEP).count() == 3


def test_the_report_counts_where_runs_were_left(api_as, agent, supervisor, team):
    workflow = make_workflow(REFUND)
    actor = Actor.for_user(agent)
    for _ in range(2):
        run = engine.begin(workflow, actor=actor, ticket=factories.make_ticket(team=team))
        run = engine.answer(run, step_id="age", reply=engine.Reply(choice=1), actor=actor)
        engine.abandon_run(run, actor=actor)
    run = engine.begin(workflow, actor=actor, ticket=factories.make_ticket(team=team))
    engine.answer(run, step_id="age", reply=engine.Reply(choice=0), actor=actor)

    report = api_as(supervisor).get(f"{V1}/workflows/{workflow.pk}/report").json()

    assert (report["started"], report["completed"], report["abandoned"]) == (3, 0, 2)
    assert {s["step_id"]: s["left_here"] for s in report["steps"]} == {
        "age": 0, "decline": 0, "check": 2, "act": 0,
    }  # fmt: skip


def test_a_run_without_a_step_for_a_day_counts_as_abandoned_where_it_stands(
    api_as, agent, supervisor, team
):
    workflow = make_workflow(REFUND)
    actor = Actor.for_user(agent)
    with time_machine.travel("2026-03-01 09:00Z", tick=False):
        run = engine.begin(workflow, actor=actor, ticket=factories.make_ticket(team=team))
        engine.answer(run, step_id="age", reply=engine.Reply(choice=1), actor=actor)
    client = api_as(supervisor)

    with time_machine.travel("2026-03-02 08:59Z", tick=False):
        day_later = client.get(f"{V1}/workflows/{workflow.pk}/report").json()
    with time_machine.travel("2026-03-02 09:01Z", tick=False):
        past_a_day = client.get(f"{V1}/workflows/{workflow.pk}/report").json()

    assert (day_later["abandoned"], day_later["active"]) == (0, 1)
    assert (past_a_day["abandoned"], past_a_day["active"]) == (1, 0)
    assert {s["step_id"]: s["left_here"] for s in past_a_day["steps"]}["check"] == 1
