"""The knowledge base in the Django admin. Categories, sections and an article's place and
audience are saved through ``knowledge.services``; an article's words are written in the
workspace editor (``/knowledge/``), which keeps their versions, so here they are read-only.
What customers did (votes, searches, deflections) is read-only too."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from frontline.core.admin import ReadOnlyAdmin, ServiceAdmin, admin_actor
from frontline.knowledge import services
from frontline.knowledge.models import (
    Article,
    ArticleFeedback,
    ArticleTranslation,
    ArticleVersion,
    Category,
    Deflection,
    SearchRecord,
    Section,
    Visibility,
)


class SectionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Section
    fields = ("name", "slug", "position")
    readonly_fields = ("name", "slug", "position")
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Category)
class CategoryAdmin(ServiceAdmin):
    list_display = ("name", "slug", "position")
    search_fields = ("name", "slug")
    ordering = ("position", "name")
    fields = ("name", "slug", "description", "position")
    inlines = (SectionInline,)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # The slug is in every help-centre address of the category: it stays.
        return ("slug",) if obj is not None else ()

    def write(self, request: HttpRequest, form: Any, formsets: Any, *, change: bool) -> Any:
        data, actor = form.cleaned_data, admin_actor(request)
        if change:
            return services.update_category(
                Category.objects.get(pk=form.instance.pk),
                name=data.get("name"),
                description=data.get("description"),
                position=data.get("position"),
                actor=actor,
            )
        return services.create_category(
            name=data["name"],
            slug=data.get("slug") or "",
            description=data.get("description") or "",
            position=data.get("position") or 0,
            actor=actor,
        )

    def remove(self, request: HttpRequest, obj: Any) -> None:
        services.delete_category(obj, actor=admin_actor(request))


@admin.register(Section)
class SectionAdmin(ServiceAdmin):
    list_display = ("name", "category", "slug", "position")
    list_filter = ("category",)
    search_fields = ("name", "slug")
    fields = ("category", "name", "slug", "position")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("category", "slug") if obj is not None else ()

    def write(self, request: HttpRequest, form: Any, formsets: Any, *, change: bool) -> Any:
        data, actor = form.cleaned_data, admin_actor(request)
        if change:
            return services.update_section(
                Section.objects.get(pk=form.instance.pk),
                name=data.get("name"),
                position=data.get("position"),
                actor=actor,
            )
        return services.create_section(
            category=data["category"],
            name=data["name"],
            slug=data.get("slug") or "",
            position=data.get("position") or 0,
            actor=actor,
        )

    def remove(self, request: HttpRequest, obj: Any) -> None:
        services.delete_section(obj, actor=admin_actor(request))


class TranslationInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ArticleTranslation
    fields = ("language", "title", "status", "version", "published_at", "view_count")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Article)
class ArticleAdmin(ServiceAdmin):
    list_display = ("__str__", "category", "section", "visibility", "author", "last_reviewed_at")
    list_filter = ("visibility", "category", "translations__status", "translations__language")
    search_fields = ("slug", "translations__title")
    list_select_related = ("category", "section", "author")
    autocomplete_fields = ("organisations",)
    fields = (
        "category", "section", "slug", "visibility", "organisations", "tags", "reviewer",
        "position", "author", "last_reviewed_at", "source_ticket",
    )  # fmt: skip
    readonly_fields = ("author", "last_reviewed_at", "source_ticket")
    filter_horizontal = ("tags",)
    inlines = (TranslationInline,)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # articles start in the workspace editor, with their first text

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        return super().get_queryset(request).distinct()

    def write(self, request: HttpRequest, form: Any, formsets: Any, *, change: bool) -> Any:
        data = form.cleaned_data
        changes = services.ArticleChanges(
            category=data.get("category"),
            section=data.get("section"),
            clear_section=data.get("section") is None,
            slug=data.get("slug"),
            visibility=Visibility(data["visibility"]) if data.get("visibility") else None,
            organisations=list(data.get("organisations") or []),
            tags=[t.name for t in data.get("tags") or []],
            reviewer=data.get("reviewer"),
            clear_reviewer=data.get("reviewer") is None,
            position=data.get("position"),
        )
        article = Article.objects.get(pk=form.instance.pk)
        return services.update_article(article, changes=changes, actor=admin_actor(request))

    def remove(self, request: HttpRequest, obj: Any) -> None:
        services.delete_article(obj, actor=admin_actor(request))


class VersionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ArticleVersion
    fields = ("number", "title", "author", "note", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ArticleTranslation)
class ArticleTranslationAdmin(ReadOnlyAdmin):
    list_display = ("title", "language", "status", "version", "view_count", "helpful_count")
    list_filter = ("status", "language", "article__visibility", "article__category")
    search_fields = ("title", "article__slug")
    list_select_related = ("article",)
    inlines = (VersionInline,)


@admin.register(ArticleFeedback)
class ArticleFeedbackAdmin(ReadOnlyAdmin):
    list_display = ("translation", "helpful", "comment", "created_at")
    list_filter = ("helpful",)
    search_fields = ("comment", "translation__title")
    list_select_related = ("translation",)


@admin.register(SearchRecord)
class SearchRecordAdmin(ReadOnlyAdmin):
    list_display = ("query", "scope", "result_count", "language", "created_at")
    list_filter = ("scope", "language")
    search_fields = ("normalized",)


@admin.register(Deflection)
class DeflectionAdmin(ReadOnlyAdmin):
    list_display = ("translation", "outcome", "query", "created_at")
    list_filter = ("outcome",)
    list_select_related = ("translation",)
