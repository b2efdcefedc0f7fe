"""End to end in Chromium: an agent works a ticket while the customer answers on the portal,
and the agent's open page shows the answer live, without a reload."""

import re

import pytest

from frontline.core.actors import Actor
from frontline.testing import factories
from frontline.testing.browser import screenshot
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


def sign_in_agent(page, email, landing=r"/inbox/mine/$"):
    page.goto("/accounts/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(landing))


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


@pytest.fixture
def three_of_mine(team, agent):
    tickets = [factories.make_ticket(team=team, subject=f"Keyboard ticket {n}") for n in range(3)]
    for ticket in tickets:
        services.assign_ticket(ticket, assignee=agent, actor=Actor.for_user(agent))
    return list(reversed(tickets))  # as the inbox lists them: latest update first


def test_the_keyboard_moves_through_the_inbox_opens_and_replies(three_of_mine, agent, new_page):
    first, second, third = three_of_mine
    desk = new_page()
    sign_in_agent(desk, agent.email)
    cursor = desk.locator("[data-ticket-row].is-cursor a.subject")

    desk.keyboard.press("j")
    desk.keyboard.press("j")
    assert cursor.inner_text() == second.subject
    desk.keyboard.press("k")
    assert cursor.inner_text() == first.subject
    desk.keyboard.press("Enter")
    desk.wait_for_url(re.compile(rf"/tickets/{first.number}/\?view=mine$"))
    desk.keyboard.press("j")
    desk.wait_for_url(re.compile(rf"/tickets/{second.number}/\?view=mine$"))
    desk.keyboard.press("u")
    desk.wait_for_url(re.compile(r"/inbox/mine/$"))

    for _ in range(3):
        desk.keyboard.press("j")
    desk.keyboard.press("r")
    desk.wait_for_url(re.compile(rf"/tickets/{third.number}/\?view=mine#reply$"))
    assert desk.evaluate("document.activeElement.id") == "reply-body"
    desk.keyboard.type("Typed without touching the mouse.")
    desk.keyboard.press("Escape")
    desk.keyboard.press("n")
    assert desk.evaluate("document.activeElement.id") == "note-body"
    assert desk.errors == []


@pytest.fixture
def long_subject(team, agent, customer):
    ticket = factories.make_ticket(
        team=team,
        customer=customer,
        subject="A rather long subject line that would push a narrow screen sideways",
    )
    return services.assign_ticket(ticket, assignee=agent, actor=Actor.for_user(agent))


@pytest.mark.parametrize("width", [1280, 390])
def test_pages_fit_the_screen_at_desktop_and_phone_widths(
    width, long_subject, agent, customer, new_page
):
    """Nothing runs off the side: the inbox, a ticket and the portal read without scrolling
    sideways (the ticket table drops columns and the side panel moves under the thread)."""
    ticket = long_subject
    desk, portal = new_page(width=width), new_page(width=width)
    sign_in_agent(desk, agent.email)
    sign_in_customer(portal, customer.user.email)
    overflow = "document.documentElement.scrollWidth - window.innerWidth"

    assert desk.evaluate(overflow) <= 0
    desk.goto(f"/tickets/{ticket.number}/")
    desk.get_by_label(f"Reply to {customer.name}").wait_for()
    assert desk.evaluate(overflow) <= 0
    portal.goto(f"/portal/tickets/{ticket.number}/")
    portal.get_by_label("Your reply").wait_for()
    assert portal.evaluate(overflow) <= 0


@pytest.fixture
def ownerless(db):
    return factories.make_ticket(subject="Nobody owns me yet")


def test_a_supervisor_drags_a_ticket_onto_an_agent(ownerless, supervisor, agent, team, new_page):
    ticket = ownerless
    board = new_page()
    sign_in_agent(board, supervisor.email, landing=r"/inbox/\w+/$")
    board.goto("/supervisor/")
    board.locator("[data-live-indicator][data-state=on]").wait_for()
    card = board.locator(f"[data-drag-ticket='{ticket.pk}']")

    card.drag_to(board.locator(f"[data-drop-agent='{agent.pk}']").first)

    board.get_by_text(f"#{ticket.number} assigned to {agent}").wait_for()
    card.wait_for(state="detached")
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.team) == (agent, team)
    assert board.errors == []
