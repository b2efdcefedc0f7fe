"""The articles API (``/api/v1/articles``).

Reads are open to visitors for public published articles; a customer also reads the
published articles of their organisation; staff read everything, drafts and internal
playbooks included (``queries.translations_visible_to``). Writes are staff's: drafts need
``can_edit_articles``, publishing, archiving and deleting ``can_publish_articles``.
"""

from datetime import datetime
from typing import Literal

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from frontline.accounts.api_auth import (
    AUTH_OR_VISITOR,
    VISITOR_OPENAPI,
    optional_actor,
    request_actor,
    staff_actor,
)
from frontline.accounts.models import User
from frontline.core.actors import Actor
from frontline.core.api_support import NO_NUL, NON_BLANK, InputSchema, ObjectId, responses
from frontline.core.errors import ValidationFailed
from frontline.core.pagination import paginate
from frontline.customers.models import Organisation
from frontline.knowledge import services
from frontline.knowledge.models import (
    Article,
    ArticleStatus,
    ArticleTranslation,
    Category,
    Section,
    Visibility,
)
from frontline.knowledge.queries import get_article_for, is_staff_reader, translations_visible_to
from frontline.tickets.queries import get_ticket_for

router = Router(tags=["knowledge"])

LIST_ORDER = ("-updated_at", "-id")
StatusName = Literal["draft", "published", "archived"]
VisibilityName = Literal["public", "organisations", "internal"]


class ArticleSectionOut(Schema):
    id: int
    name: str
    slug: str
    position: int


class ArticleCategoryOut(Schema):
    id: int
    name: str
    slug: str
    description: str
    position: int
    sections: list[ArticleSectionOut]


class ArticleTranslationOut(Schema):
    id: int
    language: str
    title: str
    body_markdown: str
    body_html: str = Field(description="Rendered and sanitised: safe to show as it is.")
    status: StatusName
    version: int
    published_at: datetime | None
    updated_at: datetime

    @staticmethod
    def from_model(translation: ArticleTranslation) -> "ArticleTranslationOut":
        return ArticleTranslationOut(
            id=translation.pk,
            language=translation.language,
            title=translation.title,
            body_markdown=translation.body_markdown,
            body_html=translation.body_html,
            status=translation.status,  # type: ignore[arg-type]
            version=translation.version,
            published_at=translation.published_at,
            updated_at=translation.updated_at,
        )


class ArticleOut(Schema):
    id: int
    slug: str
    url: str = Field(description="The article's page in the help centre.")
    category: str = Field(description="The category's slug.")
    category_id: int
    section_id: int | None
    visibility: VisibilityName
    organisation_ids: list[int] = Field(description="For 'organisations'; staff only.")
    tags: list[str]
    author_id: int | None = Field(description="Staff only.")
    reviewer_id: int | None = Field(description="Staff only.")
    last_reviewed_at: datetime | None
    source_ticket_id: int | None = Field(description="Staff only.")
    created_at: datetime
    updated_at: datetime
    translations: list[ArticleTranslationOut]

    @staticmethod
    def from_model(article: Article, *, staff: bool) -> "ArticleOut":
        return ArticleOut(
            id=article.pk,
            slug=article.slug,
            url=f"/help/{article.category.slug}/{article.slug}/",
            category=article.category.slug,
            category_id=article.category_id,
            section_id=article.section_id,
            visibility=article.visibility,  # type: ignore[arg-type]
            organisation_ids=[o.pk for o in article.organisations.all()] if staff else [],
            tags=[t.name for t in article.tags.all()],
            author_id=article.author_id if staff else None,
            reviewer_id=article.reviewer_id if staff else None,
            last_reviewed_at=article.last_reviewed_at,
            source_ticket_id=article.source_ticket_id if staff else None,
            created_at=article.created_at,
            updated_at=article.updated_at,
            translations=[ArticleTranslationOut.from_model(t) for t in article.translations.all()],
        )


class ArticlePageOut(Schema):
    items: list[ArticleOut]
    next: str | None


