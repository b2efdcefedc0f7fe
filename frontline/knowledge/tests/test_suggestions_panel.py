"""The ticket page's suggestions panel: articles to insert into a reply, similar solved
tickets, and the start of an article from the ticket."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from frontline.accounts.models import Team, User
from frontline.core.actors import Actor
from frontline.customers.models import Customer
from frontline.knowledge.models import ArticleStatus, Visibility
from frontline.knowledge.tests.articles import make_article
from frontline.testing import factories
from frontline.tickets import services
from frontline.tickets.models import Status, Ticket

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _panel(user: User, ticket: Ticket) -> str:
    response = _client(user).get(f"/search/tickets/{ticket.number}/suggestions/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def ticket(team: Team, customer: Customer) -> Ticket:
    return factories.make_ticket(
        team=team,
        customer=customer,
        subject="Refund for a double charge",
        body="I was charged twice for my order, please refund one.",
    )


def test_the_ticket_page_loads_the_panel(agent: User, ticket: Ticket) -> None:
    html = _client(agent).get(f"/tickets/{ticket.number}/").content.decode()

    assert f'hx-get="/search/tickets/{ticket.number}/suggestions/"' in html
    assert "knowledge/suggestions.js" in html


def test_matching_published_articles_with_insert_buttons(agent: User, ticket: Ticket) -> None:
    make_article(
        title="Refunds for double charges", body="We refund **within 5 days**.", author=agent
    )
    make_article(title="Refund draft", body="Not yet.", author=agent, status=ArticleStatus.DRAFT)
    make_article(
        title="Refund escalation playbook",
        body="Ask finance.",
        author=agent,
        visibility=Visibility.INTERNAL,
    )

    html = _panel(agent, ticket)

    assert "Refunds for double charges" in html
    assert (
        'data-insert-article="http://testserver/help/billing/refunds-for-double-charges/"' in html
    )
    assert 'data-insert-article="We refund **within 5 days**."' in html
    assert "Refund draft" not in html
    assert "Refund escalation playbook" in html  # for the agent to read, not to send
    assert html.count("Insert link") == 1


def test_similar_solved_tickets_visible_to_the_agent(
    agent: User, team: Team, other_team: Team, ticket: Ticket
) -> None:
    actor = Actor.for_user(agent)
    solved = factories.make_ticket(team=team, subject="Charged twice, refund wanted")
    services.change_status(solved, status=Status.SOLVED, actor=actor)
    factories.make_ticket(team=team, subject="Another double charge refund")  # not solved
    elsewhere = factories.make_ticket(team=other_team, subject="Double charge refund")
    supervisor = factories.make_agent(teams=(other_team,))
    services.change_status(elsewhere, status=Status.SOLVED, actor=Actor.for_user(supervisor))

    html = _panel(agent, ticket)

    assert f"#{solved.number}" in html
    assert f"#{elsewhere.number}" not in html
    assert f'href="/tickets/{ticket.number}/"' not in html
    assert f'href="/knowledge/articles/new/?from_ticket={ticket.pk}"' in html


def test_the_panel_article_search(agent: User) -> None:
    make_article(title="Change your delivery address", body="Before it ships.", author=agent)

    found = _client(agent).get("/search/articles/suggestions/", {"q": "delivery address"})
    empty = _client(agent).get("/search/articles/suggestions/", {"q": "zzz"})

    assert "Change your delivery address" in found.content.decode()
    assert "No published article matches <strong>zzz</strong>" in empty.content.decode()


def test_the_panel_is_refused_to_outsiders_and_customers(
    outsider: User, customer: Customer, ticket: Ticket
) -> None:
    assert customer.user is not None
    path = f"/search/tickets/{ticket.number}/suggestions/"

    assert _client(outsider).get(path).status_code == 404
    assert _client(customer.user).get(path).status_code == 403
    assert Client().get(path).status_code == 302


def test_the_panel_takes_a_fixed_number_of_queries(agent: User, team: Team, ticket: Ticket) -> None:
    client = _client(agent)
    path = f"/search/tickets/{ticket.number}/suggestions/"
    make_article(title="Refund rule", body="Refund.", author=agent)
    solved = factories.make_ticket(team=team, subject="Refund double charge")
    services.change_status(solved, status=Status.SOLVED, actor=Actor.for_user(agent))
    client.get(path)
    with CaptureQueriesContext(connection) as few:
        client.get(path)
    for n in range(6):
        make_article(title=f"Refund more {n}", body="Refund.", author=agent)
        solved = factories.make_ticket(team=team, subject=f"Refund double charge {n}")
        services.change_status(solved, status=Status.SOLVED, actor=Actor.for_user(agent))
    with CaptureQueriesContext(connection) as more:
        client.get(path)

    # Session, user, the ticket, the agent's reach, the request's first message; for each of
    # the two searches whether its scope is a few ids, then matches, snippets, rows.
    assert len(few) == len(more) == 13
