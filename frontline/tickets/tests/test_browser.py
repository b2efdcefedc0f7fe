"""End to end in Chromium: an agent works a ticket while the customer answers on the portal,
and the agent's open page shows the answer live, without a reload."""

import re

import pytest

from frontline.core.actors import Actor
from frontline.core.testing import factories
from frontline.core.testing.browser import screenshot
from frontline.tickets import services
from frontline.tickets.models import Priority, Status, Ticket

pytestmark = pytest.mark.slow

PASSWORD = "correct horse battery"


def a_working_inbox(team, customer, agent, teammate):
    """A few tickets in the team, so the inbox looks like a day's work."""
    subjects = [
        ("Card reader shows error E42 after the update", Priority.HIGH),
        ("Refund for a double charge on May 3", Priority.NORMAL),
        ("How do I add a second location?", Priority.LOW),
        ("Receipts print in the wrong language", Priority.NORMAL),
    ]
    for subject, priority in subjects:
        other = factories.make_customer()
        ticket = factories.make_ticket(
            team=team, customer=other, subject=subject, priority=priority
        )
        services.assign_ticket(ticket, assignee=teammate, actor=Actor.for_user(teammate))
    first = factories.make_ticket(
        team=team,
        customer=customer,
        subject="Terminal offline since this morning",
        body="Our terminal at the front counter shows 'offline' since 8:00. We restarted it twice.",
        priority=Priority.URGENT,
    )
    return first


def sign_in_agent(page, email):
    page.goto("/accounts/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/inbox/mine/$"))


def sign_in_customer(page, email):
    page.goto("/portal/sign-in/")
    page.get_by_text("Sign in with a password instead").click()
    page.locator("#pw-email").fill(email)
    page.locator("#pw-password").fill(PASSWORD)
    page.locator("form:has(#pw-password) button[type=submit]").click()
    page.wait_for_url(re.compile(r"/portal/$"))


@pytest.fixture
def first_unassigned(team, customer, agent, teammate):
    return a_working_inbox(team, customer, agent, teammate)


def test_an_agent_works_a_ticket_and_sees_the_customers_answer_live(
    first_unassigned, agent, customer, tmp_path, new_page
):
    ticket = first_unassigned
    desk = new_page()

    sign_in_agent(desk, agent.email)
    desk.get_by_role("link", name=re.compile("Unassigned in my teams")).click()
    desk.locator("[data-ticket-row] a.subject").first.click()
    desk.wait_for_url(re.compile(rf"/tickets/{ticket.number}/"))
    desk.locator("[data-live-indicator][data-state=on]").wait_for()

    desk.get_by_role("button", name=re.compile("Assign to me")).click()
    desk.get_by_text("Assigned to Alice Agent").wait_for()
    desk.get_by_label(f"Reply to {customer.name}").fill(
        "Sorry about that! Please unplug the terminal for 30 seconds and tell us what the "
        "screen shows."
    )
    desk.get_by_label("Then set").select_option("pending")
    desk.get_by_role("button", name="Send reply").click()
    desk.locator(".timeline").get_by_text("unplug the terminal for 30 seconds").wait_for()
    desk.locator("#ticket-head .badge.status-pending").wait_for()
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.status) == (agent, Status.PENDING)
    desk.evaluate("window.__notReloaded = true")

    portal = new_page()
    sign_in_customer(portal, customer.user.email)
    portal.get_by_role("link", name=re.compile("Terminal offline since this morning")).click()
    portal.get_by_text("unplug the terminal for 30 seconds").wait_for()
    portal.get_by_label("Your reply").fill("It now says 'Update 2.2 installed'. Works again!")
    portal.get_by_role("button", name="Send reply").click()
    portal.get_by_text("Works again!").wait_for()

    desk.locator(".timeline").get_by_text("Works again!").wait_for()
    desk.locator("#ticket-head .badge.status-open").wait_for()
    assert desk.locator("[data-new-message-banner]").is_visible()
    assert desk.evaluate("window.__notReloaded") is True
    assert Ticket.objects.get(pk=ticket.pk).status == Status.OPEN
    screenshot(desk, "ticket", tmp_path)
    desk.goto("/inbox/mine/")
    desk.locator("[data-ticket-row]").first.wait_for()
    screenshot(desk, "inbox", tmp_path)
    assert desk.errors == []
    assert portal.errors == []


def test_the_inbox_updates_live_when_a_customer_opens_a_ticket(supervisor, customer, new_page):
    desk, portal = new_page(), new_page()
    sign_in_agent(desk, supervisor.email)
    desk.goto("/inbox/teams/")
    desk.locator("[data-live-indicator][data-state=on]").wait_for()
    sign_in_customer(portal, customer.user.email)

    portal.goto("/portal/tickets/new/")
    portal.get_by_label("Subject").fill("Brand new problem")
    portal.get_by_label("Description").fill("The printer prints blank receipts.")
    portal.get_by_role("button", name="Send request").click()
    portal.get_by_text("we received your request").wait_for()

    desk.get_by_role("link", name="Brand new problem").wait_for()
    assert desk.locator("#views-nav a[aria-current=page] .count").inner_text() == "1"


@pytest.fixture
def shared_ticket(team):
    return factories.make_ticket(team=team)


def test_agents_see_each_other_on_a_ticket(shared_ticket, agent, teammate, new_page):
    ticket = shared_ticket
    alice, tom = new_page(), new_page()
    sign_in_agent(alice, agent.email)
    sign_in_agent(tom, teammate.email)

    alice.goto(f"/tickets/{ticket.number}/")
    alice.locator("[data-live-indicator][data-state=on]").wait_for()
    tom.goto(f"/tickets/{ticket.number}/")
    alice.get_by_text("Tom Teammate is viewing").wait_for()
    tom.get_by_text("Alice Agent is viewing").wait_for()
    tom.get_by_label(re.compile("Reply to")).press_sequentially("Hi", delay=50)
    alice.get_by_text("Tom Teammate is typing…").wait_for()