class ArticleVersionOut(Schema):
    number: int
    title: str
    body_markdown: str
    author_id: int | None
    note: str
    created_at: datetime


class ArticleCreateIn(InputSchema):
    category_id: ObjectId
    section_id: ObjectId | None = None
    title: str = Field(min_length=1, max_length=200, pattern=NON_BLANK)
    body_markdown: str = Field("", max_length=services.MAX_BODY, pattern=NO_NUL)
    language: str = Field("en", min_length=2, max_length=10, pattern=NO_NUL)
    slug: str | None = Field(None, max_length=120, pattern=NO_NUL)
    visibility: VisibilityName = "public"
    organisation_ids: list[ObjectId] = Field(default_factory=list, max_length=100)
    tags: list[str] = Field(default_factory=list, max_length=services.MAX_TAGS)
    reviewer_id: ObjectId | None = None
    source_ticket_id: ObjectId | None = None
    status: Literal["draft", "published"] = Field(
        "draft", description="'published' needs the right to publish."
    )


class ArticlePatchIn(InputSchema):
    """Article fields, and the text or status of one translation (``language``; the only
    one or English when left out)."""

    category_id: ObjectId | None = None
    section_id: ObjectId | None = Field(None, description="null takes it out of its section.")
    slug: str | None = Field(None, min_length=1, max_length=120, pattern=NO_NUL)
    visibility: VisibilityName | None = None
    organisation_ids: list[ObjectId] | None = Field(None, max_length=100)
    tags: list[str] | None = Field(None, max_length=services.MAX_TAGS)
    reviewer_id: ObjectId | None = None
    language: str | None = Field(None, min_length=2, max_length=10, pattern=NO_NUL)
    title: str | None = Field(None, min_length=1, max_length=200, pattern=NON_BLANK)
    body_markdown: str | None = Field(None, max_length=services.MAX_BODY, pattern=NO_NUL)
    note: str = Field("", max_length=200, pattern=NO_NUL)
    status: StatusName | None = Field(None, description="Needs the right to publish.")
    reviewed: bool = Field(False, description="Mark it reviewed now (the right to publish).")


class ArticleTranslationIn(InputSchema):
    language: str = Field(min_length=2, max_length=10, pattern=NO_NUL)
    title: str = Field(min_length=1, max_length=200, pattern=NON_BLANK)
    body_markdown: str = Field("", max_length=services.MAX_BODY, pattern=NO_NUL)


class ArticleFilters(Schema):
    category: str | None = Field(None, max_length=100, pattern=NO_NUL, description="A slug.")
    language: str | None = Field(None, max_length=10, pattern=NO_NUL)
    status: StatusName | None = None
    visibility: VisibilityName | None = None
    tag: str | None = Field(None, max_length=64, pattern=NO_NUL)
    cursor: str | None = Field(None, min_length=1, max_length=1000, pattern=NO_NUL)
    page_size: int | None = Field(None, ge=1, le=100)


class ArticleVersionFilters(Schema):
    language: str | None = Field(None, max_length=10, pattern=NO_NUL)


def _visible_translations(
    actor: Actor | None, filters: ArticleFilters | None = None
) -> QuerySet[ArticleTranslation]:
    translations = translations_visible_to(actor).order_by("language")
    if filters is not None and filters.language:
        translations = translations.filter(language=filters.language.lower())
    if filters is not None and filters.status:
        translations = translations.filter(status=filters.status)
    return translations


def _with_relations(
    articles: QuerySet[Article], translations: QuerySet[ArticleTranslation]
) -> QuerySet[Article]:
    return articles.select_related("category").prefetch_related(
        "tags", "organisations", Prefetch("translations", queryset=translations)
    )


def _article_out(actor: Actor | None, article_id: int) -> ArticleOut:
    article = get_article_for(actor, article_id)
    articles = _with_relations(Article.objects.filter(pk=article.pk), _visible_translations(actor))
    return ArticleOut.from_model(articles.get(), staff=is_staff_reader(actor))


