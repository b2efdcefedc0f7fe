"""The help centre's pages: what each reader sees, in which language, and view counts."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from frontline.knowledge.models import ArticleStatus, ArticleTranslation, Visibility
from frontline.knowledge.tests.factories import (
    add_translation,
    make_article,
    make_kb_category,
    make_section,
)
from frontline.testing import factories


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def url(translation, **query):
    article = translation.article
    path = f"/help/{article.category.slug}/{article.slug}/"
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def acme(db):
    return factories.make_organisation(name="Acme")


@pytest.fixture
def acme_customer(acme):
    return factories.make_customer(name="Ann Acme", organisation=acme, with_login=True)


@pytest.fixture
def library(acme):
    billing = make_kb_category(name="Billing", description="Invoices and payments")
    refunds = make_section(billing, name="Refunds")
    cards = make_section(billing, name="Cards", position=1)
    accounts = make_kb_category(name="Accounts")
    secret = make_kb_category(name="Secret")
    return {
        "refund": make_article(
            "Getting a refund",
            "Ask within **30 days**. <script>alert(1)</script>",
            section=refunds,
            slug="refunds",
        ),
        "partial": make_article("Partial refunds", "Half of it.", section=refunds),
        "card": make_article("Card declined", "Try another card.", section=cards),
        "password": make_article("Reset your password", "Use the link.", category=accounts),
        "internal": make_article(
            "Refund override", "Agents only.", section=refunds, visibility=Visibility.INTERNAL
        ),
        "draft": make_article(
            "Refunds in 2027", "Soon.", section=refunds, status=ArticleStatus.DRAFT
        ),
        "acme": make_article(
            "Acme invoices",
            "Your contract terms.",
            section=cards,
            visibility=Visibility.ORGANISATIONS,
            organisations=[acme],
        ),
        "hidden_category": make_article(
            "Only internal here", "x", category=secret, visibility=Visibility.INTERNAL
        ),
    }


def test_the_home_page_shows_categories_with_counts_popular_articles_and_a_search_box(library, db):
    ArticleTranslation.objects.filter(pk=library["password"].pk).update(view_count=50)
    response = Client().get("/help/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Billing" in html
    assert "3 articles" in html  # refund, partial, card: not internal, draft or Acme's
    assert "Accounts" in html
    assert "1 article<" in html
    assert "Secret" not in html
    assert html.index("Reset your password") < html.index("Getting a refund")
    assert 'action="/help/search/"' in html
    assert 'href="/help/"' in html  # the header's "Help centre" link
    assert 'class="skip-link"' in html


def test_a_customer_of_an_organisation_also_sees_its_articles(library, acme_customer, customer):
    assert "4 articles" in signed_in(acme_customer.user).get("/help/").content.decode()
    assert "3 articles" in signed_in(customer.user).get("/help/").content.decode()
    category = f"/help/{library['acme'].article.category.slug}/"
    assert "Acme invoices" in signed_in(acme_customer.user).get(category).content.decode()
    assert "Acme invoices" not in signed_in(customer.user).get(category).content.decode()
    assert signed_in(acme_customer.user).get(url(library["acme"])).status_code == 200
    assert signed_in(customer.user).get(url(library["acme"])).status_code == 404
    assert Client().get(url(library["acme"])).status_code == 404


def test_a_category_lists_its_sections_and_their_articles(library, db):
    response = Client().get(f"/help/{library['refund'].article.category.slug}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Refunds") < html.index("Getting a refund") < html.index("Cards")
    assert html.index("Cards") < html.index("Card declined")
    assert "Refund override" not in html
    assert "Refunds in 2027" not in html


def test_unknown_and_internal_only_categories_are_not_found(library, db):
    assert Client().get("/help/no-such-topic/").status_code == 404
    secret = library["hidden_category"].article.category.slug
    assert Client().get(f"/help/{secret}/").status_code == 404


def test_internal_and_draft_articles_are_not_found_for_visitors_and_customers(
    library, customer, agent
):
    for reader in (Client(), signed_in(customer.user)):
        for name in ("internal", "draft"):
            assert reader.get(url(library[name])).status_code == 404
    assert Client().get("/help/billing-1/no-such-article/").status_code == 404


def test_an_article_shows_its_rendered_body_the_update_date_and_related_articles(library, db):
    response = Client().get(url(library["refund"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Getting a refund</h1>" in html
    assert "<strong>30 days</strong>" in html
    assert "<script>alert" not in html
    assert "Updated <time" in html
    related = html[html.index("Related articles") :]
    assert "Partial refunds" in related
    assert "Card declined" not in related  # another section
    assert "Refund override" not in related
    assert "Was this helpful?" in html
    assert "Did this answer your question?" not in html


@pytest.fixture
def bilingual(db):
    english = make_article("Change your address", "Open the account page.", slug="address")
    german = add_translation(
        english.article, "Adresse ändern", "Öffnen Sie die Kontoseite.", language="de"
    )
    add_translation(
        english.article, "Entwurf", "Noch nicht.", language="fr", status=ArticleStatus.DRAFT
    )
    return english, german


def test_the_language_comes_from_lang_then_accept_language_then_the_first_published(bilingual):
    english, _german = bilingual
    assert "Adresse ändern" in Client().get(url(english, lang="de")).content.decode()
    accepting = Client(headers={"Accept-Language": "fr-FR,de-CH;q=0.9,en;q=0.5"})
    assert "Adresse ändern" in accepting.get(url(english)).content.decode()
    chosen = Client(headers={"Accept-Language": "de"}).get(url(english, lang="en"))
    assert "<h1>Change your address</h1>" in chosen.content.decode()
    html = Client().get(url(english)).content.decode()
    assert "<h1>Change your address</h1>" in html
    assert 'hreflang="de"' in html
    assert 'hreflang="fr"' not in html  # a draft translation
    assert "Entwurf" not in Client().get(url(english, lang="fr")).content.decode()


def test_views_are_counted_once_per_session_and_not_for_staff(library, agent):
    refund = library["refund"]
    visitor = Client()
    visitor.get(url(refund))
    visitor.get(url(refund))
    Client().get(url(refund, lang="en"))
    signed_in(agent).get(url(refund))
    refund.refresh_from_db()
    assert refund.view_count == 2


def test_the_home_and_category_pages_take_a_fixed_number_of_queries(library, acme_customer):
    client = signed_in(acme_customer.user)
    category = f"/help/{library['refund'].article.category.slug}/"
    client.get("/help/")
    with CaptureQueriesContext(connection) as home:
        assert client.get("/help/").status_code == 200
    with CaptureQueriesContext(connection) as listing:
        assert client.get(category).status_code == 200
    for n in range(8):
        make_article(f"More {n}", "x", section=library["refund"].article.section)
    with CaptureQueriesContext(connection) as home_after:
        client.get("/help/")
    with CaptureQueriesContext(connection) as listing_after:
        client.get(category)
    assert (len(home), len(listing)) == (len(home_after), len(listing_after))
    # The home page also lists the self-service workflows ("Get help with…").
    assert (len(home), len(listing)) == (6, 5)
