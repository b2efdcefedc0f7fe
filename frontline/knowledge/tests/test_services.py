"""The knowledge base's writers: slugs, versions, restore, translations, publishing rights,
review and categories."""

import pytest

from frontline.core.actors import Actor
from frontline.core.errors import Conflict, PermissionDenied, ValidationFailed
from frontline.knowledge import services
from frontline.knowledge.diff import diff_versions
from frontline.knowledge.models import ArticleStatus, ArticleVersion, Visibility
from frontline.knowledge.queries import search_articles
from frontline.knowledge.tests import authoring


@pytest.fixture
def billing(supervisor):
    return authoring.category(supervisor)


def test_a_new_article_is_a_draft_at_version_one_with_a_slug_from_its_title(agent, billing):
    article = authoring.article(agent, category=billing, title="How refunds work!")

    translation = article.translations.get()
    assert article.slug == "how-refunds-work"
    assert article.author == agent
    assert (translation.language, translation.status, translation.version) == ("en", "draft", 1)
    assert translation.body_html == "<p>Refunds reach the card in <strong>5 days</strong>.</p>\n"
    assert list(translation.versions.values_list("number", "note")) == [(1, "Created")]


def test_slugs_are_unique_per_category(agent, supervisor, billing):
    first = authoring.article(agent, category=billing, title="Refunds")
    second = authoring.article(agent, category=billing, title="Refunds")
    elsewhere = authoring.article(
        agent, category=authoring.category(supervisor, "Orders"), title="Refunds"
    )

    assert (first.slug, second.slug, elsewhere.slug) == ("refunds", "refunds-2", "refunds")
    with pytest.raises(services.DuplicateSlug, match="already has the address 'refunds'"):
        services.create_article(
            category=billing, title="Other", slug="refunds", actor=Actor.for_user(agent)
        )
    with pytest.raises(services.DuplicateSlug):
        services.update_article(
            second, changes=services.ArticleChanges(slug="refunds"), actor=Actor.for_user(agent)
        )


def test_bad_titles_and_languages_are_refused_clearly(agent, billing):
    actor = Actor.for_user(agent)
    with pytest.raises(ValidationFailed, match="needs a title"):
        services.create_article(category=billing, title="   ", actor=actor)
    with pytest.raises(services.UnknownLanguage, match="'xx' is not a language code"):
        services.create_article(category=billing, title="Hi", language="xx", actor=actor)
    with pytest.raises(ValidationFailed, match="at least one organisation"):
        services.create_article(
            category=billing, title="Hi", visibility=Visibility.ORGANISATIONS, actor=actor
        )


def test_saving_new_words_appends_a_version_and_rerenders(agent, billing):
    article = authoring.article(agent, category=billing)
    translation = article.translations.get()
    actor = Actor.for_user(agent)

    services.save_translation(
        translation,
        title="Refunds",
        body_markdown="# Steps\n\nAsk us.",
        note="Shorter",
        actor=actor,
    )
    services.save_translation(
        translation, title="Refunds", body_markdown="# Steps\n\nAsk us.", actor=actor
    )

    translation.refresh_from_db()
    assert translation.version == 2
    assert translation.body_html == "<h1>Steps</h1>\n<p>Ask us.</p>\n"
    assert list(translation.versions.values_list("number", "title", "note")) == [
        (2, "Refunds", "Shorter"),
        (1, "How refunds work", "Created"),
    ]


def test_restoring_an_old_version_adds_a_new_one_with_its_text(agent, supervisor, billing):
    article = authoring.article(agent, category=billing, body="one\ntwo\n")
    translation = article.translations.get()
    services.save_translation(
        translation, title="Refunds", body_markdown="one\nthree\n", actor=Actor.for_user(agent)
    )
    first = translation.versions.get(number=1)

    with pytest.raises(PermissionDenied):
        services.restore_version(first, actor=Actor.for_user(agent))
    services.restore_version(first, actor=Actor.for_user(supervisor))

    translation.refresh_from_db()
    assert (translation.version, translation.title, translation.body_markdown) == (
        3,
        "How refunds work",
        "one\ntwo\n",
    )
    assert translation.versions.get(number=3).note == "Restored version 1"


