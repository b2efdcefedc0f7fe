"""The writers of categories and sections. Their names are part of each article's indexed
text, so a rename reindexes the articles in them."""

from django.db import transaction
from django.db.models import QuerySet

from frontline.core.actors import Actor
from frontline.core.errors import Conflict, ValidationFailed
from frontline.knowledge.indexing import index_translations
from frontline.knowledge.models import Article, ArticleTranslation, Category, Section
from frontline.knowledge.services.articles import DuplicateSlug, clean_slug, ensure_can_publish


def _reindex(articles: QuerySet[Article]) -> None:
    """Category and section names are part of each article's indexed text."""
    ids = ArticleTranslation.objects.filter(article__in=articles).values_list("pk", flat=True)
    index_translations(list(ids))


def _category_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ValidationFailed("A category needs a name.", field="name")
    return cleaned[:100]


@transaction.atomic
def create_category(
    *, name: str, slug: str = "", description: str = "", position: int = 0, actor: Actor
) -> Category:
    ensure_can_publish(actor)
    name = _category_name(name)
    slug = clean_slug(slug or name)[:100]
    if Category.objects.filter(name__iexact=name).exists():
        raise Conflict(f"There is already a category called {name!r}.", field="name")
    if Category.objects.filter(slug=slug).exists():
        raise DuplicateSlug(f"Another category already has the address {slug!r}.", field="slug")
    return Category.objects.create(
        name=name, slug=slug, description=description.strip(), position=position
    )


@transaction.atomic
def update_category(
    category: Category,
    *,
    name: str | None = None,
    description: str | None = None,
    position: int | None = None,
    actor: Actor,
) -> Category:
    """Rename or move a category. Its slug stays: the help centre's addresses keep working."""
    ensure_can_publish(actor)
    fields: list[str] = []
    if name is not None and _category_name(name) != category.name:
        category.name = _category_name(name)
        clash = Category.objects.filter(name__iexact=category.name).exclude(pk=category.pk)
        if clash.exists():
            raise Conflict(f"There is already a category called {category.name!r}.", field="name")
        fields.append("name")
    if description is not None:
        category.description = description.strip()
        fields.append("description")
    if position is not None:
        category.position = position
        fields.append("position")
    if fields:
        category.save(update_fields=fields)
    if "name" in fields:
        _reindex(category.articles.all())
    return category


@transaction.atomic
def delete_category(category: Category, *, actor: Actor) -> None:
    ensure_can_publish(actor)
    count = category.articles.count()
    if count:
        raise Conflict(
            f"{category.name} still holds {count} article(s); move or delete them first."
        )
    category.delete()


@transaction.atomic
def create_section(
    *, category: Category, name: str, slug: str = "", position: int = 0, actor: Actor
) -> Section:
    ensure_can_publish(actor)
    name = _category_name(name)
    slug = clean_slug(slug or name)[:100]
    if category.sections.filter(slug=slug).exists():
        raise DuplicateSlug(
            f"{category.name} already has a section with the address {slug!r}.", field="slug"
        )
    return Section.objects.create(category=category, name=name, slug=slug, position=position)


@transaction.atomic
def update_section(
    section: Section, *, name: str | None = None, position: int | None = None, actor: Actor
) -> Section:
    ensure_can_publish(actor)
    fields: list[str] = []
    if name is not None and _category_name(name) != section.name:
        section.name = _category_name(name)
        fields.append("name")
    if position is not None:
        section.position = position
        fields.append("position")
    if fields:
        section.save(update_fields=fields)
    if "name" in fields:
        _reindex(section.articles.all())
    return section


@transaction.atomic
def delete_section(section: Section, *, actor: Actor) -> None:
    """The section goes; its articles stay in the category, outside any section."""
    ensure_can_publish(actor)
    article_ids = list(section.articles.values_list("pk", flat=True))
    section.delete()
    _reindex(Article.objects.filter(pk__in=article_ids))
