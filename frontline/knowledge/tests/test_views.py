"""The knowledge base pages of the workspace: list, new (also from a ticket), editor with
preview, publishing, history and categories, and who is refused."""

import re

import pytest
from django.test import Client

from frontline.core.actors import Actor
from frontline.knowledge import services
from frontline.knowledge.models import Article, ArticleStatus, ArticleTranslation, Visibility
from frontline.knowledge.tests import authoring
from frontline.testing import factories
from frontline.tickets import services as ticket_services


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def billing(supervisor):
    return authoring.category(supervisor)


@pytest.fixture
def draft(agent, billing):
    return authoring.article(agent, category=billing, title="How refunds work")


def test_the_list_shows_articles_with_their_languages_and_filters(agent, supervisor, billing):
    authoring.article(
        agent, category=billing, title="Refunds", published=True, publisher=supervisor
    )
    authoring.article(
        agent, category=billing, title="Internal notes", visibility=Visibility.INTERNAL
    )

    page = signed_in(agent).get("/knowledge/").content.decode()
    published = signed_in(agent).get("/knowledge/", {"status": "published"}).content.decode()
    internal = signed_in(agent).get("/knowledge/", {"visibility": "internal"}).content.decode()

    assert "Refunds" in page
    assert "Internal notes" in page
    assert "en · published" in page
    assert "Refunds" in published
    assert "Internal notes" not in published
    assert "Internal notes" in internal
    assert ">Refunds<" not in internal


def test_the_list_searches_and_shows_a_bad_query_as_a_message(agent, billing):
    authoring.article(agent, category=billing, title="Card declined at renewal")
    authoring.article(agent, category=billing, title="Payout schedule")

    found = signed_in(agent).get("/knowledge/", {"q": "declined"})
    bad = signed_in(agent).get("/knowledge/", {"q": "colour:blue"})

    assert "Card declined" in found.content.decode()
    assert "Payout schedule" not in found.content.decode()
    assert bad.status_code == 200
    assert 'role="alert"' in bad.content.decode()


def test_the_list_reads_a_fixed_number_of_queries(agent, billing, django_assert_num_queries):
    for n in range(30):
        authoring.article(agent, category=billing, title=f"Article {n}")
    client = signed_in(agent)
    client.get("/knowledge/")

    with django_assert_num_queries(6):
        response = client.get("/knowledge/")

    assert len(re.findall(r'href="/knowledge/articles/\d+/"', response.content.decode())) == 25
    assert "page=2" in response.content.decode()


def test_a_new_article_is_written_as_a_draft(agent, billing):
    response = signed_in(agent).post(
        "/knowledge/articles/new/",
        {
            "title": "Change your plan",
            "body": "Open **Billing**.",
            "language": "en",
            "category": billing.pk,
            "visibility": "public",
            "tags": "plan, billing",
        },
    )

    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/knowledge/articles/{article.pk}/"
    assert sorted(article.tags.values_list("name", flat=True)) == ["billing", "plan"]
    assert article.translations.get().status == ArticleStatus.DRAFT


def test_an_article_starts_from_a_ticket_the_agent_can_see(agent, team, billing, outsider):
    ticket = factories.make_ticket(team=team, subject="Refund for order 1234")
    ticket_services.reply_to_ticket(
        ticket, body="Go to Orders, pick the order and press Refund.", actor=Actor.for_user(agent)
    )

    page = signed_in(agent).get("/knowledge/articles/new/", {"from_ticket": ticket.pk})
    refused = signed_in(outsider).get("/knowledge/articles/new/", {"from_ticket": ticket.pk})
    from_gaps = signed_in(agent).get("/knowledge/articles/new/", {"title": "vat number"})

    html = page.content.decode()
    assert 'value="Refund for order 1234"' in html
    assert "Go to Orders, pick the order and press Refund." in html
    assert refused.status_code == 404
    assert 'value="vat number"' in from_gaps.content.decode()


def test_an_article_from_a_ticket_remembers_it(agent, team, billing):
    ticket = factories.make_ticket(team=team, subject="Refund for order 1234")

    signed_in(agent).post(
        "/knowledge/articles/new/",
        {"from_ticket": ticket.pk, "title": "Refunds", "body": "x", "category": billing.pk},
    )

    assert Article.objects.get().source_ticket == ticket


def test_the_preview_renders_sanitised_html(agent):
    response = signed_in(agent).post(
        "/knowledge/articles/preview/",
        {"body": "**Bold** <script>alert(1)</script> [x](javascript:alert(1))"},
    )

    html = response.content.decode()
    assert "<strong>Bold</strong>" in html
    assert "<script" not in html
    assert 'href="javascript' not in html


def test_saving_in_the_editor_makes_a_version(agent, draft):
    response = signed_in(agent).post(
        f"/knowledge/articles/{draft.pk}/",
        {"language": "en", "title": "Refunds", "body": "New words", "note": "Rewrite"},
    )

    translation = draft.translations.get()
    assert response.status_code == 302
    assert (translation.title, translation.version) == ("Refunds", 2)


def test_publish_buttons_are_for_those_who_may_publish(agent, supervisor, draft):
    agent_page = signed_in(agent).get(f"/knowledge/articles/{draft.pk}/").content.decode()
    supervisor_page = signed_in(supervisor).get(f"/knowledge/articles/{draft.pk}/").content.decode()
    refused = signed_in(agent).post(
        f"/knowledge/articles/{draft.pk}/status/", {"language": "en", "action": "publish"}
    )
    published = signed_in(supervisor).post(
        f"/knowledge/articles/{draft.pk}/status/", {"language": "en", "action": "publish"}
    )

    assert 'value="publish"' not in agent_page
    assert 'value="publish"' in supervisor_page
    assert refused.status_code == 403
    assert published.status_code == 302
    assert draft.translations.get().status == ArticleStatus.PUBLISHED


