"""Articles for the search tests, written as the knowledge services write them (rows, then
the translation indexed in the same transaction)."""

from django.db import transaction

from frontline.accounts.models import User
from frontline.knowledge.indexing import index_article
from frontline.knowledge.models import (
    Article,
    ArticleStatus,
    ArticleTranslation,
    Category,
    Visibility,
)
from frontline.knowledge.rendering import render_markdown


@transaction.atomic
def make_article(
    *,
    title: str,
    body: str,
    author: User,
    visibility: Visibility = Visibility.PUBLIC,
    status: ArticleStatus = ArticleStatus.PUBLISHED,
    category: str = "Billing",
) -> Article:
    slug = category.lower().replace(" ", "-")
    place, _ = Category.objects.get_or_create(slug=slug, defaults={"name": category})
    article = Article.objects.create(
        category=place,
        slug=title.lower().replace(" ", "-")[:100],
        visibility=visibility,
        author=author,
    )
    ArticleTranslation.objects.create(
        article=article,
        language="en",
        title=title,
        body_markdown=body,
        body_html=render_markdown(body),
        status=status,
    )
    index_article(article)
    return article
