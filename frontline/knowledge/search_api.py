"""``GET /api/v1/search``: tickets and articles, with the search box's syntax and
permissions, in a fixed shape integrations rely on (``docs/search.md``)."""

from typing import Literal
from urllib.parse import urlencode

from django.core import signing
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import AuthenticationError

from frontline.accounts.api_auth import AUTH_OR_VISITOR, optional_actor
from frontline.core.api_support import responses
from frontline.core.errors import ValidationFailed
from frontline.core.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from frontline.core.search import QueryError
from frontline.knowledge.queries import search_articles
from frontline.tickets.search import search_tickets

router = Router(tags=["search"])

_CURSOR_SALT = "frontline.search.cursor"
# Paging stops here: a search is for finding, not for walking a whole inbox.
MAX_OFFSET = 1000


class SearchParams(Schema):
    q: str = Field("", description="What to search for, in the search box's syntax.")
    type: Literal["tickets", "articles"] | None = Field(
        None, description="tickets (the default when signed in) or articles (for visitors)."
    )
    cursor: str | None = Field(None, min_length=1, max_length=1000, pattern=r"^[^\x00]*$")
    page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)


class SearchItemOut(Schema):
    type: Literal["ticket", "article"]
    id: int = Field(description="The ticket's id, or the article's id.")
    title: str = Field(description="The ticket's subject, or the article translation's title.")
    snippet: str = Field(description="HTML: escaped text with the matched words in <mark>.")
    score: float = Field(description="Higher is better; comparable within one search only.")


class SearchPageOut(Schema):
    items: list[SearchItemOut]
    next: str | None = Field(description="The path of the next page, or null.")


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        value = signing.loads(cursor, salt=_CURSOR_SALT)
    except signing.BadSignature:
        raise ValidationFailed("The cursor is not one this API issued.", field="cursor") from None
    if not isinstance(value, int) or not 0 <= value <= MAX_OFFSET:
        raise ValidationFailed("The cursor does not fit this list.", field="cursor")
    return value


def _next(request: HttpRequest, offset: int) -> str | None:
    if offset > MAX_OFFSET:
        return None
    params = {k: v for k, v in request.GET.items() if k != "cursor"}
    params["cursor"] = signing.dumps(offset, salt=_CURSOR_SALT)
    return f"{request.path}?{urlencode(params)}"


@router.get(
    "",
    response=responses({200: SearchPageOut}),
    auth=AUTH_OR_VISITOR,
    summary="Search tickets or articles",
)
def search(request: HttpRequest, params: Query[SearchParams]) -> SearchPageOut:
    """Tickets the caller may open (customers: their own, without note text) or articles
    the caller may read; visitors without credentials search public articles only."""
    actor = optional_actor(request)
    kind = params.type or ("tickets" if actor is not None else "articles")
    if not params.q.strip():
        raise QueryError("Give words or filters to search for.", field="q")
    size = params.page_size or DEFAULT_PAGE_SIZE
    offset = _offset(params.cursor)
    if kind == "tickets":
        if actor is None:
            raise AuthenticationError
        tickets = search_tickets(actor, params.q, limit=size, offset=offset)
        items = [
            SearchItemOut(
                type="ticket",
                id=hit.ticket.pk,
                title=hit.ticket.subject,
                snippet=hit.snippet,
                score=hit.score,
            )
            for hit in tickets.hits
        ]
        more = tickets.has_more
    else:
        articles = search_articles(actor, params.q, limit=size, offset=offset)
        items = [
            SearchItemOut(
                type="article",
                id=hit.translation.article_id,
                title=hit.translation.title,
                snippet=hit.snippet,
                score=hit.score,
            )
            for hit in articles.hits
        ]
        more = articles.has_more
    return SearchPageOut(items=items, next=_next(request, offset + size) if more else None)
