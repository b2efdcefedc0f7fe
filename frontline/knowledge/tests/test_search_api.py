"""GET /api/v1/search: the fixed shape, paging, who finds what, and bad input."""

import pytest

from frontline.accounts.models import Team, User
from frontline.core.actors import Actor
from frontline.customers.models import Customer
from frontline.knowledge.models import ArticleStatus, Visibility
from frontline.knowledge.tests.articles import make_article
from frontline.testing import factories
from frontline.tickets import services

pytestmark = pytest.mark.django_db

URL = "/api/v1/search"


def test_tickets_in_the_fixed_shape(api_as, agent: User, team: Team) -> None:
    ticket = factories.make_ticket(team=team, subject="Parcel lost", body="My parcel is lost")

    response = api_as(agent).get(URL, q="parcel")

    assert response.status_code == 200
    body = response.json()
    assert body.keys() == {"items", "next"}
    (item,) = body["items"]
    assert item.keys() == {"type", "id", "title", "snippet", "score"}
    assert (item["type"], item["id"], item["title"]) == ("ticket", ticket.pk, "Parcel lost")
    assert "<mark>" in item["snippet"]
    assert isinstance(item["score"], float)
    assert body["next"] is None


def test_a_ticket_created_a_moment_ago_is_found(api_as, agent: User, team: Team) -> None:
    client = api_as(agent)
    created = client.post(
        "/api/v1/tickets",
        {"subject": "Gizmo overheats", "body": "Hot", "customer": {"email": "x@example.test"}},
    )

    found = client.get(URL, q="gizmo").json()["items"]

    assert [i["id"] for i in found] == [created.json()["id"]]


def test_articles_in_the_fixed_shape(api_as, agent: User) -> None:
    article = make_article(title="Reset your password", body="Click *forgot*.", author=agent)

    response = api_as(agent).get(URL, q="password", type="articles")

    (item,) = response.json()["items"]
    assert (item["type"], item["id"], item["title"]) == (
        "article",
        article.pk,
        "Reset your password",
    )


def test_paging_with_page_size_and_next(api_as, agent: User, team: Team) -> None:
    for n in range(3):
        factories.make_ticket(team=team, subject=f"Lighthouse {n}")
    client = api_as(agent)

    first = client.get(URL, q="lighthouse", page_size="2").json()
    second = client._client.get(first["next"], headers=client._headers).json()

    assert len(first["items"]) == 2
    assert first["next"].startswith("/api/v1/search?")
    assert len(second["items"]) == 1
    assert second["next"] is None
    seen = {i["id"] for i in first["items"]} | {i["id"] for i in second["items"]}
    assert len(seen) == 3


def test_anonymous_callers_search_public_articles_only(api_as, agent: User) -> None:
    make_article(title="Public shipping times", body="Two days.", author=agent)
    make_article(
        title="Internal shipping escalation",
        body="Call the depot.",
        author=agent,
        visibility=Visibility.INTERNAL,
    )
    make_article(
        title="Draft shipping policy", body="Soon.", author=agent, status=ArticleStatus.DRAFT
    )
    anonymous = api_as(None)

    default = anonymous.get(URL, q="shipping").json()["items"]
    tickets = anonymous.get(URL, q="shipping", type="tickets")

    assert [i["title"] for i in default] == ["Public shipping times"]
    assert tickets.status_code == 401
    assert tickets.json()["code"] == "not_authenticated"


def test_customers_find_their_own_tickets_without_note_text(
    api_as, agent: User, team: Team, customer: Customer, other_customer: Customer
) -> None:
    own = factories.make_ticket(team=team, customer=customer, subject="Kettle broken")
    factories.make_ticket(team=team, customer=other_customer, subject="Kettle broken too")
    services.add_note(own, body="lemon", actor=Actor.for_user(agent))
    client = api_as(customer.user)

    assert [i["id"] for i in client.get(URL, q="kettle").json()["items"]] == [own.pk]
    assert client.get(URL, q="lemon").json()["items"] == []


def test_an_outsider_never_sees_another_teams_ticket(api_as, outsider: User, team: Team) -> None:
    factories.make_ticket(team=team, subject="Confidential merger")

    assert api_as(outsider).get(URL, q="merger").json()["items"] == []


@pytest.mark.parametrize(
    "q",
    ["", "   ", "x" * 10_240, "colour:red", "-alone", "status:frozen"],
)
def test_bad_input_is_a_clear_400(api_as, agent: User, q: str) -> None:
    response = api_as(agent).get(URL, q=q)

    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "q", ['"unbalanced', "* ( ) : ^", "NEAR AND OR", "NOT", '""', "AND(", "title:", "^x*"]
)
def test_syntax_characters_are_plain_text(api_as, agent: User, team: Team, q: str) -> None:
    factories.make_ticket(team=team, subject="Near and far")

    for kind in ("tickets", "articles"):
        response = api_as(agent).get(URL, q=q, type=kind)
        assert response.status_code == 200, (kind, response.content)


def test_a_cursor_not_issued_here_is_refused(api_as, agent: User) -> None:
    response = api_as(agent).get(URL, q="x", cursor="made-up")

    assert response.status_code == 422
    assert response.json()["field"] == "cursor"


def test_an_unknown_type_is_refused(api_as, agent: User) -> None:
    assert api_as(agent).get(URL, q="x", type="users").status_code == 422
