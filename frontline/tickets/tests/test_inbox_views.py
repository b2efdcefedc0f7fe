import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from frontline.accounts.models import Role
from frontline.core.actors import Actor
from frontline.testing import factories
from frontline.tickets import inbox, queries, services
from frontline.tickets.models import Channel, InboxSort, Priority, SavedView, Status, Ticket


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def assign(ticket, user):
    return services.assign_ticket(ticket, assignee=user, actor=Actor.for_user(user))


def test_anonymous_visitors_are_sent_to_sign_in(db):
    for path in ("/inbox/", "/inbox/mine/", "/supervisor/"):
        response = Client().get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/sign-in/?next=")


def test_home_sends_staff_to_the_inbox_and_customers_to_the_portal(agent, customer):
    assert signed_in(agent).get("/")["Location"] == "/inbox/"
    assert signed_in(customer.user).get("/")["Location"] == "/portal/"
    assert Client().get("/")["Location"] == "/accounts/sign-in/"


def test_customers_are_refused_the_inbox(customer):
    client = signed_in(customer.user)
    assert client.get("/inbox/mine/").status_code == 403
    assert client.post("/inbox/bulk/", {"ticket": [1], "status": "open"}).status_code == 403


def test_inbox_opens_on_my_open_tickets(agent, team):
    mine = factories.make_ticket(team=team, subject="Terminal offline")
    assign(mine, agent)

    response = signed_in(agent).get("/inbox/", follow=True)

    assert response.redirect_chain == [("/inbox/mine/", 302)]
    assert f"#{mine.number}" in response.content.decode()
    assert "Terminal offline" in response.content.decode()


def test_views_hold_what_their_names_say(agent, teammate, team, other_team):
    unassigned = factories.make_ticket(team=team, subject="Nobody has this")
    theirs = factories.make_ticket(team=team, subject="Tom has this")
    assign(theirs, teammate)
    pending = factories.make_ticket(team=team, subject="Waiting on customer")
    assign(pending, agent)
    services.change_status(pending, status=Status.PENDING, actor=Actor.for_user(agent))
    elsewhere = factories.make_ticket(team=other_team, subject="Billing problem")
    client = signed_in(agent)

    unassigned_page = client.get("/inbox/unassigned/").content.decode()
    teams_page = client.get("/inbox/teams/").content.decode()
    pending_page = client.get("/inbox/pending/").content.decode()

    assert unassigned.subject in unassigned_page
    assert theirs.subject not in unassigned_page
    assert unassigned.subject in teams_page
    assert theirs.subject in teams_page
    assert pending.subject in teams_page
    assert elsewhere.subject not in teams_page
    assert pending.subject in pending_page
    assert unassigned.subject not in pending_page


def test_every_built_in_view_stays_within_what_the_agent_may_see(
    agent, teammate, outsider, supervisor, analyst, team, other_team, customer
):
    """Built-in views leave the visibility scope out of their SQL; each must still hold
    only tickets the agent may see, and exactly those of its condition among them."""
    lead = factories.make_agent(role=Role.SUPERVISOR, teams=(team,), name="Lee Lead")
    loner = factories.make_agent(name="Nia No-team")
    tickets = [
        factories.make_ticket(team=team),
        factories.make_ticket(team=other_team),
        factories.make_ticket(customer=customer),
    ]
    for index, status in enumerate((Status.PENDING, Status.SOLVED)):
        ticket = factories.make_ticket(team=team if index else other_team)
        assign(ticket, teammate if index else outsider)
        services.change_status(ticket, status=status, actor=Actor.for_user(supervisor))
        tickets.append(ticket)
    # Held outside its team, as data moved between teams can leave it.
    Ticket.objects.filter(pk=tickets[1].pk).update(assignee=agent)
    Ticket.objects.filter(pk=tickets[3].pk).update(assignee=loner)
    people = [agent, teammate, outsider, supervisor, analyst, lead, loner]

    held = {}
    for person in people:
        scope = inbox.scope_for(Actor.for_user(person))
        visible = set(
            queries.tickets_visible_to(Actor.for_user(person)).values_list("pk", flat=True)
        )
        for key, name in inbox.BUILT_IN_VIEWS.items():
            view = inbox.tickets_in(scope, inbox.InboxView(key=key, name=name))
            pks = set(view.values_list("pk", flat=True))
            assert pks <= visible, (person.name, key)
            held[person.name, key] = pks

    assert held["Alice Agent", "mine"] == {tickets[1].pk}
    assert held["Alice Agent", "teams"] == {tickets[0].pk}
    assert held["Olga Outsider", "teams"] == {tickets[1].pk, tickets[3].pk}
    assert held["Olga Outsider", "pending"] == {tickets[3].pk}
    assert held["Tom Teammate", "solved"] == {tickets[4].pk}
    assert held["Sam Supervisor", "teams"] == {t.pk for t in tickets[:4]}
    assert held["Lee Lead", "teams"] == {tickets[0].pk}
    assert held["Nia No-team", "pending"] == {tickets[3].pk}
    assert held["Nia No-team", "teams"] == set()


