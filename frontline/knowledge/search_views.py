"""The workspace search page (``/search/``): tickets and articles with the search box's
syntax, filter chips, paging; and the article search of the ticket page's suggestions panel.
"""

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from frontline.accounts.web import staff_required, web_actor
from frontline.core.search import QueryError
from frontline.knowledge.models import ArticleStatus, Visibility
from frontline.knowledge.queries import ArticleHit, ArticleResults, search_articles
from frontline.tickets.models import AuthorType, Message, MessageKind, Ticket
from frontline.tickets.queries import get_ticket_by_number_for
from frontline.tickets.search import TicketResults, search_tickets, similar_solved_tickets

PAGE_SIZE = 20
PANEL_SIZE = 5
QUICK_SIZE = 5
TYPES = ("tickets", "articles")
MAX_PAGE = 50

# Filters the page offers as chips, beside one per team among the hits.
CHIPS = (
    ("Unsolved", "status:unsolved"),
    ("Solved", "status:solved"),
    ("Mine", "assignee:me"),
    ("Unassigned", "assignee:none"),
    ("Urgent", "priority:urgent"),
)

SYNTAX = (
    ("refund card", "tickets with both words"),
    ('"card declined"', "the exact phrase"),
    ("-test", "without the word"),
    ("status:open", "new, open, pending, on_hold, solved, closed, or unsolved"),
    ("tag:refund", "a tag"),
    ("from:ann@example.com", "the customer's or a writer's address"),
    ("assignee:me", "an agent's email, me or none"),
    ("team:billing", "a team's name or slug"),
    ("priority:high", "low, normal, high, urgent"),
    ("channel:email", "email, portal, chat, phone, sms, social, api, web_form"),
    ("category:billing", "a category's name or slug"),
    ("org:acme", "an organisation's name"),
    ("#1234", "a ticket number (also number:1234)"),
    ("-tag:spam", "a minus before a filter excludes"),
)


@dataclass(frozen=True)
class Chip:
    label: str
    filter: str
    href: str
    active: bool


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    number = int(raw) if raw.isdigit() else 1
    return min(max(number, 1), MAX_PAGE)


def _href(q: str, kind: str, page: int = 1) -> str:
    params = {"q": q, "type": kind} | ({"page": str(page)} if page > 1 else {})
    return f"/search/?{urlencode(params)}"


def _without(q: str, token: str) -> str:
    return " ".join(part for part in q.split() if part.lower() != token.lower())


def _chips(q: str, kind: str, results: TicketResults | None) -> list[Chip]:
    offered = list(CHIPS)
    teams = {
        hit.ticket.team.slug: hit.ticket.team.name
        for hit in (results.hits if results else [])
        if hit.ticket.team is not None
    }
    offered += [(name, f"team:{slug}") for slug, name in sorted(teams.items())]
    present = {part.lower() for part in q.split()}
    chips = []
    for label, token in offered:
        active = token.lower() in present
        target = _without(q, token) if active else f"{q} {token}".strip()
        chips.append(Chip(label, token, _href(target, kind), active))
    return chips


def _count(results: TicketResults | ArticleResults | None) -> str:
    if results is None:
        return ""
    return f"{len(results.hits)}{'+' if results.has_more else ''}"


@require_GET
@staff_required
def search_page(request: HttpRequest) -> HttpResponse:
    actor = web_actor(request)
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("type", "tickets")
    kind = kind if kind in TYPES else "tickets"
    page = _page_number(request)
    offset = (page - 1) * PAGE_SIZE
    context: dict[str, Any] = {"q": q, "type": kind, "page": page, "syntax": SYNTAX}
    context["section"] = "search"
    tickets: TicketResults | None = None
    articles: ArticleResults | None = None
    status = 200
    if q:
        try:
            tickets = search_tickets(
                actor, q, limit=PAGE_SIZE, offset=offset if kind == "tickets" else 0
            )
            articles = _articles(actor, q, offset if kind == "articles" else 0)
        except QueryError as error:
            context["error"] = error.message
            status = 400
    results = tickets if kind == "tickets" else articles
    context |= {
        "tickets": tickets,
        "articles": articles,
        "results": results,
        "tabs": [
            ("tickets", "Tickets", _count(tickets), _href(q, "tickets")),
            ("articles", "Articles", _count(articles), _href(q, "articles")),
        ],
        "chips": _chips(q, kind, tickets) if kind == "tickets" and q else [],
        "previous_href": _href(q, kind, page - 1) if page > 1 and results else None,
        "next_href": _href(q, kind, page + 1) if results and results.has_more else None,
    }
    return render(request, "knowledge/search.html", context, status=status)


