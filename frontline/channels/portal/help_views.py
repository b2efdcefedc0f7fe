"""The public help centre (docs/help-centre.md): home, categories, articles, search and
"was this helpful?".

Everyone sees what an anonymous visitor sees: published public articles; a signed-in
customer also sees their organisation's. Staff read the public site too (drafts and
internal articles are the workspace's), and their visits are not counted. Anything a
reader may not see is a plain 404.
"""

import contextlib
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from frontline.accounts.web import web_actor
from frontline.channels.portal import self_service
from frontline.core.actors import Actor
from frontline.core.errors import Conflict
from frontline.core.search import QueryError
from frontline.knowledge import feedback
from frontline.knowledge.models import ArticleTranslation, Category, SearchScope
from frontline.knowledge.queries import (
    ArticleResults,
    articles_visible_to,
    search_articles,
    translations_visible_to,
)

PAGE_SIZE = 10
MAX_PAGES = 50
POPULAR = 6
RELATED = 5


def reader(request: HttpRequest) -> Actor | None:
    """The signed-in customer, or None: a visitor (and staff) reads the public site."""
    if not (request.user.is_authenticated and request.user.is_active):
        return None
    actor = web_actor(request)
    return actor if actor.is_customer else None


def _is_staff(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated and not web_actor(request).is_customer)


def accepted_languages(header: str) -> list[str]:
    """Accept-Language's languages, most wanted first: ``de-CH,en;q=0.8`` → de-ch, en."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:20]):
        language, _, weight = part.strip().partition(";q=")
        try:
            quality = float(weight) if weight else 1.0
        except ValueError:
            continue
        if language and language != "*" and quality > 0:
            weighted.append((-quality, position, language.lower()))
    return [language for _, _, language in sorted(weighted)]


def preferred_languages(request: HttpRequest) -> list[str]:
    wanted = request.GET.get("lang", "").strip().lower()[:10]
    languages = [wanted] if wanted else []
    return languages + accepted_languages(request.headers.get("Accept-Language", ""))


def choose(translations: list[ArticleTranslation], languages: list[str]) -> ArticleTranslation:
    """The translation in the most wanted language (``de`` also for ``de-ch``), else the
    first one given."""
    by_language = {t.language.lower(): t for t in translations}
    for language in languages:
        found = by_language.get(language) or by_language.get(language.split("-")[0])
        if found is not None:
            return found
    return translations[0]


def one_per_article(
    translations: list[ArticleTranslation], languages: list[str]
) -> list[ArticleTranslation]:
    """Each article once, in its best language, in the order the articles first appear."""
    grouped: dict[int, list[ArticleTranslation]] = {}
    for translation in translations:
        grouped.setdefault(translation.article_id, []).append(translation)
    return [choose(group, languages) for group in grouped.values()]


def _live(actor: Actor | None) -> Any:
    return translations_visible_to(actor).select_related("article__category")


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    actor = reader(request)
    visible = articles_visible_to(actor).values("pk")
    categories = (
        Category.objects.annotate(
            article_count=Count("articles", filter=Q(articles__pk__in=visible), distinct=True)
        )
        .filter(article_count__gt=0)
        .order_by("position", "name")
    )
    popular = list(_live(actor).order_by("-view_count", "article_id", "pk")[: POPULAR * 4])
    context = {
        "categories": list(categories),
        "popular": one_per_article(popular, preferred_languages(request))[:POPULAR],
        "section": "help",
    }
    return render(request, "portal/help/home.html", context)


@require_GET
def category(request: HttpRequest, category: str) -> HttpResponse:
    actor = reader(request)
    found = get_object_or_404(Category, slug=category)
    translations = list(
        _live(actor)
        .filter(article__category=found)
        .select_related("article__section")
        .order_by("article__section__position", "article__section__name", "article__position", "pk")
    )
    if not translations:
        raise Http404("No such category.")
    sections: dict[int | None, dict[str, Any]] = {}
    for translation in one_per_article(translations, preferred_languages(request)):
        section = translation.article.section
        entry = sections.setdefault(section.pk if section else None, {"section": section})
        entry.setdefault("articles", []).append(translation)
    context = {"category": found, "sections": list(sections.values()), "section": "help"}
    return render(request, "portal/help/category.html", context)


def _article_translations(
    actor: Actor | None, category: str, slug: str
) -> list[ArticleTranslation]:
    translations = list(
        _live(actor)
        .filter(article__category__slug=category, article__slug=slug)
        .select_related("article__section")
        .order_by("published_at", "pk")
    )
    if not translations:
        raise Http404("No such article.")
    return translations


def _related(
    actor: Actor | None, translation: ArticleTranslation, languages: list[str]
) -> list[ArticleTranslation]:
    article = translation.article
    nearby = _live(actor).exclude(article_id=article.pk)
    if article.section_id is not None:
        nearby = nearby.filter(article__section_id=article.section_id)
    else:
        nearby = nearby.filter(article__category_id=article.category_id)
    found = list(nearby.order_by("article__position", "article_id", "pk")[: RELATED * 4])
    return one_per_article(found, languages)[:RELATED]


@require_GET
def article(request: HttpRequest, category: str, slug: str) -> HttpResponse:
    actor = reader(request)
    translations = _article_translations(actor, category, slug)
    languages = preferred_languages(request)
    chosen = choose(translations, languages)
    if not _is_staff(request) and self_service.first_view(request, chosen.article_id):
        feedback.record_view(chosen)
    context = {
        "translation": chosen,
        "article": chosen.article,
        "others": [t for t in translations if t.pk != chosen.pk],
        "related": _related(actor, chosen, languages),
        "deflection_id": _deflection(request, actor, chosen),
        "section": "help",
        **_vote_context(request, chosen),
    }
    return render(request, "portal/help/article.html", context)


def _deflection(
    request: HttpRequest, actor: Actor | None, translation: ArticleTranslation
) -> int | None:
    """A customer who came from the request form's suggestions: their deflection."""
    if request.GET.get("from") != "request" or actor is None:
        return self_service.deflection_for(request, translation.article_id)
    known = self_service.deflection_for(request, translation.article_id)
    if known is not None:
        return known
    made = feedback.record_deflection(translation, query=request.GET.get("q", ""), actor=actor)
    self_service.remember_deflection(request, translation.article_id, made.pk)
    return made.pk


