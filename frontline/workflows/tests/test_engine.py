import pytest

from frontline.core.actors import Actor
from frontline.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from frontline.testing import factories
from frontline.testing.http_server import LocalHttpServer
from frontline.tickets.models import EventType, Priority, Ticket
from frontline.tickets.queries import tags_and_collaborators
from frontline.workflows import engine
from frontline.workflows.engine import Reply
from frontline.workflows.models import Outcome, RunStatus
from frontline.workflows.tests.helpers import ORDER, REFUND, make_integration, make_workflow

pytestmark = pytest.mark.django_db


def summaries(ticket):
    events = ticket.events.filter(type=EventType.WORKFLOW_STEP).order_by("id")
    return [e.data["summary"] for e in events]


def test_an_agent_walks_a_branch_and_the_actions_run_on_the_ticket(agent, team, customer):
    ticket = factories.make_ticket(team=team, customer=customer)
    actor = Actor.for_user(agent)
    run = engine.begin(make_workflow(REFUND), actor=actor, ticket=ticket)

    run = engine.answer(run, step_id="age", reply=Reply(choice=1), actor=actor)
    run = engine.answer(run, step_id="check", reply=Reply(), actor=actor)
    run = engine.answer(run, step_id="act", reply=Reply(confirm=True), actor=actor)

    ticket.refresh_from_db()
    assert (run.status, run.outcome) == (RunStatus.COMPLETED, Outcome.ACTIONS_RUN)
    assert run.path == ["age", "check", "act"]
    assert ticket.priority == Priority.HIGH
    assert tags_and_collaborators(ticket)[0] == ["refund"]
    linked = Ticket.objects.get(follow_up_of=ticket)
    assert "Q: Is the order older than 30 days?\nA: No" in linked.messages.get().body_text
    assert run.results == [
        "Set priority high; tags + refund.",
        f"Opened linked ticket #{linked.number}.",
    ]
    assert summaries(ticket) == [
        "started workflow 'Refund request'",
        "workflow 'Refund request': answered “Is the order older than 30 days?” — No",
        "workflow 'Refund request': followed “Check the order”",
        f"finished workflow 'Refund request': Set priority high; tags + refund.; "
        f"Opened linked ticket #{linked.number}.",
    ]
    event = ticket.events.filter(type=EventType.WORKFLOW_STEP).order_by("id")[1]
    assert (event.data["run_id"], event.data["step_id"]) == (run.pk, "age")


def test_a_second_click_on_an_answered_step_is_a_conflict(agent, team):
    ticket = factories.make_ticket(team=team)
    actor = Actor.for_user(agent)
    run = engine.begin(make_workflow(REFUND), actor=actor, ticket=ticket)
    engine.answer(run, step_id="age", reply=Reply(choice=1), actor=actor)

    with pytest.raises(Conflict):
        engine.answer(run, step_id="age", reply=Reply(choice=0), actor=actor)


def test_back_and_abandon_are_recorded_where_the_agent_left(agent, team):
    ticket = factories.make_ticket(team=team)
    actor = Actor.for_user(agent)
    run = engine.begin(make_workflow(REFUND), actor=actor, ticket=ticket)
    run = engine.answer(run, step_id="age", reply=Reply(choice=1), actor=actor)

    run = engine.go_back(run, actor=actor)
    assert run.current_step == "age"
    run = engine.abandon_run(run, actor=actor)

    assert run.status == RunStatus.ABANDONED
    assert summaries(ticket)[-2:] == [
        "workflow 'Refund request': went back to “Is the order older than 30 days?”",
        "left workflow 'Refund request' at “Is the order older than 30 days?”",
    ]


def test_only_agents_who_may_work_the_ticket_run_workflows(outsider, analyst, team, customer):
    ticket = factories.make_ticket(team=team, customer=customer)
    workflow = make_workflow(REFUND)

    with pytest.raises(PermissionDenied):
        engine.begin(workflow, actor=Actor.for_user(outsider), ticket=ticket)
    with pytest.raises(PermissionDenied):
        engine.begin(workflow, actor=Actor.for_user(analyst), ticket=ticket)
    with pytest.raises(NotFound):  # agent-only: not offered to customers
        engine.begin(workflow, actor=Actor.for_customer(customer))


