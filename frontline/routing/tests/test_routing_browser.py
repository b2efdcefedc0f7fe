"""End to end in Chromium: an agent goes online in the header and the waiting ticket
appears in their inbox without a reload; a supervisor opens it and reads why it was
routed to them."""

import re

import pytest

from frontline.routing.models import Strategy, TeamRouting
from frontline.testing import factories
from frontline.tickets.models import Ticket
from frontline.tickets.tests.test_browser import sign_in_agent

pytestmark = pytest.mark.slow


@pytest.fixture
def waiting_ticket(team, agent):
    TeamRouting.objects.create(team=team, strategy=Strategy.LEAST_LOADED)
    return factories.make_ticket(team=team, subject="Printer prints blank receipts")


def test_an_agent_goes_online_and_receives_the_waiting_ticket_live(
    waiting_ticket, agent, supervisor, new_page
):
    desk = new_page()
    sign_in_agent(desk, agent.email)
    desk.locator("[data-live-indicator][data-state=on]").wait_for()
    desk.evaluate("window.__notReloaded = true")
    assert desk.get_by_role("link", name="Printer prints blank receipts").count() == 0

    desk.get_by_label("Your presence").select_option("online")

    desk.locator("form.presence-switch[data-presence=online]").wait_for()
    desk.get_by_role("link", name="Printer prints blank receipts").wait_for()
    assert desk.evaluate("window.__notReloaded") is True
    assert Ticket.objects.get(pk=waiting_ticket.pk).assignee == agent

    board = new_page()
    sign_in_agent(board, supervisor.email, landing=r"/inbox/.*")
    board.goto(f"/tickets/{waiting_ticket.number}/")
    board.locator("[data-routing-panel]").get_by_text(
        re.compile(r"Routed to Alice Agent: 0 of 12 open")
    ).wait_for()
    assert desk.errors == []
    assert board.errors == []
