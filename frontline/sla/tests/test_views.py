"""The SLA in the agent workspace: the inbox sorts and filters by next due, the ticket page
shows the SLA panel with its explanation."""

import time_machine
from django.test import Client

from frontline.sla.tests.conftest import berlin
from frontline.testing import factories
from frontline.tickets.models import Priority, Ticket


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_inbox_sorts_by_next_sla_due(policy, agent, team):
    with time_machine.travel(berlin(2025, 3, 4, 10), tick=False) as clock:
        normal = factories.make_ticket(team=team, priority=Priority.NORMAL)
        clock.move_to(berlin(2025, 3, 4, 10, 30))
        urgent = factories.make_ticket(team=team, priority=Priority.URGENT)
        without = factories.make_ticket(team=team, priority=Priority.LOW)
        page = signed_in(agent).get("/inbox/filter/", {"sort": "due"})

    numbers = [t.number for t in page.context["page"].items]
    assert numbers == [urgent.number, normal.number, without.number]
    assert "SLA in 1 h" in page.content.decode()


def test_the_due_order_pages_and_steps_through_tickets_with_and_without_an_sla(
    policy, agent, team, api_as
):
    """Tickets with a due time first, soonest first; then those without, oldest first."""
    with time_machine.travel(berlin(2025, 3, 4, 10), tick=False) as clock:
        later = factories.make_ticket(team=team, priority=Priority.NORMAL)
        clock.move_to(berlin(2025, 3, 4, 10, 30))
        sooner = factories.make_ticket(team=team, priority=Priority.URGENT)
        without = [factories.make_ticket(team=team, priority=Priority.LOW) for _ in range(3)]
        expected = [sooner.number, later.number, *[t.number for t in without]]
        client = signed_in(agent)
        listed = [t.number for t in client.get("/inbox/filter/?sort=due").context["page"].items]
        paged, path = [], "/api/v1/tickets?order=sla_due&page_size=1"
        while path:
            page = api_as(agent).get(path).json()
            paged += [Ticket.objects.get(pk=t["id"]).number for t in page["items"]]
            path = page["next"]
        steps = {n: client.get(f"/tickets/{n}/?view=filter&sort=due").context for n in expected}

    assert listed == paged == expected
    neighbours = zip([None, *expected[:-1]], expected, [*expected[1:], None], strict=True)
    for before, number, after in neighbours:
        assert (steps[number]["previous_number"], steps[number]["next_number"]) == (before, after)


def test_the_inbox_filters_what_is_overdue_or_due_soon(policy, agent, team):
    with time_machine.travel(berlin(2025, 3, 4, 10), tick=False) as clock:
        overdue = factories.make_ticket(team=team, priority=Priority.URGENT)
        clock.move_to(berlin(2025, 3, 4, 11, 15))
        soon = factories.make_ticket(team=team, priority=Priority.URGENT)
        factories.make_ticket(team=team, priority=Priority.NORMAL)
        clock.move_to(berlin(2025, 3, 4, 11, 30))
        client = signed_in(agent)
        overdue_page = client.get("/inbox/filter/", {"sla_due": "overdue"})
        hour_page = client.get("/inbox/filter/", {"sla_due": "hour", "sort": "due"})

    assert [t.number for t in overdue_page.context["page"].items] == [overdue.number]
    assert [t.number for t in hour_page.context["page"].items] == [overdue.number, soon.number]
    assert "SLA overdue 30 min" in overdue_page.content.decode()


def test_the_ticket_page_shows_the_sla_panel_with_explanations(policy, agent, team):
    with time_machine.travel(berlin(2025, 3, 7, 16, 45), tick=False) as clock:
        ticket = factories.make_ticket(team=team, priority=Priority.URGENT)
        clock.move_to(berlin(2025, 3, 7, 16, 50))
        page = signed_in(agent).get(f"/tickets/{ticket.number}/").content.decode()

    assert 'id="sla-title"' in page
    assert "First response" in page
    assert "55 min left" in page
    assert (
        "due 09:45 Mon 10 Mar: 1 h business time from 16:45 Fri 7 Mar, policy Support "
        "(urgent), calendar EU Support (Europe/Berlin), closed 17:00 Fri\u201309:00 Mon"
    ) in page


def test_a_ticket_without_sla_says_so(support_hours, agent, team):
    factories.make_sla_policy(goals=(), name="No SLA")
    ticket = factories.make_ticket(team=team)

    page = signed_in(agent).get(f"/tickets/{ticket.number}/").content.decode()

    assert "No SLA applies to this ticket." in page
