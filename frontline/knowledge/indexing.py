"""Article translations in the search module's ``articles`` index. Every service that
changes an article's words, tags, category or section calls ``index_article`` in its own
transaction, so a search never sees a state the database does not hold."""

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

from frontline.core.html import html_to_text
from frontline.core.search import ARTICLES, Document, index_documents, remove_documents
from frontline.knowledge.models import Article, ArticleTranslation
from frontline.knowledge.rendering import render_markdown


def translation_document(translation: ArticleTranslation) -> Document:
    article = translation.article
    tags = " ".join(tag.name for tag in article.tags.all())
    places = [article.category.name, article.section.name if article.section else ""]
    return Document(
        object_id=translation.pk,
        title=translation.title,
        body=html_to_text(translation.body_html or render_markdown(translation.body_markdown)),
        extra=" ".join(p for p in (*places, tags) if p),
        language=translation.language,
    )


def _translations(ids: Iterable[int]) -> list[ArticleTranslation]:
    return list(
        ArticleTranslation.objects.filter(pk__in=list(ids))
        .select_related("article__category", "article__section")
        .prefetch_related("article__tags")
        .order_by("pk")
    )


# While set (``deferred_indexing``), the ids to index when the block ends.
_DEFERRED: ContextVar[set[int] | None] = ContextVar("knowledge_deferred_index", default=None)


@contextmanager
def deferred_indexing() -> Iterator[None]:
    """Index what the block's writes touch once, as it ends, instead of after each write:
    for bulk loads (the demo) inside one transaction. Removals are not deferred."""
    pending: set[int] = set()
    token = _DEFERRED.set(pending)
    try:
        yield
    finally:
        _DEFERRED.reset(token)
    index_translations(sorted(pending))


def index_translations(ids: Sequence[int]) -> None:
    pending = _DEFERRED.get()
    if pending is not None:
        pending.update(ids)
        return
    translations = _translations(ids)
    index_documents(ARTICLES, [translation_document(t) for t in translations])
    remove_documents(ARTICLES, sorted(set(ids) - {t.pk for t in translations}))


def index_article(article: Article) -> None:
    """(Re)index every translation of ``article``; call after any change to it."""
    index_translations(list(article.translations.values_list("pk", flat=True)))


def unindex_translations(ids: Sequence[int]) -> None:
    """Before deleting translations (or their article): their documents go too."""
    remove_documents(ARTICLES, list(ids))


class _ArticleSource:
    index = ARTICLES

    def all_ids(self) -> Iterable[int]:
        return ArticleTranslation.objects.order_by("pk").values_list("pk", flat=True).iterator()

    def documents(self, ids: Sequence[int]) -> list[Document]:
        return [translation_document(t) for t in _translations(ids)]


ARTICLE_SOURCE = _ArticleSource()
