import pytest
from django.test import Client
from django.urls import reverse

from frontline.core.actors import Actor
from frontline.testing import factories
from frontline.tickets.models import EventType, Priority
from frontline.workflows import engine
from frontline.workflows.models import RunStatus, WorkflowRun
from frontline.workflows.tests.helpers import REFUND, make_workflow

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_ticket_page_loads_the_panel_which_offers_active_workflows(agent, team):
    ticket = factories.make_ticket(team=team)
    make_workflow(REFUND)
    make_workflow(REFUND, name="Self-service only", self_service=True, for_agents=False)
    client = signed_in(agent)

    page = client.get(reverse("tickets:ticket", args=[ticket.number]))
    panel = client.get(reverse("workflows:ticket-panel", args=[ticket.number]), headers=HX)

    assert reverse("workflows:ticket-panel", args=[ticket.number]) in page.content.decode()
    assert ">Refund request</option>" in panel.content.decode()
    assert "Self-service only" not in panel.content.decode()


def test_an_agent_walks_a_workflow_in_the_panel(agent, team):
    ticket = factories.make_ticket(team=team)
    workflow = make_workflow(REFUND)
    client = signed_in(agent)

    started = client.post(
        reverse("workflows:start", args=[ticket.number]), {"workflow": workflow.pk}, headers=HX
    )
    run = WorkflowRun.objects.get()
    step_url = reverse("workflows:step", args=[run.pk])
    client.post(step_url, {"step": "age", "choice": "1"}, headers=HX)
    client.post(step_url, {"step": "check"}, headers=HX)
    done = client.post(step_url, {"step": "act", "confirm": "1"}, headers=HX)

    assert "Is the order older than 30 days?" in started.content.decode()
    assert "Set priority high; tags + refund." in done.content.decode()
    ticket.refresh_from_db()
    assert ticket.priority == Priority.HIGH
    assert ticket.events.filter(type=EventType.WORKFLOW_STEP).count() == 4
    timeline = client.get(reverse("tickets:ticket", args=[ticket.number])).content.decode()
    assert "answered “Is the order older than 30 days?” — No" in timeline


def test_a_wrong_answer_is_shown_in_the_panel_and_changes_nothing(agent, team):
    ticket = factories.make_ticket(team=team)
    run = engine.begin(make_workflow(REFUND), actor=Actor.for_user(agent), ticket=ticket)

    answered = signed_in(agent).post(
        reverse("workflows:step", args=[run.pk]), {"step": "age", "choice": "7"}, headers=HX
    )

    assert "Choose one of the answers." in answered.content.decode()
    run.refresh_from_db()
    assert run.current_step == "age"


def test_agents_of_other_teams_and_analysts_cannot_walk_a_run(agent, outsider, analyst, team):
    ticket = factories.make_ticket(team=team)
    workflow = make_workflow(REFUND)
    run = engine.begin(workflow, actor=Actor.for_user(agent), ticket=ticket)
    step_url = reverse("workflows:step", args=[run.pk])

    assert (
        signed_in(outsider)
        .get(reverse("workflows:ticket-panel", args=[ticket.number]), headers=HX)
        .status_code
        == 404
    )
    assert signed_in(outsider).post(step_url, {"step": "age", "choice": "0"}).status_code == 404
    assert signed_in(analyst).post(step_url, {"step": "age", "choice": "0"}).status_code == 403
    assert (
        signed_in(analyst).post(reverse("workflows:abandon", args=[run.pk]), headers=HX).status_code
        == 403
    )
    run.refresh_from_db()
    assert (run.current_step, run.status) == ("age", RunStatus.ACTIVE)


def test_customers_cannot_use_the_agent_panel(customer, team, agent):
    ticket = factories.make_ticket(team=team, customer=customer)
    workflow = make_workflow(REFUND)
    client = signed_in(customer.user)

    panel = client.get(reverse("workflows:ticket-panel", args=[ticket.number]), headers=HX)
    start = client.post(reverse("workflows:start", args=[ticket.number]), {"workflow": workflow.pk})

    assert (panel.status_code, start.status_code) == (403, 403)
    assert not WorkflowRun.objects.exists()


def test_the_panel_reads_a_fixed_number_of_queries(agent, team, django_assert_num_queries):
    ticket = factories.make_ticket(team=team)
    for n in range(5):
        make_workflow(REFUND, name=f"Workflow {n}")
    client = signed_in(agent)
    url = reverse("workflows:ticket-panel", args=[ticket.number])
    client.get(url, headers=HX)

    # session, user, ticket, the agent's teams, the ticket's runs, the workflows
    with django_assert_num_queries(6):
        client.get(url, headers=HX)


def test_the_panel_of_a_run_in_progress_reads_a_fixed_number_of_queries(
    agent, team, django_assert_num_queries
):
    ticket = factories.make_ticket(team=team)
    run = engine.begin(make_workflow(REFUND), actor=Actor.for_user(agent), ticket=ticket)
    engine.answer(run, step_id="age", reply=engine.Reply(choice=0), actor=Actor.for_user(agent))
    client = signed_in(agent)
    url = reverse("workflows:ticket-panel", args=[ticket.number])

    # session, user, ticket, the agent's teams, the ticket's runs, the article link
    with django_assert_num_queries(6):
        response = client.get(url, headers=HX)

    assert "See" in response.content.decode()
