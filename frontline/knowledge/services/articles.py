"""The writers of articles, their translations and versions.

Every write reindexes what it changed (``indexing.index_article``) in its own transaction,
so knowledge search never shows a state the database does not hold. Writing drafts takes
``can_edit_articles``; publishing, archiving, restoring, reviewing, deleting and arranging
categories take ``can_publish_articles``. A translation's text is saved as a new
``ArticleVersion`` each time it changes: the history is the audit trail of the words.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf.locale import LANG_INFO
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from frontline.accounts.models import User
from frontline.accounts.permissions import can_edit_articles, can_publish_articles
from frontline.core.actors import Actor
from frontline.core.errors import Conflict, PermissionDenied, ValidationFailed
from frontline.customers.models import Organisation
from frontline.knowledge.indexing import index_article, index_translations, unindex_translations
from frontline.knowledge.models import (
    Article,
    ArticleStatus,
    ArticleTranslation,
    ArticleVersion,
    Category,
    Section,
    Visibility,
)
from frontline.knowledge.rendering import render_markdown
from frontline.tickets.models import Tag, Ticket

logger = logging.getLogger(__name__)

MAX_TAGS = 20
MAX_BODY = 100_000


class DuplicateSlug(Conflict):
    """Another article (or category, section) of the same place has this slug."""


class UnknownLanguage(ValidationFailed):
    """A language code Django does not know."""


def ensure_can_edit(actor: Actor) -> User:
    user = actor.user if actor.is_agent else None
    if user is None or not can_edit_articles(user):
        raise PermissionDenied("Only support staff who write tickets may edit articles.")
    return user


def ensure_can_publish(actor: Actor) -> User:
    user = actor.user if actor.is_agent else None
    if user is None or not can_publish_articles(user):
        raise PermissionDenied(
            "Only engineers, supervisors and above may publish, archive, restore or delete "
            "articles and arrange categories."
        )
    return user


# --- checks -------------------------------------------------------------------------------


def clean_title(title: str) -> str:
    cleaned = " ".join(title.split())
    if not cleaned:
        raise ValidationFailed("An article needs a title.", field="title")
    if len(cleaned) > 200:
        raise ValidationFailed("A title is at most 200 characters.", field="title")
    return cleaned


def clean_body(body: str) -> str:
    if len(body) > MAX_BODY:
        raise ValidationFailed(f"An article is at most {MAX_BODY} characters.", field="body")
    return body.replace("\r\n", "\n")


def clean_language(code: str) -> str:
    language = code.strip().lower().replace("_", "-")
    if language not in LANG_INFO or "name" not in LANG_INFO[language]:
        raise UnknownLanguage(
            f"{code!r} is not a language code Frontline knows (en, de, fr, pt-br …).",
            field="language",
        )
    return language


def clean_tags(names: Sequence[str]) -> list[str]:
    clean: list[str] = []
    for raw in names:
        name = "-".join(str(raw).strip().lower().split())[:64]
        if name and name not in clean:
            clean.append(name)
    if len(clean) > MAX_TAGS:
        raise ValidationFailed(f"An article takes at most {MAX_TAGS} tags.", field="tags")
    return clean


def clean_slug(slug: str, field: str = "slug") -> str:
    cleaned = slugify(slug)[:120].strip("-")
    if not cleaned:
        raise ValidationFailed("A slug needs letters or digits.", field=field)
    return cleaned


def unique_slug(category: Category, title: str, *, exclude: Article | None = None) -> str:
    """A slug from ``title``, with -2, -3 … added until no other article of ``category``
    has it."""
    base = (slugify(title)[:110].strip("-")) or "article"
    taken_rows = Article.objects.filter(category=category, slug__startswith=base)
    if exclude is not None:
        taken_rows = taken_rows.exclude(pk=exclude.pk)
    taken = set(taken_rows.values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def _check_slug_free(category: Category, slug: str, *, exclude: Article | None) -> None:
    others = Article.objects.filter(category=category, slug=slug)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    if others.exists():
        raise DuplicateSlug(
            f"Another article in {category.name} already has the address {slug!r}.", field="slug"
        )


def _check_section(category: Category, section: Section | None) -> None:
    if section is not None and section.category_id != category.pk:
        raise ValidationFailed(
            f"{section.name} is not a section of {category.name}.", field="section"
        )


def _check_audience(visibility: Visibility, organisations: Sequence[Organisation]) -> None:
    if visibility == Visibility.ORGANISATIONS and not organisations:
        raise ValidationFailed(
            "Choose at least one organisation, or another visibility.", field="organisations"
        )


def _set_tags(article: Article, names: Sequence[str]) -> None:
    names = clean_tags(names)
    Tag.objects.bulk_create([Tag(name=n) for n in names], ignore_conflicts=True)
    article.tags.set(Tag.objects.filter(name__in=names))


# --- articles -----------------------------------------------------------------------------


@transaction.atomic
def create_article(
    *,
    category: Category,
    title: str,
    body_markdown: str = "",
    language: str = "en",
    section: Section | None = None,
    slug: str = "",
    visibility: Visibility = Visibility.PUBLIC,
    organisations: Sequence[Organisation] = (),
    tags: Sequence[str] = (),
    reviewer: User | None = None,
    source_ticket: Ticket | None = None,
    actor: Actor,
) -> Article:
    """A new article with its first translation, a draft at version 1."""
    author = ensure_can_edit(actor)
    title = clean_title(title)
    language = clean_language(language)
    _check_section(category, section)
    _check_audience(visibility, organisations)
    if slug:
        slug = clean_slug(slug)
        _check_slug_free(category, slug, exclude=None)
    else:
        slug = unique_slug(category, title)
    article = Article.objects.create(
        category=category,
        section=section,
        slug=slug,
        visibility=visibility,
        author=author,
        reviewer=reviewer,
        source_ticket=source_ticket,
    )
    if visibility == Visibility.ORGANISATIONS:
        article.organisations.set(organisations)
    _set_tags(article, tags)
    _new_translation(article, language, title, clean_body(body_markdown), author=author)
    index_article(article)
    logger.info("knowledge.article.created", extra={"article_id": article.pk})
    return article


def _new_translation(
    article: Article, language: str, title: str, body: str, *, author: User
) -> ArticleTranslation:
    translation = ArticleTranslation.objects.create(
        article=article,
        language=language,
        title=title,
        body_markdown=body,
        body_html=render_markdown(body),
        version=1,
    )
    ArticleVersion.objects.create(
        translation=translation,
        number=1,
        title=title,
        body_markdown=body,
        author=author,
        note="Created",
        created_at=timezone.now(),
    )
    return translation


@dataclass(frozen=True)
class ArticleChanges:
    """Fields to change in one go; None leaves a field alone, ``clear_*`` empties it."""

    category: Category | None = None
    section: Section | None = None
    clear_section: bool = False
    slug: str | None = None
    visibility: Visibility | None = None
    organisations: Sequence[Organisation] | None = None
    tags: Sequence[str] | None = None
    reviewer: User | None = None
    clear_reviewer: bool = False
    position: int | None = None


@transaction.atomic
def update_article(article: Article, *, changes: ArticleChanges, actor: Actor) -> Article:
    ensure_can_edit(actor)
    article = Article.objects.select_for_update().get(pk=article.pk)
    fields = _apply_place(article, changes)
    if changes.visibility is not None:
        article.visibility = changes.visibility
        fields.append("visibility")
    if changes.reviewer is not None or changes.clear_reviewer:
        article.reviewer = None if changes.clear_reviewer else changes.reviewer
        fields.append("reviewer")
    if changes.position is not None:
        article.position = changes.position
        fields.append("position")
    organisations = changes.organisations
    if organisations is None:
        organisations = list(article.organisations.all())
    _check_audience(Visibility(article.visibility), organisations)
    article.save(update_fields=[*fields, "updated_at"])
    article.organisations.set(
        organisations if article.visibility == Visibility.ORGANISATIONS else []
    )
    if changes.tags is not None:
        _set_tags(article, changes.tags)
    index_article(article)
    return article


def _apply_place(article: Article, changes: ArticleChanges) -> list[str]:
    """Category, section and slug, checked together: a section belongs to the category and
    a slug is unique within it."""
    fields: list[str] = []
    if changes.category is not None and changes.category.pk != article.category_id:
        article.category = changes.category
        fields.append("category")
        if article.section is not None and article.section.category_id != article.category_id:
            article.section = None
            fields.append("section")
    if changes.section is not None or changes.clear_section:
        article.section = None if changes.clear_section else changes.section
        fields.append("section")
    _check_section(article.category, article.section)
    if changes.slug is not None:
        article.slug = clean_slug(changes.slug)
        fields.append("slug")
    if "slug" in fields or "category" in fields:
        _check_slug_free(article.category, article.slug, exclude=article)
    return fields


@transaction.atomic
def delete_article(article: Article, *, actor: Actor) -> None:
    ensure_can_publish(actor)
    ids = list(article.translations.values_list("pk", flat=True))
    unindex_translations(ids)
    article_id = article.pk
    article.delete()
    logger.info("knowledge.article.deleted", extra={"article_id": article_id})


@transaction.atomic
def mark_reviewed(article: Article, *, actor: Actor) -> Article:
    """The reviewer read it and it is still right: the reminder starts over."""
    reviewer = ensure_can_publish(actor)
    article.last_reviewed_at = timezone.now()
    article.reviewer = reviewer
    article.save(update_fields=["last_reviewed_at", "reviewer", "updated_at"])
    return article


# --- translations and versions ------------------------------------------------------------


@transaction.atomic
def add_translation(
    article: Article, *, language: str, title: str, body_markdown: str = "", actor: Actor
) -> ArticleTranslation:
    """The article in another language, a draft at version 1."""
    author = ensure_can_edit(actor)
    language = clean_language(language)
    if article.translations.filter(language=language).exists():
        raise Conflict(f"The article already has a {language!r} translation.", field="language")
    try:
        with transaction.atomic():
            translation = _new_translation(
                article, language, clean_title(title), clean_body(body_markdown), author=author
            )
    except IntegrityError:
        raise Conflict(
            f"The article already has a {language!r} translation.", field="language"
        ) from None
    _touch(article)
    index_article(article)
    return translation


def _locked(translation: ArticleTranslation) -> ArticleTranslation:
    return (
        ArticleTranslation.objects.select_for_update()
        .select_related("article")
        .get(pk=translation.pk)
    )


def _touch(article: Article) -> None:
    article.save(update_fields=["updated_at"])


@transaction.atomic
def save_translation(
    translation: ArticleTranslation,
    *,
    title: str,
    body_markdown: str,
    actor: Actor,
    note: str = "",
) -> ArticleTranslation:
    """New words for a translation: a new version when they differ from the latest one.
    The words of a published translation go live, so changing them takes the right to
    publish."""
    author = ensure_can_edit(actor)
    translation = _locked(translation)
    title, body = clean_title(title), clean_body(body_markdown)
    if title == translation.title and body == translation.body_markdown:
        return translation
    if translation.status == ArticleStatus.PUBLISHED:
        ensure_can_publish(actor)
    return _write_version(translation, title, body, author=author, note=note)


def _write_version(
    translation: ArticleTranslation, title: str, body: str, *, author: User, note: str
) -> ArticleTranslation:
    translation.title, translation.body_markdown = title, body
    translation.body_html = render_markdown(body)
    translation.version += 1
    translation.save(update_fields=["title", "body_markdown", "body_html", "version", "updated_at"])
    ArticleVersion.objects.create(
        translation=translation,
        number=translation.version,
        title=title,
        body_markdown=body,
        author=author,
        note=note[:200],
        created_at=timezone.now(),
    )
    _touch(translation.article)
    index_translations([translation.pk])
    return translation


@transaction.atomic
def restore_version(version: ArticleVersion, *, actor: Actor) -> ArticleTranslation:
    """Bring back an old text as a new version; the versions in between stay in history."""
    author = ensure_can_publish(actor)
    translation = _locked(version.translation)
    if version.title == translation.title and version.body_markdown == translation.body_markdown:
        return translation
    note = f"Restored version {version.number}"
    return _write_version(
        translation, version.title, version.body_markdown, author=author, note=note
    )


@transaction.atomic
def set_translation_status(
    translation: ArticleTranslation, *, status: ArticleStatus, actor: Actor
) -> ArticleTranslation:
    """Publish, unpublish (back to draft) or archive one language of an article."""
    ensure_can_publish(actor)
    translation = _locked(translation)
    if translation.status == status:
        return translation
    translation.status = status
    fields = ["status", "updated_at"]
    if status == ArticleStatus.PUBLISHED:
        translation.published_at = timezone.now()
        fields.append("published_at")
    translation.save(update_fields=fields)
    _touch(translation.article)
    index_translations([translation.pk])
    logger.info(
        "knowledge.translation.status",
        extra={"translation_id": translation.pk, "status": status.value},
    )
    return translation


def publish_translation(translation: ArticleTranslation, *, actor: Actor) -> ArticleTranslation:
    return set_translation_status(translation, status=ArticleStatus.PUBLISHED, actor=actor)


def unpublish_translation(translation: ArticleTranslation, *, actor: Actor) -> ArticleTranslation:
    return set_translation_status(translation, status=ArticleStatus.DRAFT, actor=actor)


def archive_translation(translation: ArticleTranslation, *, actor: Actor) -> ArticleTranslation:
    return set_translation_status(translation, status=ArticleStatus.ARCHIVED, actor=actor)
