"""The demo's knowledge base: 60+ articles in eight categories, two languages, every
translation in the search index, written in a few seconds."""

from dataclasses import dataclass
from time import perf_counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from frontline.accounts.models import Role
from frontline.core.search.sync import check
from frontline.knowledge import demo
from frontline.knowledge.indexing import ARTICLE_SOURCE
from frontline.knowledge.models import (
    Article,
    ArticleFeedback,
    ArticleStatus,
    ArticleTranslation,
    Category,
    SearchRecord,
    Visibility,
)
from frontline.knowledge.queries import search_articles
from frontline.knowledge.review import needing_review
from frontline.testing import factories


@pytest.fixture
def loaded(db):
    factories.make_agent(role=Role.HEAD_OF_SUPPORT)
    for _ in range(3):
        factories.make_agent()
    for name in ("Harbour Lane Coffee", "Northwind Grocers", "Example Bistro Group"):
        factories.make_organisation(name=name)
    factories.make_customer()
    started = perf_counter()
    with CaptureQueriesContext(connection) as queries:
        demo.load_demo(now=timezone.now())
    return Load(perf_counter() - started, len(queries.captured_queries))


@dataclass(frozen=True)
class Load:
    seconds: float
    queries: int


def test_the_demo_writes_a_real_help_centre_quickly(loaded):
    translations = ArticleTranslation.objects.all()

    # About 2 s alone on either database; the query count is the stable measure.
    assert loaded.queries < 2100
    assert loaded.seconds < 15
    assert Category.objects.count() == 8
    assert Article.objects.count() >= 60
    assert Article.objects.filter(visibility=Visibility.INTERNAL).count() >= 10
    assert Article.objects.filter(visibility=Visibility.ORGANISATIONS).count() == 3
    assert translations.filter(language="de").count() >= 15
    assert translations.filter(status=ArticleStatus.DRAFT).exists()
    assert needing_review(Article.objects.all(), now=timezone.now()).count() >= 3
    assert ArticleFeedback.objects.exclude(comment="").filter(helpful=False).exists()
    assert SearchRecord.objects.filter(result_count=0).count() >= 10


def test_every_translation_is_in_the_index(loaded):
    drift = check(ARTICLE_SOURCE)

    assert drift.checked == ArticleTranslation.objects.count()
    assert drift.clean


def test_visitors_find_demo_articles_in_both_languages(loaded):
    english = search_articles(None, "refund card").hits
    german = search_articles(None, "Erstattung", language="de").hits

    assert english
    assert german
    assert all(h.translation.article.visibility == Visibility.PUBLIC for h in english)


def test_loading_twice_changes_nothing(loaded):
    count = Article.objects.count()

    demo.load_demo(now=timezone.now())

    assert Article.objects.count() == count