def counts_of(client, path, params=None):
    """The counts the inbox page fetches once it is shown."""
    page = client.get(path, params)
    assert page.context.get("counts") is None  # the page itself does not count
    counted = client.get(page.context["counts_url"])
    assert counted.status_code == 200
    return counted.context["counts"]


def test_counts_per_view_are_shown(agent, team):
    for _ in range(3):
        factories.make_ticket(team=team)

    counts = counts_of(signed_in(agent), "/inbox/unassigned/")

    assert counts["unassigned"] == 3
    assert counts["mine"] == 0
    assert counts["teams"] == 3


def test_an_outsider_sees_none_of_another_teams_tickets(outsider, team):
    ticket = factories.make_ticket(team=team, subject="Secret of Tier 1")

    response = signed_in(outsider).get("/inbox/teams/")

    assert ticket.subject not in response.content.decode()
    assert counts_of(signed_in(outsider), "/inbox/teams/")["teams"] == 0


def test_the_last_view_used_opens_next_time(agent):
    client = signed_in(agent)
    client.get("/inbox/pending/")

    assert client.get("/inbox/")["Location"] == "/inbox/pending/"


def test_an_unknown_view_is_not_found(agent):
    assert signed_in(agent).get("/inbox/nonsense/").status_code == 404


def test_a_filter_view_filters_and_sorts(agent, team):
    urgent = factories.make_ticket(
        team=team, subject="Everything is down", priority=Priority.URGENT
    )
    low = factories.make_ticket(team=team, subject="Typo on invoice", priority=Priority.LOW)
    factories.make_ticket(team=team, subject="Normal thing", priority=Priority.NORMAL, tags=("x",))

    response = signed_in(agent).get(
        "/inbox/filter/", {"priority": ["urgent", "low"], "sort": "priority"}
    )

    rows = [t.subject for t in response.context["page"].items]
    assert rows == [urgent.subject, low.subject]
    counts = counts_of(
        signed_in(agent), "/inbox/filter/", {"priority": ["urgent", "low"], "sort": "priority"}
    )
    assert counts["filter"] == 2


def test_a_filter_by_tag_customer_and_organisation(agent, team):
    organisation = factories.make_organisation(name="Acme Cafés")
    person = factories.make_customer(email="pat@acme.example", organisation=organisation)
    tagged = factories.make_ticket(team=team, customer=person, tags=("refund",))
    factories.make_ticket(team=team, tags=("refund",))
    client = signed_in(agent)

    by_tag = client.get("/inbox/filter/", {"tag": "refund"}).context["page"].items
    by_customer = client.get("/inbox/filter/", {"customer": "pat@acme.example"})
    by_organisation = client.get("/inbox/filter/", {"organisation": "acme cafés"})

    assert len(by_tag) == 2
    assert [t.pk for t in by_customer.context["page"].items] == [tagged.pk]
    assert [t.pk for t in by_organisation.context["page"].items] == [tagged.pk]


def test_a_filter_by_status_channel_team_and_assignee(agent, teammate, team, supervisor):
    other_team = factories.make_team(name="Chat team")
    by_chat = factories.make_ticket(team=team, subject="From chat", channel=Channel.CHAT)
    pending = factories.make_ticket(team=team, subject="Waiting")
    assign(pending, agent)
    services.change_status(pending, status=Status.PENDING, actor=Actor.for_user(agent))
    toms = factories.make_ticket(team=team, subject="Tom's")
    assign(toms, teammate)
    elsewhere = factories.make_ticket(team=other_team, subject="Elsewhere")
    client = signed_in(supervisor)

    def subjects(**params):
        return [t.subject for t in client.get("/inbox/filter/", params).context["page"].items]

    assert subjects(channel="chat") == [by_chat.subject]
    assert subjects(status="pending") == [pending.subject]
    assert subjects(team=str(other_team.pk)) == [elsewhere.subject]
    assert subjects(assignee=str(teammate.pk)) == [toms.subject]
    assert set(subjects(assignee="none")) == {by_chat.subject, elsewhere.subject}
    assert set(subjects(team=str(team.pk), status=["new", "open"])) == {
        by_chat.subject,
        toms.subject,
    }