def test_a_translation_is_added_and_shown_in_its_tab(agent, draft):
    response = signed_in(agent).post(
        f"/knowledge/articles/{draft.pk}/translations/",
        {"language": "de", "title": "So funktionieren Erstattungen", "body": "Text"},
    )
    page = signed_in(agent).get(response["Location"]).content.decode()
    unknown = signed_in(agent).post(
        f"/knowledge/articles/{draft.pk}/translations/", {"language": "xx", "title": "X"}
    )

    assert ArticleTranslation.objects.filter(article=draft, language="de").exists()
    assert "So funktionieren Erstattungen" in page
    assert unknown.status_code == 422
    assert "not a language code" in unknown.content.decode()


def test_settings_change_visibility_and_refuse_a_taken_slug(agent, billing, draft):
    other = authoring.article(agent, category=billing, title="Other")
    acme = factories.make_organisation(name="Acme")
    url = f"/knowledge/articles/{other.pk}/settings/"
    common = {"category": billing.pk, "language": "en"}

    taken = signed_in(agent).post(url, {**common, "slug": draft.slug})
    changed = signed_in(agent).post(
        url, {**common, "slug": "other", "visibility": "organisations", "organisations": [acme.pk]}
    )

    assert taken.status_code == 422
    assert "already has the address" in taken.content.decode()
    assert changed.status_code == 302
    other.refresh_from_db()
    assert other.visibility == Visibility.ORGANISATIONS
    assert list(other.organisations.all()) == [acme]


def test_history_shows_the_diff_and_restores(agent, supervisor, draft):
    translation = draft.translations.get()
    services.save_translation(
        translation, title="Refunds", body_markdown="<b>new</b> line", actor=Actor.for_user(agent)
    )

    page = signed_in(agent).get(f"/knowledge/articles/{draft.pk}/history/").content.decode()
    agent_restore = signed_in(agent).post(
        f"/knowledge/articles/{draft.pk}/history/1/restore/", {"language": "en"}
    )
    restored = signed_in(supervisor).post(
        f"/knowledge/articles/{draft.pk}/history/1/restore/", {"language": "en"}
    )

    assert '<span class="diff-added">+ &lt;b&gt;new&lt;/b&gt; line</span>' in page
    assert 'class="diff-removed"' in page
    assert "Restore v1" not in page
    assert agent_restore.status_code == 403
    assert restored.status_code == 302
    translation.refresh_from_db()
    assert (translation.version, translation.title) == (3, "How refunds work")


def test_categories_and_sections_are_managed_by_those_who_publish(agent, supervisor, billing):
    added = signed_in(supervisor).post("/knowledge/categories/", {"name": "Orders & shipping"})
    section = signed_in(supervisor).post(
        "/knowledge/categories/", {"category": billing.pk, "name": "Refunds"}
    )
    refused = signed_in(agent).post("/knowledge/categories/", {"name": "Mine"})
    page = signed_in(agent).get("/knowledge/categories/").content.decode()

    assert added.status_code == 302
    assert section.status_code == 302
    assert refused.status_code == 403
    assert "Orders &amp; shipping" in page
    assert "Refunds" in page
    assert "Add category" not in page


def test_analysts_read_but_do_not_write(analyst, draft):
    client = signed_in(analyst)

    page = client.get(f"/knowledge/articles/{draft.pk}/")
    save = client.post(
        f"/knowledge/articles/{draft.pk}/", {"language": "en", "title": "X", "body": "Y"}
    )

    assert page.status_code == 200
    assert "readonly" in page.content.decode()
    assert save.status_code == 403
    assert draft.translations.get().version == 1


@pytest.mark.parametrize(
    "path",
    [
        "/knowledge/",
        "/knowledge/articles/new/",
        "/knowledge/categories/",
        "/knowledge/articles/{id}/",
        "/knowledge/articles/{id}/history/",
    ],
)
def test_customers_and_visitors_are_refused(customer, draft, path):
    url = path.format(id=draft.pk)

    visitor = Client().get(url)
    portal = signed_in(customer.user).get(url)

    assert visitor.status_code == 302
    assert visitor["Location"].startswith("/accounts/sign-in/")
    assert portal.status_code == 403


def test_deleting_needs_the_right_to_publish(agent, supervisor, draft):
    refused = signed_in(agent).post(f"/knowledge/articles/{draft.pk}/delete/")
    deleted = signed_in(supervisor).post(f"/knowledge/articles/{draft.pk}/delete/")

    assert refused.status_code == 403
    assert deleted.status_code == 302
    assert not Article.objects.exists()


def test_a_query_of_filters_only_lists_what_they_match(agent, supervisor, billing):
    authoring.article(
        agent, category=billing, title="Live one", published=True, publisher=supervisor
    )
    authoring.article(agent, category=billing, title="Draft one")

    page = signed_in(agent).get("/knowledge/", {"q": "status:published"}).content.decode()

    assert "Live one" in page
    assert "Draft one" not in page


def test_the_editor_opens_on_the_language_the_article_was_written_in(agent, draft):
    services.add_translation(
        draft, language="de", title="Erstattungen", actor=Actor.for_user(agent)
    )

    page = signed_in(agent).get(f"/knowledge/articles/{draft.pk}/").content.decode()

    assert '<input type="hidden" name="language" value="en">' in page