@router.get(
    "/categories",
    response=responses({200: list[ArticleCategoryOut]}),
    auth=AUTH_OR_VISITOR,
    openapi_extra=VISITOR_OPENAPI,
    summary="List categories",
)
def list_categories(request: HttpRequest) -> list[ArticleCategoryOut]:
    categories = Category.objects.prefetch_related("sections")
    return [
        ArticleCategoryOut(
            id=c.pk,
            name=c.name,
            slug=c.slug,
            description=c.description,
            position=c.position,
            sections=[
                ArticleSectionOut(id=s.pk, name=s.name, slug=s.slug, position=s.position)
                for s in c.sections.all()
            ],
        )
        for c in categories
    ]


@router.get(
    "",
    response=responses({200: ArticlePageOut}),
    auth=AUTH_OR_VISITOR,
    openapi_extra=VISITOR_OPENAPI,
    summary="List articles",
)
def list_articles(request: HttpRequest, filters: Query[ArticleFilters]) -> ArticlePageOut:
    actor = optional_actor(request)
    translations = _visible_translations(actor, filters)
    articles = Article.objects.filter(Exists(translations.filter(article=OuterRef("pk"))))
    if filters.category:
        articles = articles.filter(category__slug=filters.category)
    if filters.visibility:
        articles = articles.filter(visibility=filters.visibility)
    if filters.tag:
        articles = articles.filter(tags__name=filters.tag.strip().lower())
    page = paginate(
        _with_relations(articles, translations),
        request,
        order=LIST_ORDER,
        cursor=filters.cursor,
        page_size=filters.page_size,
    )
    staff = is_staff_reader(actor)
    return ArticlePageOut(
        items=[ArticleOut.from_model(a, staff=staff) for a in page.items], next=page.next
    )


def _category(category_id: int) -> Category:
    category = Category.objects.filter(pk=category_id).first()
    if category is None:
        raise ValidationFailed(f"There is no category {category_id}.", field="category_id")
    return category


def _section(section_id: int) -> Section:
    section = Section.objects.filter(pk=section_id).first()
    if section is None:
        raise ValidationFailed(f"There is no section {section_id}.", field="section_id")
    return section


def _organisations(ids: list[int]) -> list[Organisation]:
    found = list(Organisation.objects.filter(pk__in=ids))
    missing = sorted(set(ids) - {o.pk for o in found})
    if missing:
        raise ValidationFailed(f"No organisation {missing[0]}.", field="organisation_ids")
    return found


def _reviewer(user_id: int) -> User:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise ValidationFailed(f"There is no user {user_id}.", field="reviewer_id")
    return user


@router.post("", response=responses({201: ArticleOut}), summary="Write an article")
def create_article(request: HttpRequest, payload: ArticleCreateIn) -> Status[ArticleOut]:
    actor = staff_actor(request)
    services.ensure_can_edit(actor)
    if payload.status == "published":
        services.ensure_can_publish(actor)
    ticket = None
    if payload.source_ticket_id is not None:
        ticket = get_ticket_for(actor, payload.source_ticket_id)
    article = services.create_article(
        category=_category(payload.category_id),
        section=_section(payload.section_id) if payload.section_id else None,
        title=payload.title,
        body_markdown=payload.body_markdown,
        language=payload.language,
        slug=payload.slug or "",
        visibility=Visibility(payload.visibility),
        organisations=_organisations(payload.organisation_ids),
        tags=payload.tags,
        reviewer=_reviewer(payload.reviewer_id) if payload.reviewer_id else None,
        source_ticket=ticket,
        actor=actor,
    )
    if payload.status == "published":
        services.publish_translation(article.translations.get(), actor=actor)
    return Status(201, _article_out(actor, article.pk))


@router.get(
    "/{article_id}",
    response=responses({200: ArticleOut}),
    auth=AUTH_OR_VISITOR,
    openapi_extra=VISITOR_OPENAPI,
    summary="Read an article",
)
def get_article(request: HttpRequest, article_id: ObjectId) -> ArticleOut:
    return _article_out(optional_actor(request), article_id)