def test_a_filter_view_sorts_by_creation_or_last_update(agent, team):
    first, second, third = (factories.make_ticket(team=team, subject=f"T{n}") for n in range(3))
    services.change_priority(first, priority=Priority.HIGH, actor=Actor.for_user(agent))
    client = signed_in(agent)

    def order(sort):
        page = client.get("/inbox/filter/", {"sort": sort}).context["page"]
        return [t.subject for t in page.items]

    assert order("created") == [third.subject, second.subject, first.subject]
    assert order("updated") == [first.subject, third.subject, second.subject]


def test_filters_are_saved_as_a_view_and_deleted(agent, teammate, team):
    factories.make_ticket(team=team, priority=Priority.HIGH)
    client = signed_in(agent)

    saved = client.post(
        "/inbox/views/", {"name": "Hot ones", "priority": ["high", "urgent"], "sort": "created"}
    )

    view = SavedView.objects.get(owner=agent)
    assert saved["Location"] == f"/inbox/v{view.pk}/"
    assert view.filters == {"priorities": ["high", "urgent"]}
    assert view.sort == InboxSort.CREATED
    page = client.get(f"/inbox/v{view.pk}/")
    assert counts_of(client, f"/inbox/v{view.pk}/")[f"v{view.pk}"] == 1
    assert "Hot ones" in page.content.decode()
    assert signed_in(teammate).get(f"/inbox/v{view.pk}/").status_code == 404
    assert signed_in(teammate).post(f"/inbox/views/{view.pk}/delete/").status_code == 404
    client.post(f"/inbox/views/{view.pk}/delete/")
    assert not SavedView.objects.exists()


def test_a_live_refresh_returns_the_list_and_the_counts(agent, team):
    factories.make_ticket(team=team, subject="Fresh one")

    response = signed_in(agent).get("/inbox/unassigned/", headers={"HX-Request": "true"})

    body = response.content.decode()
    assert 'id="ticket-list"' in body
    assert 'id="views-nav" class="views-nav" aria-label="Inbox views" hx-swap-oob="true"' in body
    assert "Fresh one" in body
    assert "<html" not in body


def test_more_tickets_load_with_a_cursor(agent, team):
    for n in range(55):
        factories.make_ticket(team=team, subject=f"Ticket {n}")
    client = signed_in(agent)

    first = client.get("/inbox/unassigned/")
    next_path = first.context["page"].next
    more = client.get(next_path, headers={"HX-Request": "true"})

    assert len(first.context["page"].items) == 50
    assert len(more.context["page"].items) == 5
    assert "<table" not in more.content.decode()
    assert client.get("/inbox/unassigned/?cursor=garbage").status_code == 404


def test_the_priority_sort_pages_through_every_ticket_once_as_priorities_change(agent, team):
    levels = [Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT]
    tickets = [
        factories.make_ticket(team=team, subject=f"T{n}", priority=levels[n % 4]) for n in range(57)
    ]
    # A bulk change writes many rows at once; the sort must see it as well.
    Ticket.objects.filter(pk__in=[t.pk for t in tickets[:3]]).update(priority=Priority.URGENT)
    client = signed_in(agent)

    first = client.get("/inbox/filter/", {"sort": "priority"}).context["page"]
    more = client.get(first.next, headers={"HX-Request": "true"}).context["page"]

    shown = [*first.items, *more.items]
    rank = {level: n for n, level in enumerate(levels)}
    expected = sorted(
        Ticket.objects.filter(pk__in=[t.pk for t in tickets]),
        key=lambda t: (rank[Priority(t.priority)], t.updated_at, t.pk),
        reverse=True,
    )
    assert [t.pk for t in shown] == [t.pk for t in expected]
    assert {t.pk for t in first.items[:17]} >= {t.pk for t in tickets[:3]}


def inbox_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("path", ["/inbox/unassigned/", "/inbox/filter/?tag=vip&sort=priority"])
def test_the_inbox_makes_the_same_queries_for_5_or_40_tickets(agent, team, path):
    """Pinned at 9: session, user, saved views, teams and colleagues for the filter and
    bulk forms (which also give rows their team and assignee), the agent's teams and
    managed organisations (one query), the page, the last-view preference (a filter view:
    none), unread notifications. The counts come in a request of their own
    (``test_the_counts_make_the_same_queries_for_5_or_40_tickets``)."""
    client = signed_in(agent)
    for _ in range(5):
        factories.make_ticket(team=team, tags=("vip",))
    client.get(path)
    few = inbox_queries(client, path)
    for _ in range(35):
        factories.make_ticket(team=team, tags=("vip",))
    many = inbox_queries(client, path)

    assert few == many == (8 if "filter" in path else 9)


