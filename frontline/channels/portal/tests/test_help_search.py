"""Searching the help centre: highlighted results a page at a time, a clear answer for a
search that cannot run or finds nothing, and every search kept for the gaps report."""

import pytest
from django.test import Client

from frontline.knowledge.models import SearchRecord, SearchScope, Visibility
from frontline.knowledge.tests.factories import make_article, make_kb_category


@pytest.fixture
def refunds(db):
    topic = make_kb_category(name="Billing")
    public = make_article(
        "Getting a refund", "Refunds arrive within five days.", category=topic, slug="refund"
    )
    make_article("Refund override", "Agents only.", category=topic, visibility=Visibility.INTERNAL)
    return public


def search(text, client=None, **extra):
    return (client or Client()).get("/help/search/", {"q": text, **extra})


def test_results_link_to_articles_with_highlighted_snippets(refunds):
    response = search("refund")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="/help/{refunds.article.category.slug}/refund/?lang=en"' in html
    assert "<mark>" in html
    assert "Refund override" not in html
    record = SearchRecord.objects.get()
    assert (record.query, record.scope, record.result_count) == (
        "refund",
        SearchScope.HELP_CENTRE,
        1,
    )


def test_a_search_that_finds_nothing_says_so_and_offers_support(refunds):
    response = search("teleportation")
    html = response.content.decode()
    assert response.status_code == 200
    assert "No articles match" in html
    assert 'href="/portal/tickets/new/"' in html
    assert SearchRecord.objects.get().result_count == 0


def test_results_come_a_page_at_a_time(db):
    topic = make_kb_category()
    for n in range(12):
        make_article(f"Invoice question {n}", "About invoices.", category=topic)
    first = search("invoice").content.decode()
    assert first.count('class="help-snippet"') == 10
    assert "page=2" in first
    second = search("invoice", page="2").content.decode()
    assert second.count('class="help-snippet"') == 2
    assert "page=3" not in second
    assert SearchRecord.objects.count() == 1  # the first page only
    assert search("invoice", page="x").status_code == 200


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x" * 10_000, "at most 1,000 characters"),
        ("refund author:me", "Unknown search field"),
        ("-refund", "exclusions alone"),
    ],
)
def test_a_search_that_cannot_run_is_a_400_page_with_the_reason(refunds, text, message):
    response = search(text)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Search the help centre" in response.content.decode()


@pytest.mark.parametrize("text", ['"refund', "*", "refund*", "(", "NEAR(a b)", "'; --", '""'])
def test_syntax_characters_answer_with_results_or_a_message(refunds, text):
    response = search(text)
    assert response.status_code == 200


def test_operator_only_searches_ask_for_a_word(refunds):
    assert "Type a word to search for." in search("*").content.decode()
    assert "Getting a refund" in search('"refund').content.decode()


def test_an_empty_search_shows_the_box(db):
    response = search("")
    assert response.status_code == 200
    assert 'name="q"' in response.content.decode()
    assert not SearchRecord.objects.exists()


def test_customers_find_their_organisations_articles(db):
    from frontline.testing import factories

    acme = factories.make_organisation(name="Acme")
    mine = factories.make_customer(organisation=acme, with_login=True)
    make_article(
        "Acme contract",
        "Contract terms.",
        visibility=Visibility.ORGANISATIONS,
        organisations=[acme],
    )
    client = Client()
    assert mine.user is not None
    client.force_login(mine.user)
    assert "Acme contract" in search("contract", client).content.decode()
    assert "Acme contract" not in search("contract").content.decode()