def _translation(article: Article, language: str | None) -> ArticleTranslation:
    translations = list(article.translations.order_by("language"))
    if language:
        chosen = [t for t in translations if t.language == language.lower()]
    else:
        chosen = [t for t in translations if t.language == "en"] or translations[:1]
    if not chosen:
        raise ValidationFailed(
            f"The article has no {language!r} translation; add it first.", field="language"
        )
    return chosen[0]


def _changes(payload: ArticlePatchIn) -> services.ArticleChanges:
    given = payload.model_fields_set
    return services.ArticleChanges(
        category=_category(payload.category_id) if payload.category_id else None,
        section=_section(payload.section_id) if payload.section_id else None,
        clear_section="section_id" in given and payload.section_id is None,
        slug=payload.slug,
        visibility=Visibility(payload.visibility) if payload.visibility else None,
        organisations=(
            _organisations(payload.organisation_ids)
            if payload.organisation_ids is not None
            else None
        ),
        tags=payload.tags,
        reviewer=_reviewer(payload.reviewer_id) if payload.reviewer_id else None,
        clear_reviewer="reviewer_id" in given and payload.reviewer_id is None,
    )


ARTICLE_FIELDS = {
    "category_id", "section_id", "slug", "visibility", "organisation_ids", "tags", "reviewer_id"
}  # fmt: skip


@router.patch("/{article_id}", response=responses({200: ArticleOut}), summary="Change an article")
def update_article(
    request: HttpRequest, article_id: ObjectId, payload: ArticlePatchIn
) -> ArticleOut:
    actor = request_actor(request)
    article = get_article_for(actor, article_id)
    services.ensure_can_edit(actor)
    given = payload.model_fields_set
    if given & ARTICLE_FIELDS:
        services.update_article(article, changes=_changes(payload), actor=actor)
    if given & {"title", "body_markdown", "status"}:
        translation = _translation(article, payload.language)
        if payload.title is not None or payload.body_markdown is not None:
            services.save_translation(
                translation,
                title=payload.title if payload.title is not None else translation.title,
                body_markdown=(
                    payload.body_markdown
                    if payload.body_markdown is not None
                    else translation.body_markdown
                ),
                note=payload.note,
                actor=actor,
            )
        if payload.status is not None:
            status = ArticleStatus(payload.status)
            services.set_translation_status(translation, status=status, actor=actor)
    if payload.reviewed:
        services.mark_reviewed(article, actor=actor)
    return _article_out(actor, article.pk)


@router.delete("/{article_id}", response=responses({204: None}), summary="Delete an article")
def delete_article(request: HttpRequest, article_id: ObjectId) -> Status[None]:
    actor = request_actor(request)
    article = get_article_for(actor, article_id)
    services.delete_article(article, actor=actor)
    return Status(204, None)


@router.get(
    "/{article_id}/versions",
    response=responses({200: list[ArticleVersionOut]}),
    summary="Version history of a translation",
)
def list_versions(
    request: HttpRequest, article_id: ObjectId, filters: Query[ArticleVersionFilters]
) -> list[ArticleVersionOut]:
    actor = staff_actor(request)
    article = get_article_for(actor, article_id)
    translation = _translation(article, filters.language)
    return [
        ArticleVersionOut(
            number=v.number,
            title=v.title,
            body_markdown=v.body_markdown,
            author_id=v.author_id,
            note=v.note,
            created_at=v.created_at,
        )
        for v in translation.versions.order_by("-number")
    ]


@router.post(
    "/{article_id}/translations",
    response=responses({201: ArticleTranslationOut}),
    summary="Add a language",
)
def add_translation(
    request: HttpRequest, article_id: ObjectId, payload: ArticleTranslationIn
) -> Status[ArticleTranslationOut]:
    actor = request_actor(request)
    article = get_article_for(actor, article_id)
    translation = services.add_translation(
        article,
        language=payload.language,
        title=payload.title,
        body_markdown=payload.body_markdown,
        actor=actor,
    )
    return Status(201, ArticleTranslationOut.from_model(translation))
