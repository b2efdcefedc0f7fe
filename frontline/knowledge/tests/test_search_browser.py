"""End to end in Chromium: the workspace search box and the suggestions panel."""

import re

import pytest

from frontline.knowledge.tests.articles import make_article
from frontline.testing import factories
from frontline.testing.browser import screenshot
from frontline.tickets.tests.test_browser import sign_in_agent

pytestmark = pytest.mark.slow


def test_an_agent_presses_slash_searches_and_sees_the_highlighted_hit(
    agent, team, customer, new_page, tmp_path
):
    ticket = factories.make_ticket(
        team=team,
        customer=customer,
        subject="Receipt printer jams on long orders",
        body="The printer jams whenever a receipt is longer than a metre.",
    )
    factories.make_ticket(team=team, subject="Card reader offline")
    page = new_page()
    sign_in_agent(page, agent.email)

    page.locator("body").press("/")
    box = page.get_by_role("searchbox", name="Search").first
    assert box.evaluate("el => el === document.activeElement") is True
    page.keyboard.type("printer")
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"/search/\?q=printer"))
    hit = page.locator(".search-hit").filter(has_text=f"#{ticket.number}")
    hit.locator("mark", has_text="printer").first.wait_for()
    assert page.locator(".search-hit").count() == 1
    assert "Card reader" not in page.content()
    screenshot(page, "search", tmp_path)
    assert page.errors == []


def test_insert_link_puts_the_articles_address_into_the_reply(
    agent, team, customer, new_page, tmp_path
):
    make_article(title="Clearing a printer jam", body="Open the lid.", author=agent)
    ticket = factories.make_ticket(
        team=team, customer=customer, subject="Printer jam", body="My printer jams."
    )
    page = new_page()
    sign_in_agent(page, agent.email)
    page.goto(f"/tickets/{ticket.number}/")

    reply = page.get_by_label(f"Reply to {customer.name}")
    reply.fill("Hello, see")
    page.get_by_role(
        "button", name="Insert a link to Clearing a printer jam into the reply"
    ).click()

    assert re.fullmatch(
        r"Hello, see http://127\.0\.0\.1:\d+/help/billing/clearing-a-printer-jam/",
        reply.input_value(),
    )
    page.get_by_role(
        "button", name="Insert the text of Clearing a printer jam into the reply"
    ).click()
    assert reply.input_value().endswith("/clearing-a-printer-jam/\n\nOpen the lid.")
    screenshot(page, "suggestions", tmp_path)
    assert page.errors == []