def test_a_question_with_an_input_checks_it(customer):
    make_integration("http://127.0.0.1:9")
    actor = Actor.for_customer(customer)
    run = engine.begin(
        make_workflow(ORDER, name="Where is my order?", self_service=True), actor=actor
    )

    with pytest.raises(ValidationFailed) as caught:
        engine.answer(run, step_id="number", reply=Reply(value="10 01; drop"), actor=actor)

    assert caught.value.field == "value"
    run.refresh_from_db()
    assert run.current_step == "number"


def test_a_lookup_that_finds_the_order_answers_and_the_customer_is_done(customer):
    order = {"status": "shipped", "carrier": "DHL"}
    with LocalHttpServer(routes={"/orders/1001": order}) as server:
        make_integration(server.url("/"))
        actor = Actor.for_customer(customer)
        workflow = make_workflow(ORDER, name="Where is my order?", self_service=True)
        run = engine.begin(workflow, actor=actor)
        run = engine.answer(run, step_id="number", reply=Reply(value="1001"), actor=actor)

    assert run.current_step == "status"
    assert server.requests[0].path == "/orders/1001"
    assert server.requests[0].headers["X-Key"] == "s3cret"
    assert engine.context(run)["lookup"]["status"] == "shipped"
    run = engine.answer(run, step_id="status", reply=Reply(helped=True), actor=actor)
    assert (run.status, run.outcome, run.opened_ticket) == (
        RunStatus.COMPLETED, Outcome.RESOLVED, None,
    )  # fmt: skip


def test_an_answer_that_did_not_help_opens_a_ticket_with_the_answers(customer):
    with LocalHttpServer(routes={"/orders/1001": {"status": "shipped"}}) as server:
        make_integration(server.url("/"))
        actor = Actor.for_customer(customer)
        run = engine.begin(make_workflow(ORDER, self_service=True), actor=actor)
        run = engine.answer(run, step_id="number", reply=Reply(value="1001"), actor=actor)

    run = engine.answer(run, step_id="status", reply=Reply(helped=False), actor=actor)

    ticket = run.opened_ticket
    assert ticket is not None
    assert run.outcome == Outcome.TICKET_OPENED
    assert (ticket.customer, ticket.channel, ticket.subject) == (
        customer,
        "portal",
        "Refund request",
    )
    body = ticket.messages.get().body_text
    assert "Q: What is your order number?\nA: 1001" in body
    assert "Looked up found: found — status: shipped" in body


def test_an_order_not_found_takes_the_not_found_branch(customer):
    with LocalHttpServer(default_status=404) as server:
        make_integration(server.url("/"))
        actor = Actor.for_customer(customer)
        run = engine.begin(make_workflow(ORDER, self_service=True), actor=actor)
        run = engine.answer(run, step_id="number", reply=Reply(value="9999"), actor=actor)

    assert run.current_step == "missing"
    assert engine.context(run)["lookup"]["error"] == "Nothing was found for that."
    run = engine.answer(run, step_id="missing", reply=Reply(confirm=True), actor=actor)
    assert run.opened_ticket is not None
    assert run.opened_ticket.subject == "Order 9999"


def test_a_network_error_takes_the_not_found_branch_with_the_reason(customer):
    with LocalHttpServer() as server:
        url = server.url("/")
    make_integration(url)  # the server is gone: connection refused
    actor = Actor.for_customer(customer)
    run = engine.begin(make_workflow(ORDER, self_service=True), actor=actor)

    run = engine.answer(run, step_id="number", reply=Reply(value="1001"), actor=actor)

    assert run.current_step == "missing"
    assert engine.context(run)["lookup"]["error"].startswith("Shop could not be reached (")


def test_a_server_error_is_not_found_with_its_status(customer):
    with LocalHttpServer(default_status=503) as server:
        make_integration(server.url("/"))
        actor = Actor.for_customer(customer)
        run = engine.begin(make_workflow(ORDER, self_service=True), actor=actor)
        run = engine.answer(run, step_id="number", reply=Reply(value="1001"), actor=actor)

    assert engine.context(run)["lookup"]["error"] == "Shop could not be reached (HTTP 503)."


def test_a_customer_cannot_walk_another_customers_run(customer, other_customer):
    make_integration("http://127.0.0.1:9")
    run = engine.begin(make_workflow(ORDER, self_service=True), actor=Actor.for_customer(customer))

    with pytest.raises(NotFound):
        engine.answer(
            run, step_id="number", reply=Reply(value="1"), actor=Actor.for_customer(other_customer)
        )