def _vote_context(request: HttpRequest, translation: ArticleTranslation) -> dict[str, Any]:
    return {"translation": translation, "vote": self_service.vote_for(request, translation.pk)}


def article_url(translation: ArticleTranslation, **query: str) -> str:
    article = translation.article
    path = reverse("help:article", args=[article.category.slug, article.slug])
    return f"{path}?{urlencode({'lang': translation.language, **query})}"


def _feedback_answer(request: HttpRequest, translation: ArticleTranslation) -> HttpResponse:
    if request.headers.get("HX-Request"):
        return render(request, "portal/help/_feedback.html", _vote_context(request, translation))
    return HttpResponseRedirect(article_url(translation) + "#feedback")


@require_POST
def vote(request: HttpRequest, category: str, slug: str) -> HttpResponse:
    """A "was this helpful?" answer; one per session and translation."""
    translations = _article_translations(reader(request), category, slug)
    chosen = {str(t.pk): t for t in translations}.get(request.POST.get("translation", ""))
    helpful = request.POST.get("helpful")
    if chosen is None or helpful not in ("yes", "no"):
        return HttpResponse("Choose yes or no.", status=400, content_type="text/plain")
    if self_service.vote_for(request, chosen.pk) is None:
        made = feedback.record_feedback(
            chosen,
            helpful=helpful == "yes",
            comment=request.POST.get("comment", ""),
            actor=reader(request),
        )
        self_service.remember_vote(request, chosen.pk, feedback_id=made.pk, helpful=made.helpful)
        if made.comment:
            self_service.remember_comment(request, chosen.pk)
    return _feedback_answer(request, chosen)


@require_POST
def comment(request: HttpRequest, feedback_id: int) -> HttpResponse:
    """The optional comment after a vote: only on this session's own vote."""
    translation_id = self_service.voted_translation(request, feedback_id)
    if translation_id is None:
        raise Http404("No such answer.")
    given = feedback.get_feedback(feedback_id)
    with contextlib.suppress(Conflict):  # a second submit of the same comment form
        feedback.comment_on_feedback(given, comment=request.POST.get("comment", ""))
    if given.comment:
        self_service.remember_comment(request, translation_id)
    return _feedback_answer(request, given.translation)


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()
    try:
        page = max(1, min(int(request.GET.get("page", "1")), MAX_PAGES))
    except ValueError:
        page = 1
    context: dict[str, Any] = {"q": text, "page_number": page, "section": "help"}
    if not text:
        return render(request, "portal/help/search.html", context)
    try:
        results = search_articles(
            reader(request),
            text,
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
            record=SearchScope.HELP_CENTRE,
        )
    except QueryError as exc:
        context["error"] = exc.message
        return render(request, "portal/help/search.html", context, status=400)
    context.update(_result_pages(text, page, results))
    return render(request, "portal/help/search.html", context)


def _result_pages(text: str, page: int, results: ArticleResults) -> dict[str, Any]:
    def link(number: int) -> str:
        return "?" + urlencode({"q": text, "page": number})

    return {
        "results": results,
        "has_words": results.query.has_text,
        "previous": link(page - 1) if page > 1 else None,
        "next": link(page + 1) if results.has_more and page < MAX_PAGES else None,
    }