def test_the_diff_of_two_versions_shows_added_and_removed_lines(agent, billing):
    article = authoring.article(agent, category=billing, body="Intro\nStep one\nOutro")
    translation = article.translations.get()
    services.save_translation(
        translation,
        title="Refunds",
        body_markdown="Intro\nStep <b>two</b>\nOutro",
        actor=Actor.for_user(agent),
    )
    old, new = ArticleVersion.objects.filter(translation=translation).order_by("number")

    diff = diff_versions(old, new)

    assert diff.title_changed
    assert [(line.kind, line.text) for line in diff.lines if line.kind != "gap"] == [
        ("same", "Intro"),
        ("removed", "Step one"),
        ("added", "Step <b>two</b>"),
        ("same", "Outro"),
    ]
    assert (diff.added, diff.removed) == (1, 1)


def test_a_second_language_is_its_own_draft(agent, billing):
    article = authoring.article(agent, category=billing)
    actor = Actor.for_user(agent)

    german = services.add_translation(
        article, language="DE", title="So funktionieren Erstattungen", actor=actor
    )

    assert (german.language, german.status, german.version) == ("de", "draft", 1)
    with pytest.raises(Conflict, match="already has a 'de' translation"):
        services.add_translation(article, language="de", title="Noch einmal", actor=actor)
    with pytest.raises(services.UnknownLanguage):
        services.add_translation(article, language="klingon", title="Qapla", actor=actor)


def test_only_those_who_may_publish_publish_and_change_published_words(
    agent, supervisor, analyst, billing
):
    article = authoring.article(agent, category=billing)
    translation = article.translations.get()

    with pytest.raises(PermissionDenied, match="may publish"):
        services.publish_translation(translation, actor=Actor.for_user(agent))
    services.publish_translation(translation, actor=Actor.for_user(supervisor))
    translation.refresh_from_db()
    assert translation.status == ArticleStatus.PUBLISHED
    assert translation.published_at is not None
    with pytest.raises(PermissionDenied):
        services.save_translation(
            translation, title="Changed", body_markdown="x", actor=Actor.for_user(agent)
        )
    with pytest.raises(PermissionDenied, match="write tickets may edit"):
        services.create_article(category=billing, title="Hi", actor=Actor.for_user(analyst))
    services.unpublish_translation(translation, actor=Actor.for_user(supervisor))
    translation.refresh_from_db()
    assert translation.status == ArticleStatus.DRAFT


def test_marking_reviewed_records_who_and_when(agent, supervisor, billing):
    article = authoring.article(agent, category=billing)

    services.mark_reviewed(article, actor=Actor.for_user(supervisor))

    article.refresh_from_db()
    assert article.reviewer == supervisor
    assert article.last_reviewed_at is not None


def test_renaming_a_category_reindexes_its_articles(agent, supervisor, billing):
    article = authoring.article(agent, category=billing, published=False)
    services.update_category(billing, name="Payments", actor=Actor.for_user(supervisor))

    hits = search_articles(Actor.for_user(agent), "payments").hits

    assert [h.translation.article_id for h in hits] == [article.pk]


def test_a_category_with_articles_is_not_deleted(agent, supervisor, billing):
    authoring.article(agent, category=billing)

    with pytest.raises(Conflict, match="still holds 1 article"):
        services.delete_category(billing, actor=Actor.for_user(supervisor))


def test_deleting_a_section_keeps_its_articles_in_the_category(agent, supervisor, billing):
    actor = Actor.for_user(supervisor)
    section = services.create_section(category=billing, name="Refunds", actor=actor)
    article = authoring.article(agent, category=billing)
    services.update_article(article, changes=services.ArticleChanges(section=section), actor=actor)
    with pytest.raises(services.DuplicateSlug):
        services.create_section(category=billing, name="Refunds", actor=actor)

    services.delete_section(section, actor=actor)

    article.refresh_from_db()
    assert (article.category, article.section) == (billing, None)


def test_a_section_of_another_category_is_refused(agent, supervisor, billing):
    orders = authoring.category(supervisor, "Orders")
    section = services.create_section(
        category=orders, name="Tracking", actor=Actor.for_user(supervisor)
    )

    with pytest.raises(ValidationFailed, match="not a section of Billing"):
        services.create_article(
            category=billing, section=section, title="Hi", actor=Actor.for_user(agent)
        )
