"""End to end in Chromium: an agent presses m on a ticket, finds a macro by typing, takes it
with the keyboard, edits the text and sends; the reply goes out as edited and the macro's
changes are made once."""

import re

import pytest

from frontline.macros.models import Macro
from frontline.macros.tests.helpers import make_macro
from frontline.testing import factories
from frontline.testing.browser import screenshot
from frontline.tickets.models import Ticket

pytestmark = pytest.mark.slow

PASSWORD = "correct horse battery"


def _sign_in(page, user):
    page.goto("/accounts/sign-in/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/inbox/"))


def test_an_agent_picks_a_macro_by_keyboard_edits_it_and_sends(
    agent, team, customer, tmp_path, new_page
):
    ticket = factories.make_ticket(customer=customer, team=team, subject="Refund please")
    make_macro(agent, name="Password reset", body="Reset it here, {{ customer.first_name }}.")
    refund = make_macro(
        agent,
        name="Refund approved",
        body="Hi {{ customer.first_name }}, your refund for {{ ticket.reference }} is approved.",
        changes={"priority": "high", "tags": ["refund-approved"]},
    )
    page = new_page()
    _sign_in(page, agent)
    page.goto(f"/tickets/{ticket.number}/")

    page.keyboard.press("m")
    picker = page.get_by_role("combobox", name="Macro")
    assert picker.evaluate("el => el === document.activeElement")
    picker.press_sequentially("refund")
    page.get_by_role("option", name=re.compile("Refund approved")).wait_for()
    assert page.get_by_role("option", name=re.compile("Password reset")).is_hidden()
    picker.press("Enter")

    body = page.get_by_label(f"Reply to {customer.name}")
    expected = f"Hi Carla, your refund for #{ticket.number} is approved."
    page.wait_for_function(
        "text => document.querySelector('#reply-body').value === text", arg=expected
    )
    page.get_by_text("Priority: High").wait_for()
    screenshot(page, "macros-composer", tmp_path)
    body.press("End")
    body.press_sequentially(" It is on its way.")
    page.get_by_role("button", name="Send reply").click()
    page.get_by_text("It is on its way.").first.wait_for()

    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.priority == "high"
    assert "refund-approved" in set(ticket.tags.values_list("name", flat=True))
    assert ticket.messages.latest("pk").body_text == f"{expected} It is on its way."
    assert Macro.objects.get(pk=refund.pk).usage_count == 1
    assert page.errors == []


def test_the_picker_and_the_macros_page_fit_a_phone(agent, team, customer, new_page):
    ticket = factories.make_ticket(customer=customer, team=team)
    make_macro(agent, name="A macro with a rather long name for a small screen")
    page = new_page(width=390, height=844)
    _sign_in(page, agent)
    page.goto(f"/tickets/{ticket.number}/")

    page.get_by_role("combobox", name="Macro").focus()
    page.get_by_role("option", name=re.compile("rather long name")).wait_for()

    ticket_width = page.evaluate("document.documentElement.scrollWidth")
    page.goto("/macros/")
    page.get_by_role("link", name="New macro").wait_for()
    list_width = page.evaluate("document.documentElement.scrollWidth")
    page.goto("/macros/new/")
    page.get_by_label("Reply text").wait_for()
    form_width = page.evaluate("document.documentElement.scrollWidth")

    assert (ticket_width, list_width, form_width) == (390, 390, 390)
