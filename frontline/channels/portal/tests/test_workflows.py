import pytest
from django.test import Client
from django.urls import reverse

from frontline.testing.http_server import LocalHttpServer
from frontline.workflows.models import Outcome, RunStatus, WorkflowRun
from frontline.workflows.tests.helpers import ORDER, REFUND, make_integration, make_workflow

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_visitors_see_self_service_workflows_and_sign_in_to_start(client):
    make_integration("http://127.0.0.1:9")
    make_workflow(ORDER, name="Where is my order?", self_service=True, for_agents=False)
    make_workflow(REFUND, name="Agents only")

    home = client.get(reverse("help:home")).content.decode()
    page = client.get(reverse("portal:workflow", args=["where-is-my-order"])).content.decode()
    start = client.post(reverse("portal:workflow-start", args=["where-is-my-order"]))

    assert "Get help with…" in home
    assert "Where is my order?" in home
    assert "Agents only" not in home
    assert "Sign in to start" in page
    assert start.status_code == 302
    assert start["Location"].startswith(reverse("portal:sign-in"))
    assert not WorkflowRun.objects.exists()


def test_a_customer_finds_their_order_and_is_done(customer):
    with LocalHttpServer(routes={"/orders/1001": {"status": "shipped"}}) as server:
        make_integration(server.url("/"))
        make_workflow(ORDER, name="Where is my order?", self_service=True, for_agents=False)
        client = signed_in(customer.user)
        started = client.post(reverse("portal:workflow-start", args=["where-is-my-order"]))
        run = WorkflowRun.objects.get()
        step_url = reverse("portal:workflow-step", args=[run.pk])
        client.post(step_url, {"step": "number", "value": "1001"})

    page = client.get(started["Location"]).content.decode()
    done = client.post(step_url, {"step": "status", "helped": "yes"}, follow=True)

    assert "Order 1001 is <strong>shipped</strong>." in page
    assert "Glad we could help." in done.content.decode()
    run.refresh_from_db()
    assert (run.customer, run.status, run.outcome) == (
        customer,
        RunStatus.COMPLETED,
        Outcome.RESOLVED,
    )


def test_no_contact_support_opens_a_ticket_with_the_answers(customer):
    with LocalHttpServer(routes={"/orders/1001": {"status": "shipped"}}) as server:
        make_integration(server.url("/"))
        make_workflow(ORDER, name="Where is my order?", self_service=True)
        client = signed_in(customer.user)
        client.post(reverse("portal:workflow-start", args=["where-is-my-order"]))
        run = WorkflowRun.objects.get()
        step_url = reverse("portal:workflow-step", args=[run.pk])
        client.post(step_url, {"step": "number", "value": "1001"})

    answered = client.post(step_url, {"step": "status", "helped": "no"}, follow=True)

    run.refresh_from_db()
    ticket = run.opened_ticket
    assert ticket is not None
    assert ticket.customer == customer
    assert f"we received your request as #{ticket.number}" in answered.content.decode()
    assert "A: 1001" in ticket.messages.get().body_text


def test_a_bad_order_number_is_shown_and_loses_nothing(customer):
    make_integration("http://127.0.0.1:9")
    make_workflow(ORDER, name="Where is my order?", self_service=True)
    client = signed_in(customer.user)
    client.post(reverse("portal:workflow-start", args=["where-is-my-order"]))
    run = WorkflowRun.objects.get()

    answered = client.post(
        reverse("portal:workflow-step", args=[run.pk]), {"step": "number", "value": "<x>"}
    )

    assert answered.status_code == 422
    assert "An order number is letters, digits and dashes" in answered.content.decode()
    run.refresh_from_db()
    assert run.current_step == "number"


def test_customers_cannot_run_agent_only_workflows(customer):
    make_workflow(REFUND, name="Agents only")
    client = signed_in(customer.user)

    assert client.get(reverse("portal:workflow", args=["agents-only"])).status_code == 404
    assert client.post(reverse("portal:workflow-start", args=["agents-only"])).status_code == 404
    assert not WorkflowRun.objects.exists()


def test_a_customer_cannot_see_or_answer_another_customers_run(customer, other_customer):
    make_integration("http://127.0.0.1:9")
    make_workflow(ORDER, name="Where is my order?", self_service=True)
    signed_in(customer.user).post(reverse("portal:workflow-start", args=["where-is-my-order"]))
    run = WorkflowRun.objects.get()
    other = signed_in(other_customer.user)

    page = other.get(reverse("portal:workflow-run", args=[run.pk]))
    answer = other.post(
        reverse("portal:workflow-step", args=[run.pk]), {"step": "number", "value": "1001"}
    )

    assert (page.status_code, answer.status_code) == (404, 404)
    run.refresh_from_db()
    assert run.current_step == "number"


def test_staff_cannot_use_the_portals_runs(agent, customer):
    make_integration("http://127.0.0.1:9")
    make_workflow(ORDER, name="Where is my order?", self_service=True)
    signed_in(customer.user).post(reverse("portal:workflow-start", args=["where-is-my-order"]))
    run = WorkflowRun.objects.get()

    assert signed_in(agent).get(reverse("portal:workflow-run", args=[run.pk])).status_code == 403
