"""In Chromium: an owner starts a swarm from the ticket page with a suggested colleague,
who finds it on their Swarming page."""

import re

import pytest

from frontline.accounts.services import create_skill, set_skill
from frontline.core.actors import Actor
from frontline.routing.models import Swarm
from frontline.testing import factories
from frontline.testing.browser import screenshot
from frontline.tickets import services

pytestmark = pytest.mark.slow

PASSWORD = "correct horse battery"


def sign_in(page, email):
    page.goto("/accounts/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/inbox/"))


def test_an_owner_swarms_with_a_suggested_colleague(team, other_team, agent, new_page, tmp_path):
    ben = factories.make_agent(teams=(other_team,), name="Ben Billing")
    set_skill(ben, skill=create_skill(name="Billing", slug="billing"), proficiency=5)
    ticket = factories.make_ticket(team=team, subject="Refund shown twice", tags=("billing",))
    services.assign_ticket(ticket, assignee=agent, actor=Actor.for_user(agent))
    owner, helper = new_page(), new_page()

    sign_in(owner, agent.email)
    owner.goto(f"/tickets/{ticket.number}/")
    owner.get_by_role("link", name="Start a swarm…").click()
    owner.get_by_label("What do you need help with?").fill("Is this one refund or two?")
    owner.locator("[data-suggestion]", has_text="billing 5/5").get_by_role("checkbox").check()
    owner.get_by_role("button", name="Start swarm").click()
    owner.locator("[data-swarm-members]").get_by_text("Ben Billing").wait_for()
    owner.locator(".timeline").get_by_text("started a swarm: Is this one refund or two?").wait_for()
    screenshot(owner, "swarm-panel", tmp_path)

    sign_in(helper, ben.email)
    helper.get_by_role("link", name="Swarming").click()
    helper.get_by_role("link", name=re.compile("Refund shown twice")).click()
    helper.wait_for_url(re.compile(rf"/tickets/{ticket.number}/"))

    assert Swarm.objects.get().members.get(user=ben).reason == "billing 5/5"
    assert owner.errors == []
    assert helper.errors == []
