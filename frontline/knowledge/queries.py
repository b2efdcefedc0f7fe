"""Reads of the knowledge base, always scoped to who is reading.

Staff see every article, drafts and internal ones included. Customers and anonymous
visitors see published translations only: public articles, and (for a customer of one of
them) articles for chosen organisations. Internal articles are never shown to them.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from frontline.accounts.permissions import is_staff_member
from frontline.core.actors import Actor
from frontline.core.errors import NotFound
from frontline.core.search import ARTICLES, Query, keywords_query, parse_query, search
from frontline.knowledge.models import (
    Article,
    ArticleStatus,
    ArticleTranslation,
    SearchRecord,
    SearchScope,
    Visibility,
)

# The filters the knowledge search takes, in the syntax of every search box.
ARTICLE_FIELDS = frozenset({"category", "tag", "lang", "status", "visibility"})


def is_staff_reader(actor: Actor | None) -> bool:
    return bool(actor and actor.is_agent and actor.user and is_staff_member(actor.user))


def translations_visible_to(actor: Actor | None) -> QuerySet[ArticleTranslation]:
    """The translations ``actor`` may read; ``None`` is an anonymous visitor."""
    translations = ArticleTranslation.objects.all()
    if is_staff_reader(actor):
        return translations
    audience = Q(article__visibility=Visibility.PUBLIC)
    organisation_id = actor.customer.organisation_id if actor and actor.customer else None
    if actor is not None and actor.is_customer and organisation_id is not None:
        chosen = Article.organisations.through.objects.filter(organisation_id=organisation_id)
        audience |= Q(
            article__visibility=Visibility.ORGANISATIONS,
            article_id__in=chosen.values("article_id"),
        )
    return translations.filter(audience, status=ArticleStatus.PUBLISHED)


def articles_visible_to(actor: Actor | None) -> QuerySet[Article]:
    visible = translations_visible_to(actor).values("article_id")
    return Article.objects.filter(pk__in=visible)


def get_translation_for(actor: Actor | None, translation_id: int) -> ArticleTranslation:
    try:
        return (
            translations_visible_to(actor)
            .select_related("article__category")
            .get(pk=translation_id)
        )
    except ArticleTranslation.DoesNotExist:
        raise NotFound("No such article.") from None


def get_article_for(actor: Actor | None, article_id: int) -> Article:
    try:
        return articles_visible_to(actor).select_related("category", "section").get(pk=article_id)
    except Article.DoesNotExist:
        raise NotFound("No such article.") from None


@dataclass(frozen=True)
class ArticleHit:
    translation: ArticleTranslation
    score: float
    snippet: str


@dataclass(frozen=True)
class ArticleResults:
    hits: list[ArticleHit]
    has_more: bool
    query: Query


def _filtered(scope: QuerySet[ArticleTranslation], query: Query) -> QuerySet[ArticleTranslation]:
    lookups = {
        "category": "article__category__slug",
        "tag": "article__tags__name",
        "lang": "language",
        "status": "status",
        "visibility": "article__visibility",
    }
    for name, value in query.filters:
        negated = name.startswith("-")
        lookup = {lookups[name.lstrip("-")]: value.lower()}
        matching = ArticleTranslation.objects.filter(**lookup).values("pk")
        scope = scope.exclude(pk__in=matching) if negated else scope.filter(pk__in=matching)
    return scope


def search_articles(
    actor: Actor | None,
    text: str,
    *,
    language: str | None = None,
    limit: int = 10,
    offset: int = 0,
    natural: bool = False,
    prefix: bool = False,
    record: SearchScope | None = None,
) -> ArticleResults:
    """Articles for ``text``, best first, among those ``actor`` may read. ``natural`` takes
    free text (a request being typed) instead of the search syntax; ``record`` keeps the
    search for the knowledge gaps report."""
    query = (
        keywords_query(text, prefix=prefix)
        if natural
        else parse_query(text, fields=ARTICLE_FIELDS, prefix=prefix)
    )
    scope = _filtered(translations_visible_to(actor), query)
    if language:
        scope = scope.filter(language=language)
    page = search(
        ARTICLES,
        query,
        scope=scope,
        match="any",
        include_private=False,
        limit=limit,
        offset=offset,
    )
    found = {
        t.pk: t
        for t in ArticleTranslation.objects.filter(
            pk__in=[h.object_id for h in page.hits]
        ).select_related("article__category", "article__section")
    }
    hits = [
        ArticleHit(found[h.object_id], h.score, h.snippet)
        for h in page.hits
        if h.object_id in found
    ]
    if record is not None and offset == 0 and query.has_text:
        record_search(text, scope=record, result_count=len(hits), language=language or "")
    return ArticleResults(hits, page.has_more, query)


def record_search(text: str, *, scope: SearchScope, result_count: int, language: str) -> None:
    normalized = " ".join(text.lower().split())[:500]
    SearchRecord.objects.create(
        query=text[:500],
        normalized=normalized,
        scope=scope,
        result_count=result_count,
        language=language[:10],
        created_at=timezone.now(),
    )
