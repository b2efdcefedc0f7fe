"""Knowledge-base test data, built with the ORM (the knowledge services are another
module's) and indexed like the services do, so searches find it."""

from collections.abc import Sequence
from datetime import datetime
from itertools import count

from django.utils import timezone

from frontline.accounts.models import User
from frontline.customers.models import Organisation
from frontline.knowledge.indexing import index_article
from frontline.knowledge.models import (
    Article,
    ArticleStatus,
    ArticleTranslation,
    Category,
    Section,
    Visibility,
)
from frontline.knowledge.rendering import render_markdown
from frontline.testing import factories

_seq = count(1)


def make_kb_category(*, name: str | None = None, description: str = "") -> Category:
    n = next(_seq)
    name = name or f"Topic {n}"
    return Category.objects.create(
        name=name, slug=f"{name.lower().replace(' ', '-')}-{n}", description=description
    )


def make_section(category: Category, *, name: str | None = None, position: int = 0) -> Section:
    n = next(_seq)
    name = name or f"Section {n}"
    return Section.objects.create(
        category=category, name=name, slug=f"section-{n}", position=position
    )


def make_article(
    title: str,
    body: str = "",
    *,
    category: Category | None = None,
    section: Section | None = None,
    slug: str | None = None,
    visibility: Visibility = Visibility.PUBLIC,
    organisations: Sequence[Organisation] = (),
    status: ArticleStatus = ArticleStatus.PUBLISHED,
    language: str = "en",
    author: User | None = None,
    published_at: datetime | None = None,
) -> ArticleTranslation:
    """An article with one translation; more with ``add_translation``."""
    n = next(_seq)
    category = category or (section.category if section else make_kb_category())
    article = Article.objects.create(
        category=category,
        section=section,
        slug=slug or f"article-{n}",
        visibility=visibility,
        author=author or factories.make_agent(),
        position=n,
    )
    article.organisations.set(organisations)
    return add_translation(
        article, title, body, language=language, status=status, published_at=published_at
    )


def add_translation(
    article: Article,
    title: str,
    body: str = "",
    *,
    language: str,
    status: ArticleStatus = ArticleStatus.PUBLISHED,
    published_at: datetime | None = None,
) -> ArticleTranslation:
    published = status == ArticleStatus.PUBLISHED
    translation = ArticleTranslation.objects.create(
        article=article,
        language=language,
        title=title,
        body_markdown=body,
        body_html=render_markdown(body),
        status=status,
        version=1,
        published_at=(published_at or timezone.now()) if published else None,
    )
    index_article(article)
    return translation
