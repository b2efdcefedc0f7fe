"""End to end in Chromium at a phone's width (390 px): an admin adds an SMS channel and
copies its secret; an agent logs a call from the ticket page's panel."""

import re

import pytest

from frontline.channels.webhooks.models import MessagingChannel, PhoneCall
from frontline.testing import factories
from frontline.testing.browser import screenshot

pytestmark = pytest.mark.slow

PASSWORD = "correct horse battery"
WIDE = "document.documentElement.scrollWidth"


def _sign_in(page, user):
    page.goto("/accounts/sign-in/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/inbox/"))


def test_an_admin_adds_a_channel_on_a_phone(admin_user, team, tmp_path, new_page):
    page = new_page(width=390, height=844)
    _sign_in(page, admin_user)

    page.get_by_role("link", name="Channels").click()
    page.get_by_label("Name").fill("Text us")
    page.get_by_label("Team").select_option(label=team.name)
    page.get_by_role("button", name="Add channel").click()

    secret = page.locator(".messaging-secret code").inner_text()
    assert secret == MessagingChannel.objects.get(name="Text us").secret
    assert page.evaluate(WIDE) <= 390
    screenshot(page, "messaging-channel-secret", tmp_path)
    assert page.errors == []


def test_an_agent_logs_a_call_from_the_ticket_page(agent, team, customer, tmp_path, new_page):
    ticket = factories.make_ticket(team=team, customer=customer, subject="Refund by phone")
    page = new_page(width=390, height=844)
    _sign_in(page, agent)

    page.goto(f"/tickets/{ticket.number}/")
    panel = page.locator("#calls-panel")
    panel.get_by_text("No calls logged.").wait_for()
    panel.get_by_text("Log a call").click()
    panel.get_by_label("Phone number").fill("+49 30 1234567")
    panel.get_by_label("Minutes").fill("4")
    panel.get_by_label("Seconds").fill("12")
    panel.get_by_role("button", name="Log call").click()

    panel.get_by_text("4 min 12 s").wait_for()
    assert PhoneCall.objects.get(ticket=ticket).duration_seconds == 252
    assert page.evaluate(WIDE) <= 390
    screenshot(page, "messaging-calls-panel", tmp_path)
    assert page.errors == []
