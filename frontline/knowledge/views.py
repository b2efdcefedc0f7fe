"""The knowledge base in the workspace: the article list, the editor with its live preview,
translations, publishing, history with diffs, and categories.

Every staff member may read these pages (analysts too); writing needs
``can_edit_articles`` and publishing ``can_publish_articles``, which the services check and
the templates follow (buttons a user may not use are not shown).
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from frontline.accounts.models import User
from frontline.accounts.permissions import (
    PUBLISHES_ARTICLES,
    can_edit_articles,
    can_publish_articles,
)
from frontline.accounts.web import staff_required, web_actor
from frontline.core.errors import Conflict, FrontlineError, NotFound, ValidationFailed
from frontline.core.search import Query, QueryError
from frontline.customers.models import Organisation
from frontline.knowledge import services
from frontline.knowledge.diff import diff_versions
from frontline.knowledge.models import (
    Article,
    ArticleStatus,
    ArticleTranslation,
    ArticleVersion,
    Category,
    SearchScope,
    Section,
    Visibility,
)
from frontline.knowledge.queries import get_article_for, search_articles
from frontline.knowledge.rendering import render_markdown
from frontline.knowledge.review import needing_review, review_cutoff
from frontline.tickets.models import AuthorType, MessageKind, Ticket
from frontline.tickets.queries import get_ticket_for

PAGE_SIZE = 25
SECTION = "knowledge"


def permissions(request: HttpRequest) -> dict[str, bool]:
    user = web_actor(request).user
    return {
        "can_edit": user is not None and can_edit_articles(user),
        "can_publish": user is not None and can_publish_articles(user),
    }


def _pagenumber(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return max(int(raw), 1) if raw.isdigit() and len(raw) < 6 else 1


# --- the list -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleRow:
    article: Article
    translations: list[ArticleTranslation]
    needs_review: bool
    snippet: str = ""

    @property
    def title(self) -> str:
        return self.translations[0].title if self.translations else self.article.slug


def _filtered(request: HttpRequest, articles: QuerySet[Article]) -> QuerySet[Article]:
    params = request.GET
    if params.get("category"):
        articles = articles.filter(category__slug=params["category"])
    if params.get("visibility") in Visibility.values:
        articles = articles.filter(visibility=params["visibility"])
    translations = ArticleTranslation.objects.filter(article=OuterRef("pk"))
    if params.get("status") in ArticleStatus.values:
        articles = articles.filter(Exists(translations.filter(status=params["status"])))
    if params.get("language"):
        articles = articles.filter(Exists(translations.filter(language=params["language"])))
    if params.get("review"):
        articles = needing_review(articles, now=timezone.now())
    return articles


def _listed(articles: QuerySet[Article]) -> QuerySet[Article]:
    return articles.select_related("category", "section", "author").prefetch_related(
        Prefetch("translations", queryset=ArticleTranslation.objects.order_by("language"))
    )


def _rows(articles: list[Article], snippets: dict[int, str] | None = None) -> list[ArticleRow]:
    cutoff = review_cutoff(timezone.now())

    def due(article: Article, translations: list[ArticleTranslation]) -> bool:
        live = any(t.status == ArticleStatus.PUBLISHED for t in translations)
        return live and (article.last_reviewed_at or article.created_at) < cutoff

    rows = []
    for article in articles:
        translations = list(article.translations.all())
        snippet = (snippets or {}).get(article.pk, "")
        rows.append(ArticleRow(article, translations, due(article, translations), snippet))
    return rows


def _searched(request: HttpRequest, text: str, offset: int) -> tuple[list[ArticleRow], bool, str]:
    try:
        results = search_articles(
            web_actor(request),
            text,
            limit=PAGE_SIZE,
            offset=offset,
            record=SearchScope.WORKSPACE,
        )
    except QueryError as error:
        return [], False, error.message
    if not results.query.has_text:
        return _only_filters(request, results.query, offset)
    order = list(dict.fromkeys(hit.translation.article_id for hit in results.hits))
    snippets = {hit.translation.article_id: hit.snippet for hit in reversed(results.hits)}
    found = {a.pk: a for a in _listed(_filtered(request, Article.objects.filter(pk__in=order)))}
    articles = [found[pk] for pk in order if pk in found]
    return _rows(articles, snippets), results.has_more, ""


# The search syntax's filters, for a query that has nothing else: ``status:draft lang:de``.
FILTER_LOOKUPS = {
    "category": "category__slug",
    "tag": "tags__name",
    "lang": "translations__language",
    "status": "translations__status",
    "visibility": "visibility",
}


def _only_filters(
    request: HttpRequest, query: Query, offset: int
) -> tuple[list[ArticleRow], bool, str]:
    articles = _filtered(request, Article.objects.all())
    for name, value in query.filters:
        matching = Article.objects.filter(**{FILTER_LOOKUPS[name.lstrip("-")]: value.lower()})
        chosen = articles.filter(pk__in=matching.values("pk"))
        articles = (
            articles.exclude(pk__in=matching.values("pk")) if name.startswith("-") else chosen
        )
    listed = list(_listed(articles).order_by("-updated_at", "-pk")[offset : offset + PAGE_SIZE + 1])
    return _rows(listed[:PAGE_SIZE]), len(listed) > PAGE_SIZE, ""


@require_GET
@staff_required
def article_list(request: HttpRequest) -> HttpResponse:
    page = _pagenumber(request)
    offset = (page - 1) * PAGE_SIZE
    text = request.GET.get("q", "").strip()
    error = ""
    if text:
        rows, has_more, error = _searched(request, text, offset)
    else:
        listed = _listed(_filtered(request, Article.objects.all())).order_by("-updated_at", "-pk")
        articles = list(listed[offset : offset + PAGE_SIZE + 1])
        rows, has_more = _rows(articles[:PAGE_SIZE]), len(articles) > PAGE_SIZE
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "rows": rows,
        "error": error,
        "page": page,
        "has_more": has_more,
        "query_string": query.urlencode(),
        "filters": request.GET,
        "categories": Category.objects.all(),
        "statuses": ArticleStatus.choices,
        "visibilities": Visibility.choices,
        "languages": settings.SEARCH_LANGUAGES,
        "review_months": settings.KNOWLEDGE_REVIEW_MONTHS,
        "section": SECTION,
        **permissions(request),
    }
    return render(request, "knowledge/articles.html", context)


# --- new article --------------------------------------------------------------------------


def _solution_of(ticket: Ticket) -> str:
    """The ticket's latest public reply by an agent: most often the answer."""
    reply = (
        ticket.messages.filter(
            kind=MessageKind.REPLY, author_type=AuthorType.AGENT, is_automatic=False
        )
        .order_by("-created_at", "-id")
        .first()
    )
    return (reply.visible_text or reply.body_text).strip() if reply else ""