@require_GET
@staff_required
def quick_search(request: HttpRequest) -> HttpResponse:
    """The header box's dropdown while typing (htmx): the top few tickets."""
    q = request.GET.get("q", "").strip()
    context: dict[str, Any] = {"q": q}
    if len(q) >= 2:
        try:
            context["results"] = search_tickets(web_actor(request), q, limit=QUICK_SIZE)
        except QueryError as error:
            context["error"] = error.message
    return render(request, "knowledge/_quick_results.html", context)


def _articles(actor: Any, q: str, offset: int) -> ArticleResults | None:
    # The ticket syntax's filters mean nothing to articles: the words alone search them.
    words = " ".join(part for part in q.split() if not re.match(r"-?[A-Za-z_]+:.", part))
    if not words.strip():
        return None
    return search_articles(actor, words, limit=PAGE_SIZE, offset=offset)


@dataclass(frozen=True)
class Suggestion:
    """An article offered on the ticket page, with what its buttons insert."""

    hit: ArticleHit
    help_url: str
    markdown: str

    @property
    def shareable(self) -> bool:
        """Whether the customer may read it: internal articles are for agents only."""
        return bool(self.hit.translation.article.visibility != Visibility.INTERNAL)


def _suggestions(request: HttpRequest, text: str) -> list[Suggestion]:
    # Twice the panel's size, so drafts and archived texts (staff see them) can drop out.
    found = search_articles(web_actor(request), text, limit=PANEL_SIZE * 2, natural=True)
    suggestions = []
    for hit in found.hits:
        translation = hit.translation
        if translation.status != ArticleStatus.PUBLISHED:
            continue
        article = translation.article
        path = f"/help/{article.category.slug}/{article.slug}/"
        suggestions.append(
            Suggestion(hit, request.build_absolute_uri(path), translation.body_markdown)
        )
    return suggestions[:PANEL_SIZE]


def _request_text(ticket: Ticket) -> str:
    """The subject and the customer's first message: what the ticket is about."""
    first = (
        Message.objects.filter(
            ticket=ticket, kind=MessageKind.REPLY, author_type=AuthorType.CUSTOMER
        )
        .order_by("created_at", "id")
        .values_list("visible_text", "body_text")
        .first()
    )
    body = (first[0] or first[1]) if first else ""
    return f"{ticket.subject}\n{body[:2000]}"


@require_GET
@staff_required
def ticket_suggestions(request: HttpRequest, number: int) -> HttpResponse:
    """The ticket page's suggestions panel (loaded by htmx once the page shows)."""
    actor = web_actor(request)
    ticket = get_ticket_by_number_for(actor, number, related=())
    text = _request_text(ticket)
    context = {
        "ticket": ticket,
        "suggestions": _suggestions(request, text),
        "similar": similar_solved_tickets(actor, ticket, text=text),
    }
    return render(request, "knowledge/_suggestions_panel_body.html", context)


@require_GET
@staff_required
def article_suggestions(request: HttpRequest) -> HttpResponse:
    """The suggestions panel's own article search (htmx): a partial of up to five hits."""
    q = request.GET.get("q", "").strip()
    context: dict[str, Any] = {"q": q, "suggestions": _suggestions(request, q) if q else []}
    return render(request, "knowledge/_suggested_articles.html", context)
