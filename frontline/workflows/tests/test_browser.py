"""End to end in Chromium: an agent walks a guided workflow in the ticket page's side
panel and its actions change the ticket; a customer on a phone asks "Where is my order?"
on the portal, which looks the order up on the demo shop of the same server, then hands
over to support with the answers."""

import re
import threading
from collections.abc import Callable
from typing import Any

import pytest

from frontline.core.actors import Actor
from frontline.testing import factories
from frontline.testing.browser import screenshot
from frontline.tickets.models import Priority, Ticket
from frontline.workflows import services
from frontline.workflows.demo import DEMO_SHOP, _order_status
from frontline.workflows.models import WorkflowRun
from frontline.workflows.tests.helpers import REFUND, make_workflow

pytestmark = pytest.mark.slow
PASSWORD = "correct horse battery"


def _outside_the_browsers_loop(make: Callable[[], Any]) -> Any:
    """Playwright's loop runs in this thread, where a ticket's live broadcast may not."""
    made: list[Any] = []
    worker = threading.Thread(target=lambda: made.append(make()))
    worker.start()
    worker.join()
    return made[0]


def test_an_agent_walks_a_workflow_from_the_ticket_page(agent, team, customer, tmp_path, new_page):
    ticket: Ticket = _outside_the_browsers_loop(
        lambda: factories.make_ticket(team=team, customer=customer, subject="Refund please")
    )
    make_workflow(REFUND)
    page = new_page()
    page.goto("/accounts/sign-in/")
    page.get_by_label("Email address").fill(agent.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/inbox/"))
    page.goto(f"/tickets/{ticket.number}/")

    panel = page.locator("#workflow-panel")
    panel.get_by_label("Start a workflow").select_option(label="Refund request")
    panel.get_by_role("button", name="Start").click()
    panel.get_by_text("Is the order older than 30 days?").wait_for()
    panel.get_by_role("button", name="No").click()
    panel.get_by_text("Open the order in the shop admin.").wait_for()
    panel.get_by_role("button", name="Done, next step").click()
    panel.get_by_text("Set priority to high, tags to refund").wait_for()
    panel.get_by_role("button", name="Run these actions").click()
    panel.get_by_text("Set priority high; tags + refund.").wait_for()
    screenshot(page, "workflow-ticket-panel", tmp_path)

    ticket.refresh_from_db()
    assert ticket.priority == Priority.HIGH
    assert WorkflowRun.objects.get().path == ["age", "check", "act"]
    assert page.errors == []


def test_a_customer_asks_where_their_order_is_on_a_phone(customer, admin_user, tmp_path, new_page):
    actor = Actor.for_user(admin_user)
    services.save_integration(fields=DEMO_SHOP, actor=actor)  # this server's demo shop
    fields = services.WorkflowFields(
        name="Where is my order?", definition=_order_status(), self_service=True
    )
    services.create_workflow(fields=fields, actor=actor)
    page = new_page(width=390, height=844)
    page.goto("/help/")
    page.get_by_role("link", name="Where is my order?").click()
    page.get_by_role("link", name="Sign in to start").click()
    page.get_by_text("Sign in with a password instead").click()
    page.locator("#pw-email").fill(customer.user.email)
    page.locator("#pw-password").fill(PASSWORD)
    page.locator("form:has(#pw-password) button[type=submit]").click()
    page.get_by_role("button", name="Start").click()  # back where they were

    page.get_by_label("Your answer").fill("1001")
    page.get_by_role("button", name="Continue").click()
    page.get_by_text("is shipped").wait_for()
    assert "JD0146000031" in page.locator(".workflow-text").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    screenshot(page, "workflow-portal-order", tmp_path)
    page.get_by_role("button", name="No, contact support").click()
    page.get_by_text("we received your request as").wait_for()

    ticket = Ticket.objects.get(customer=customer)
    assert ticket.subject == "Where is my order?"
    assert "A: 1001" in ticket.messages.get().body_text
    assert page.errors == []


def test_an_admin_fixes_a_step_the_editor_refused(admin_user, tmp_path, new_page):
    workflow = make_workflow(REFUND)
    page = new_page()
    page.goto("/accounts/sign-in/")
    page.get_by_label("Email address").fill(admin_user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/inbox/"))
    page.get_by_role("link", name="Workflows").click()
    page.get_by_role("link", name="Refund request").click()
    page.get_by_role("link", name="Edit").click()

    row = page.locator('[data-step-row="age"]')
    row.get_by_label("Options (Label -> next, one a line)").fill("Yes -> too_old\nNo -> check")
    page.get_by_role("button", name="Save").click()
    row.get_by_text('steps.age.options[0].next: no step "too_old"').wait_for()
    screenshot(page, "workflow-editor-error", tmp_path)
    row.get_by_label("Options (Label -> next, one a line)").fill(
        "Yes, older -> decline\nNo -> check"
    )
    page.get_by_role("button", name="Save").click()
    page.get_by_text("version 2").wait_for()

    workflow.refresh_from_db()
    assert workflow.definition["steps"]["age"]["options"][0]["label"] == "Yes, older"
    assert page.errors == []