@pytest.mark.parametrize("path", ["/inbox/unassigned/counts/", "/inbox/filter/counts/?tag=vip"])
def test_the_counts_make_the_same_queries_for_5_or_40_tickets(agent, team, path):
    """One COUNT per built-in view (5; a filter view one more), beside session, user,
    saved views, the agent's teams and managed organisations (one query), teams and
    colleagues for the filter form: 11, and 12 for a filter view."""
    client = signed_in(agent)
    for _ in range(5):
        factories.make_ticket(team=team, tags=("vip",))
    client.get(path)
    few = inbox_queries(client, path)
    for _ in range(35):
        factories.make_ticket(team=team, tags=("vip",))
    many = inbox_queries(client, path)

    assert few == many == (12 if "filter" in path else 11)


def test_the_page_asks_for_its_counts_once_shown(agent, team):
    factories.make_ticket(team=team)
    client = signed_in(agent)

    page = client.get("/inbox/teams/").content.decode()
    counted = client.get("/inbox/teams/counts/").content.decode()

    assert 'hx-get="/inbox/teams/counts/" hx-trigger="load"' in page
    assert 'aria-label="1 tickets"' in counted
    assert 'id="head-count" hx-swap-oob="true">1<' in counted
    assert "hx-trigger" not in counted


def test_bulk_actions_change_the_selected_tickets(agent, team):
    tickets = [factories.make_ticket(team=team) for _ in range(3)]

    response = signed_in(agent).post(
        "/inbox/bulk/",
        {
            "ticket": [t.pk for t in tickets[:2]],
            "assignee": "me",
            "priority": "high",
            "add_tag": "Outage",
        },
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 204
    assert "Updated 2 tickets." in response["HX-Trigger"]
    for ticket in tickets[:2]:
        ticket.refresh_from_db()
        assert ticket.assignee == agent
        assert ticket.priority == Priority.HIGH
        assert list(ticket.tags.values_list("name", flat=True)) == ["outage"]
    tickets[2].refresh_from_db()
    assert tickets[2].assignee is None


def test_bulk_actions_report_tickets_that_refused(agent, team):
    closed = factories.make_ticket(team=team)
    services.change_status(closed, status=Status.SOLVED, actor=Actor.for_user(agent))
    services.change_status(closed, status=Status.CLOSED, actor=Actor.for_user(agent))
    fine = factories.make_ticket(team=team)

    response = signed_in(agent).post(
        "/inbox/bulk/", {"ticket": [closed.pk, fine.pk], "status": "pending"}, follow=True
    )

    text = response.content.decode()
    assert "Updated 1 ticket." in text
    assert f"#{closed.number}: A closed ticket cannot become pending." in text
    fine.refresh_from_db()
    assert fine.status == Status.PENDING


def test_bulk_actions_never_reach_tickets_the_agent_cannot_see(outsider, team):
    ticket = factories.make_ticket(team=team)

    signed_in(outsider).post("/inbox/bulk/", {"ticket": [ticket.pk], "priority": "urgent"})

    ticket.refresh_from_db()
    assert ticket.priority == Priority.NORMAL


def test_bulk_actions_need_something_to_change(agent, team):
    ticket = factories.make_ticket(team=team)

    response = signed_in(agent).post(
        "/inbox/bulk/", {"ticket": [ticket.pk]}, headers={"HX-Request": "true"}
    )

    assert "Choose something to change." in response["HX-Trigger"]


def test_every_inbox_form_needs_a_csrf_token(agent, team):
    ticket = factories.make_ticket(team=team)
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)

    assert client.post("/inbox/bulk/", {"ticket": [ticket.pk], "status": "open"}).status_code == 403
    assert client.post("/inbox/views/", {"name": "x"}).status_code == 403


def test_user_content_in_the_list_is_escaped(agent, team):
    person = factories.make_customer(name="<b>Eve</b>")
    factories.make_ticket(team=team, customer=person, subject="<script>alert(1)</script>")

    html = signed_in(agent).get("/inbox/unassigned/").content.decode()

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;Eve&lt;/b&gt;" in html
