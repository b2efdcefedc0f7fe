"""End to end in Chromium: the head of support writes a trigger on the Automation page,
dry-runs it, saves it; a VIP's new ticket is tagged by it and its timeline says so. The
page fits a 390 px phone."""

import json
import re
import threading
from collections.abc import Callable

import pytest

from frontline.accounts.models import Role
from frontline.testing import factories
from frontline.testing.browser import screenshot
from frontline.tickets.models import Ticket

pytestmark = pytest.mark.slow

PASSWORD = "correct horse battery"
VIP = {"field": "customer.is_vip", "op": "eq", "value": True}


def _outside_the_browsers_loop(make: Callable[[], Ticket]) -> Ticket:
    """The ticket's live broadcast may not run in Playwright's loop: open it elsewhere."""
    made: list[Ticket] = []
    worker = threading.Thread(target=lambda: made.append(make()))
    worker.start()
    worker.join()
    return made[0]


def test_the_head_of_support_writes_a_trigger_that_tags_a_vip_ticket(tmp_path, new_page):
    head = factories.make_agent(role=Role.HEAD_OF_SUPPORT)
    vip = factories.make_customer(is_vip=True)
    factories.make_ticket(customer=vip, subject="Earlier question")
    page = new_page(width=390)
    page.goto("/accounts/sign-in/")
    page.get_by_label("Email address").fill(head.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/inbox/"))

    page.goto("/automation/")
    page.get_by_role("link", name="New trigger").click()
    page.get_by_label("Name").fill("VIP tag")
    page.get_by_label("Ticket created").check()
    page.get_by_label("And these conditions hold").fill(json.dumps(VIP))
    actions = [{"type": "add_tags", "tags": ["vip"]}]
    page.get_by_label("Then do, in order").fill(json.dumps(actions))
    page.get_by_role("button", name="Dry run", exact=True).click()
    page.get_by_text("1 of 1").wait_for()
    page.get_by_role("button", name="Save trigger").click()
    page.wait_for_url(re.compile(r"/automation/$"))
    page.get_by_role("link", name="VIP tag").wait_for()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    screenshot(page, "automation-triggers", tmp_path)

    ticket = _outside_the_browsers_loop(
        lambda: factories.make_ticket(customer=vip, subject="Card terminal offline")
    )
    page.goto(f"/tickets/{ticket.number}/")

    page.get_by_text("rule 'VIP tag' fired: added tag vip").wait_for()
    assert list(ticket.tags.values_list("name", flat=True)) == ["vip"]
    assert overflow <= 0
    assert page.errors == []