def _source_ticket(request: HttpRequest, raw: str) -> Ticket | None:
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise Http404("No such ticket.")
    try:
        return get_ticket_for(web_actor(request), int(raw))
    except NotFound:
        raise Http404("No such ticket.") from None


def _choices(request: HttpRequest) -> dict[str, Any]:
    return {
        "categories": list(Category.objects.prefetch_related("sections")),
        "visibilities": Visibility.choices,
        "organisations": Organisation.objects.order_by("name").only("pk", "name"),
        "languages": settings.SEARCH_LANGUAGES,
        "reviewers": User.objects.filter(role__in=PUBLISHES_ARTICLES, is_active=True).order_by(
            "name"
        ),
        "section": SECTION,
        **permissions(request),
    }


@dataclass(frozen=True)
class Placement:
    category: Category
    section: Section | None
    visibility: Visibility
    organisations: list[Organisation]
    tags: list[str]
    reviewer: User | None


def _placement(data: Any) -> Placement:
    category = Category.objects.filter(pk=number(data.get("category"))).first()
    if category is None:
        raise ValidationFailed("Choose a category.", field="category")
    section = Section.objects.filter(pk=number(data.get("section"))).first()
    visibility = data.get("visibility") or Visibility.PUBLIC
    if visibility not in Visibility.values:
        raise ValidationFailed("Choose who may read it.", field="visibility")
    ids = [number(v) for v in data.getlist("organisations")]
    reviewer = User.objects.filter(pk=number(data.get("reviewer")), is_active=True).first()
    return Placement(
        category=category,
        section=section if section and section.category_id == category.pk else None,
        visibility=Visibility(visibility),
        organisations=list(Organisation.objects.filter(pk__in=ids)),
        tags=[t for t in data.get("tags", "").replace(",", " ").split() if t],
        reviewer=reviewer,
    )


