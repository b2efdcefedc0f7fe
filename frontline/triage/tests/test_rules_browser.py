"""End to end in Chromium: a supervisor writes a triage rule, a customer's ticket arrives
and is triaged by it, and the ticket page shows the rule, the message's language and
sentiment, and an earlier ticket as a possible duplicate."""

import json
import re
import threading
from collections.abc import Callable

import pytest

from frontline.testing import factories
from frontline.testing.browser import screenshot
from frontline.tickets.models import Ticket

pytestmark = pytest.mark.slow

PASSWORD = "correct horse battery"
BODY = "The card terminal is broken again and nothing prints. This is terrible."


def _outside_the_browsers_loop(make: Callable[[], Ticket]) -> Ticket:
    """Playwright's sync API runs an event loop in this thread, where the ticket's live
    broadcast (async_to_sync) may not run: open the ticket from another thread."""
    made: list[Ticket] = []
    worker = threading.Thread(target=lambda: made.append(make()))
    worker.start()
    worker.join()
    return made[0]


def test_a_supervisor_writes_a_rule_and_reads_its_work_on_the_ticket(
    supervisor, team, customer, tmp_path, new_page
):
    first = factories.make_ticket(
        customer=customer, team=team, subject="Terminal broken, nothing prints", body=BODY
    )
    page = new_page()
    page.goto("/accounts/sign-in/")
    page.get_by_label("Email address").fill(supervisor.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/inbox/"))

    page.get_by_role("link", name="Triage").click()
    page.get_by_role("link", name="New rule").click()
    page.get_by_label("Name").fill("Unhappy customers")
    condition = {"field": "sentiment_label", "op": "eq", "value": "negative"}
    page.get_by_label("Conditions (JSON)").fill(json.dumps(condition))
    page.get_by_label("Add tags").fill("unhappy")
    page.get_by_role("button", name="Test against the last 50 tickets").click()
    page.get_by_text("1 of 1").wait_for()
    page.get_by_role("button", name="Save rule").click()
    page.wait_for_url(re.compile(r"/triage/$"))
    page.get_by_role("link", name="Unhappy customers").wait_for()

    again = _outside_the_browsers_loop(
        lambda: factories.make_ticket(
            customer=customer, team=team, subject="Terminal broken, nothing prints", body=BODY
        )
    )
    page.goto(f"/tickets/{again.number}/")

    panel = page.locator(".triage-panel")
    panel.get_by_text("possible duplicate").wait_for()
    assert f"#{first.number}" in panel.inner_text()
    assert "Unhappy customers" in panel.inner_text()
    assert "English · negative" in page.locator(".message-signal").first.inner_text()
    screenshot(page, "triage-ticket-panel", tmp_path)
