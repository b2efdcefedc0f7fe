"""``frontline search check|reindex`` with the knowledge base's articles as the source.

The drift is made the way only a bug could make it: rows written with the ORM directly,
past the services that index in the same transaction.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from frontline.core.search import ARTICLES, keywords_query, search
from frontline.knowledge.indexing import index_article
from frontline.knowledge.models import Article, ArticleStatus, ArticleTranslation, Category
from frontline.testing.factories import make_agent

pytestmark = pytest.mark.django_db


def _article(slug, title, *, languages=("en",)):
    category, _ = Category.objects.get_or_create(name="Billing", slug="billing")
    article = Article.objects.create(category=category, slug=slug, author=make_agent())
    for language in languages:
        ArticleTranslation.objects.create(
            article=article,
            language=language,
            title=title,
            body_markdown=f"How to {title.lower()}.",
            status=ArticleStatus.PUBLISHED,
        )
    return article


def _search(*args):
    out = StringIO()
    call_command("search", *args, "--no-progress", stdout=out, stderr=StringIO())
    return out.getvalue()


def _found(text):
    return [hit.object_id for hit in search(ARTICLES, keywords_query(text), match="any").hits]


def test_check_reports_a_clean_index():
    index_article(_article("refunds", "Request a refund", languages=("en", "de")))

    output = _search("check", "--index", "articles")

    assert "articles: 2 checked, 0 missing, 0 stale, 0 changed" in output


def test_check_reports_missing_stale_and_changed_documents_and_fails():
    indexed = _article("refunds", "Request a refund")
    gone = _article("invoices", "Download an invoice")
    index_article(indexed)
    index_article(gone)
    missing = _article("passwords", "Reset your password")
    gone.delete()
    indexed.translations.update(title="Ask for your money back")

    with pytest.raises(CommandError, match="has drifted"):
        _search("check")

    changed_id = indexed.translations.get().pk
    missing_id = missing.translations.get().pk
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("search", "check", "--no-progress", stdout=out, stderr=StringIO())
    line = out.getvalue()
    assert "articles: 2 checked, 1 missing, 1 stale, 1 changed" in line
    assert str(missing_id) in line
    assert str(changed_id) in line


def test_reindex_repairs_the_drift():
    indexed = _article("refunds", "Request a refund")
    gone = _article("invoices", "Download an invoice")
    index_article(indexed)
    index_article(gone)
    _article("passwords", "Reset your password")
    gone_id = gone.translations.get().pk
    gone.delete()
    indexed.translations.update(title="Ask for your money back")

    output = _search("reindex", "--index", "articles")

    assert "articles: 2 documents indexed" in output
    assert "0 missing, 0 stale, 0 changed" in _search("check")
    assert _found("password") == [ArticleTranslation.objects.get(title__contains="password").pk]
    assert _found("money") == [indexed.translations.get().pk]
    assert gone_id not in _found("invoice")


def test_reindex_of_an_empty_source_removes_every_document():
    article = _article("refunds", "Request a refund")
    index_article(article)
    ArticleTranslation.objects.all().delete()

    output = _search("reindex", "--index", "articles")

    assert "articles: 0 documents indexed" in output
    assert _found("refund") == []


def test_an_unknown_index_is_refused():
    with pytest.raises(CommandError, match="invalid choice"):
        _search("check", "--index", "nothing")


def test_the_progress_bar_goes_to_stderr(capsys):
    index_article(_article("refunds", "Request a refund"))
    out = StringIO()

    call_command("search", "reindex", "--index", "articles", stdout=out)

    assert "articles: 100%" in capsys.readouterr().err
    assert "1 documents indexed" in out.getvalue()