def number(raw: Any) -> int:
    text = str(raw or "")
    return int(text) if text.isdigit() and len(text) < 18 else 0


@staff_required
def article_new(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    ticket = _source_ticket(request, data.get("from_ticket", ""))
    values = {
        "title": data.get("title", ticket.subject if ticket else ""),
        "body": data.get("body", _solution_of(ticket) if ticket else ""),
        "language": data.get("language", "en"),
        "category": data.get("category", ""),
        "section": data.get("section", ""),
        "visibility": data.get("visibility", Visibility.PUBLIC),
        "tags": data.get("tags", ""),
    }
    context = {**_choices(request), "values": values, "ticket": ticket}
    if request.method != "POST":
        return render(request, "knowledge/article_new.html", context)
    try:
        place = _placement(request.POST)
        article = services.create_article(
            category=place.category,
            section=place.section,
            title=values["title"],
            body_markdown=values["body"],
            language=values["language"],
            visibility=place.visibility,
            organisations=place.organisations,
            tags=place.tags,
            reviewer=place.reviewer,
            source_ticket=ticket,
            actor=web_actor(request),
        )
    except ValidationFailed as error:
        return render(
            request, "knowledge/article_new.html", {**context, "error": error}, status=422
        )
    messages.success(request, "Draft saved.")
    return redirect("knowledge:article", article.pk)


# --- the editor ---------------------------------------------------------------------------


def _article(request: HttpRequest, article_id: int) -> Article:
    return get_article_for(web_actor(request), article_id)


def _current(article: Article, language: str) -> ArticleTranslation | None:
    translations = list(article.translations.all())
    chosen = [t for t in translations if t.language == language]
    # Without a (known) language, the one the article was written in first.
    return chosen[0] if chosen else min(translations, key=lambda t: t.pk, default=None)


def _editor(
    request: HttpRequest,
    article: Article,
    translation: ArticleTranslation | None,
    **extra: Any,
) -> dict[str, Any]:
    now = timezone.now()
    rights = permissions(request)
    published = translation is not None and translation.status == ArticleStatus.PUBLISHED
    return {
        **_choices(request),
        "can_save": rights["can_publish"] or (rights["can_edit"] and not published),
        "article": article,
        "translation": translation,
        "translations": list(article.translations.all()),
        "chosen_organisations": {o.pk for o in article.organisations.all()},
        "tags": " ".join(t.name for t in article.tags.all()),
        "needs_review": needing_review(Article.objects.filter(pk=article.pk), now=now).exists(),
        "statuses": ArticleStatus,
        **extra,
    }


@staff_required
def article_edit(request: HttpRequest, article_id: int) -> HttpResponse:
    article = _article(request, article_id)
    translation = _current(article, request.GET.get("lang", ""))
    if request.method != "POST" or translation is None:
        return render(request, "knowledge/article.html", _editor(request, article, translation))
    translation = _current(article, request.POST.get("language", ""))
    assert translation is not None  # noqa: S101 - an article always has one
    try:
        services.save_translation(
            translation,
            title=request.POST.get("title", ""),
            body_markdown=request.POST.get("body", ""),
            note=request.POST.get("note", ""),
            actor=web_actor(request),
        )
    except ValidationFailed as error:
        context = _editor(request, article, translation, error=error, draft=request.POST)
        return render(request, "knowledge/article.html", context, status=422)
    messages.success(request, "Saved.")
    return _back_to(article, translation.language)


def _back_to(article: Article, language: str) -> HttpResponse:
    return redirect(f"{reverse('knowledge:article', args=[article.pk])}?lang={language}")


@require_POST
@staff_required
def article_settings(request: HttpRequest, article_id: int) -> HttpResponse:
    article = _article(request, article_id)
    try:
        place = _placement(request.POST)
        changes = services.ArticleChanges(
            category=place.category,
            section=place.section,
            clear_section=place.section is None,
            slug=request.POST.get("slug") or None,
            visibility=place.visibility,
            organisations=place.organisations,
            tags=place.tags,
            reviewer=place.reviewer,
            clear_reviewer=place.reviewer is None,
        )
        services.update_article(article, changes=changes, actor=web_actor(request))
    except FrontlineError as error:
        if not isinstance(error, ValidationFailed | services.DuplicateSlug):
            raise
        translation = _current(article, request.POST.get("language", ""))
        context = _editor(request, article, translation, settings_error=error)
        return render(request, "knowledge/article.html", context, status=422)
    messages.success(request, "Settings saved.")
    return _back_to(article, request.POST.get("language", ""))


@require_POST
@staff_required
def translation_add(request: HttpRequest, article_id: int) -> HttpResponse:
    article = _article(request, article_id)
    language = request.POST.get("language", "").strip()
    try:
        translation = services.add_translation(
            article,
            language=language,
            title=request.POST.get("title", ""),
            body_markdown=request.POST.get("body", ""),
            actor=web_actor(request),
        )
    except (ValidationFailed, Conflict) as error:
        current = _current(article, "")
        context = _editor(request, article, current, translation_error=error)
        return render(request, "knowledge/article.html", context, status=422)
    messages.success(request, f"Added the {translation.language} translation.")
    return _back_to(article, translation.language)


STATUS_ACTIONS = {
    "publish": ArticleStatus.PUBLISHED,
    "unpublish": ArticleStatus.DRAFT,
    "archive": ArticleStatus.ARCHIVED,
}


@require_POST
@staff_required
def translation_status(request: HttpRequest, article_id: int) -> HttpResponse:
    article = _article(request, article_id)
    translation = _current(article, request.POST.get("language", ""))
    status = STATUS_ACTIONS.get(request.POST.get("action", ""))
    if translation is None or status is None:
        raise Http404("No such action.")
    services.set_translation_status(translation, status=status, actor=web_actor(request))
    messages.success(request, f"{translation.title}: {status.label.lower()}.")
    return _back_to(article, translation.language)


@require_POST
@staff_required
def article_review(request: HttpRequest, article_id: int) -> HttpResponse:
    article = _article(request, article_id)
    services.mark_reviewed(article, actor=web_actor(request))
    messages.success(request, "Marked reviewed.")
    return _back_to(article, request.POST.get("language", ""))


@require_POST
@staff_required
def article_delete(request: HttpRequest, article_id: int) -> HttpResponse:
    article = _article(request, article_id)
    services.delete_article(article, actor=web_actor(request))
    messages.success(request, "Article deleted.")
    return redirect("knowledge:articles")


@require_POST
@staff_required
def preview(request: HttpRequest) -> HttpResponse:
    """The Markdown of the editor as the help centre will show it (htmx fragment)."""
    body = request.POST.get("body", "")[: services.MAX_BODY]
    return render(request, "knowledge/_preview.html", {"html": render_markdown(body)})


# --- history ------------------------------------------------------------------------------


def _version(versions: list[ArticleVersion], raw: str | None) -> ArticleVersion | None:
    wanted = number(raw)
    return next((v for v in versions if v.number == wanted), None)


@require_GET
@staff_required
def history(request: HttpRequest, article_id: int) -> HttpResponse:
    article = _article(request, article_id)
    translation = _current(article, request.GET.get("lang", ""))
    if translation is None:
        raise Http404("No text yet.")
    versions = list(translation.versions.select_related("author").order_by("-number"))
    new = _version(versions, request.GET.get("b")) or versions[0]
    old = _version(versions, request.GET.get("a")) or (versions[1] if len(versions) > 1 else new)
    context = {
        "article": article,
        "translation": translation,
        "translations": list(article.translations.all()),
        "versions": versions,
        "diff": diff_versions(old, new),
        "section": SECTION,
        **permissions(request),
    }
    return render(request, "knowledge/history.html", context)


@require_POST
@staff_required
def restore(request: HttpRequest, article_id: int, number: int) -> HttpResponse:
    article = _article(request, article_id)
    translation = _current(article, request.POST.get("language", ""))
    version = get_object_or_404(ArticleVersion, translation=translation, number=number)
    services.restore_version(version, actor=web_actor(request))
    messages.success(request, f"Restored version {number} as a new version.")
    return redirect(
        f"{reverse('knowledge:history', args=[article.pk])}?lang={version.translation.language}"
    )
