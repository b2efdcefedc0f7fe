"""The workspace search page: results, tabs, chips, paging, errors, refusals."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from frontline.accounts.models import Team, User
from frontline.customers.models import Customer
from frontline.testing import factories

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_page_lists_highlighted_hits_with_their_details(agent: User, team: Team) -> None:
    ticket = factories.make_ticket(team=team, subject="Refund for <order>", body="Please refund")

    response = _client(agent).get("/search/", {"q": "refund"})

    html = response.content.decode()
    assert response.status_code == 200
    assert f"#{ticket.number}" in html
    assert "<mark>Refund</mark> for &lt;order&gt;" in html
    assert "Tier 1" in html
    assert "Unassigned" in html
    assert 'aria-current="page">Tickets <span class="count">1</span>' in html


def test_chips_add_filters_to_the_query(agent: User, team: Team) -> None:
    factories.make_ticket(team=team, subject="Refund")

    html = _client(agent).get("/search/", {"q": "refund"}).content.decode()

    assert 'href="/search/?q=refund+status%3Aunsolved&amp;type=tickets"' in html
    assert f'href="/search/?q=refund+team%3A{team.slug}&amp;type=tickets"' in html


def test_an_active_chip_removes_its_filter(agent: User, team: Team) -> None:
    factories.make_ticket(team=team, subject="Refund")

    html = _client(agent).get("/search/", {"q": "refund status:unsolved"}).content.decode()

    assert 'href="/search/?q=refund&amp;type=tickets" aria-pressed="true"' in html


def test_paging(agent: User, team: Team) -> None:
    for n in range(21):
        factories.make_ticket(team=team, subject=f"Lighthouse {n}")

    first = _client(agent).get("/search/", {"q": "lighthouse"}).content.decode()
    second = _client(agent).get("/search/", {"q": "lighthouse", "page": "2"}).content.decode()

    assert 'href="/search/?q=lighthouse&amp;type=tickets&amp;page=2" rel="next"' in first
    assert 'href="/search/?q=lighthouse&amp;type=tickets" rel="prev"' in second
    assert second.count('class="search-hit"') == 1


@pytest.mark.parametrize("q", ["colour:red", "x" * 1001, "-alone", "status:frozen"])
def test_a_bad_query_shows_its_error_in_the_page(agent: User, q: str) -> None:
    response = _client(agent).get("/search/", {"q": q})

    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_hostile_input_is_plain_text(agent: User, team: Team) -> None:
    response = _client(agent).get("/search/", {"q": '"( * ^ NEAR AND OR'})

    assert response.status_code == 200


def test_an_outsider_does_not_see_another_teams_ticket(outsider: User, team: Team) -> None:
    factories.make_ticket(team=team, subject="Confidential merger")

    html = _client(outsider).get("/search/", {"q": "merger"}).content.decode()

    assert "Confidential" not in html


def test_customers_and_visitors_are_refused(customer: Customer) -> None:
    assert customer.user is not None
    assert _client(customer.user).get("/search/", {"q": "x"}).status_code == 403
    assert Client().get("/search/", {"q": "x"}).status_code == 302
    assert _client(customer.user).get("/search/articles/suggestions/").status_code == 403


def test_the_header_has_the_search_box(agent: User) -> None:
    html = _client(agent).get("/search/").content.decode()

    assert 'action="/search/" role="search"' in html
    assert '<label class="visually-hidden" for="workspace-search">Search</label>' in html


def test_the_page_takes_a_fixed_number_of_queries(agent: User, team: Team) -> None:
    client = _client(agent)
    for n in range(3):
        factories.make_ticket(team=team, subject=f"Lighthouse {n}")
    client.get("/search/", {"q": "lighthouse"})

    with CaptureQueriesContext(connection) as few:
        client.get("/search/", {"q": "lighthouse"})
    for n in range(10):
        factories.make_ticket(team=team, subject=f"Lighthouse more {n}")
    with CaptureQueriesContext(connection) as more:
        client.get("/search/", {"q": "lighthouse"})

    assert len(few) == len(more)
    # Session, user, the agent's reach; whether the ticket scope is a few ids, ticket
    # matches, their snippets, their rows with relations; the same probe and article matches
    # (none, so no snippets or rows)... the notification badge.
    assert len(more) == 9


def test_the_header_dropdown_shows_the_top_tickets(agent: User, team: Team) -> None:
    ticket = factories.make_ticket(team=team, subject="Lighthouse keeper")

    html = _client(agent).get("/search/quick/", {"q": "lighthouse"}).content.decode()
    bad = _client(agent).get("/search/quick/", {"q": "colour:red"}).content.decode()

    assert f'href="/tickets/{ticket.number}/"' in html
    assert "<mark>Lighthouse</mark> keeper" in html
    assert 'href="/search/?q=lighthouse">All results' in html
    assert "Unknown search field" in bad


def test_the_header_dropdown_is_for_staff(customer: Customer) -> None:
    assert customer.user is not None
    assert _client(customer.user).get("/search/quick/", {"q": "x"}).status_code == 403
