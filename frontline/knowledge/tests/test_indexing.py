"""Article writes reach search in their own transaction: found at once, never after a
rollback, gone when deleted."""

import pytest
from django.db import transaction

from frontline.core.actors import Actor
from frontline.core.search import ARTICLES, indexed_ids
from frontline.knowledge import services
from frontline.knowledge.indexing import deferred_indexing
from frontline.knowledge.queries import search_articles
from frontline.knowledge.tests import authoring


class Rollback(Exception):
    pass


def _found(actor, text):
    return [h.translation.article_id for h in search_articles(actor, text).hits]


def _save_then_fail(translation, actor, seen):
    with transaction.atomic():
        services.save_translation(
            translation, title="Payouts", body_markdown="The word is quokkafish.", actor=actor
        )
        seen.extend(_found(actor, "quokkafish"))
        raise Rollback


def test_a_saved_article_is_found_at_once(agent, supervisor):
    article = authoring.article(agent, category=authoring.category(supervisor), title="Payouts")
    translation = article.translations.get()
    services.save_translation(
        translation,
        title="Payouts",
        body_markdown="Payouts arrive on the **zebracorn** schedule.",
        actor=Actor.for_user(agent),
    )

    assert _found(Actor.for_user(agent), "zebracorn") == [article.pk]


def test_a_rolled_back_save_is_not_found(agent, supervisor):
    article = authoring.article(agent, category=authoring.category(supervisor), title="Payouts")
    translation = article.translations.get()

    seen: list[int] = []

    with pytest.raises(Rollback):
        _save_then_fail(translation, Actor.for_user(agent), seen)

    assert seen == [article.pk]
    assert _found(Actor.for_user(agent), "quokkafish") == []
    assert _found(Actor.for_user(agent), "payouts") == [article.pk]


def test_a_deleted_article_is_gone_from_search(agent, supervisor):
    article = authoring.article(agent, category=authoring.category(supervisor), title="Payouts")
    ids = list(article.translations.values_list("pk", flat=True))
    services.add_translation(
        article, language="de", title="Auszahlungen", actor=Actor.for_user(agent)
    )

    services.delete_article(article, actor=Actor.for_user(supervisor))

    assert _found(Actor.for_user(agent), "payouts") == []
    assert _found(Actor.for_user(agent), "auszahlungen") == []
    assert not set(ids) & set(indexed_ids(ARTICLES))


def test_deferred_indexing_indexes_once_when_the_block_ends(agent, supervisor):
    category = authoring.category(supervisor)

    with deferred_indexing():
        article = authoring.article(agent, category=category, title="Payouts")
        found_inside = _found(Actor.for_user(agent), "payouts")

    assert found_inside == []
    assert _found(Actor.for_user(agent), "payouts") == [article.pk]
