"""Cursor pagination on a keyset: stable under inserts and as fast on page 1,000 as on page 1.

A cursor is an opaque, signed token holding the sort values of the last row shown. The
next page asks for rows strictly after it in the sort order, which an index answers
without counting or skipping rows.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from django.core import signing
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from ninja import Field, Schema

from frontline.core.errors import ValidationFailed

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100

M = TypeVar("M", bound=Model)
T = TypeVar("T")


class PageParams(Schema):
    """The query parameters of every list: an opaque ``cursor`` from a previous page's
    ``next``, and how many items a page holds."""

    cursor: str | None = Field(None, min_length=1, max_length=1000, pattern=r"^[^\x00]*$")
    page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next: str | None


_CURSOR_SALT = "frontline.pagination.cursor"


def _encode(values: Sequence[Any]) -> str:
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    return signing.dumps(plain, salt=_CURSOR_SALT)


def _decode(cursor: str, count: int) -> list[Any]:
    """The values inside a cursor this API issued. Cursors are signed, so a made-up or edited
    one is refused here and never reaches a query with values of the wrong type."""
    try:
        values = signing.loads(cursor, salt=_CURSOR_SALT)
    except signing.BadSignature:
        raise ValidationFailed("The cursor is not one this API issued.", field="cursor") from None
    if not isinstance(values, list) or len(values) != count:
        raise ValidationFailed("The cursor does not fit this list.", field="cursor")
    return values


def _after(order: Sequence[str], values: list[Any]) -> Q:
    """Rows strictly after ``values`` in ``order`` (e.g. ["-updated_at", "-id"]).

    Written out as ``a < x OR (a = x AND id < y)``, with ``a <= x`` in front: the OR alone
    is no index condition, and PostgreSQL walked the index from its start, filtering
    thousands of rows, to find the row after one deep in a list."""
    condition = Q()
    for index in range(len(order) - 1, -1, -1):
        name = order[index].lstrip("-")
        lookup = "lt" if order[index].startswith("-") else "gt"
        step = Q(**{f"{name}__{lookup}": values[index]})
        if index < len(order) - 1:
            step |= Q(**{name: values[index]}) & condition
        condition = step
    if len(order) > 1 and values[0] is not None:
        first = order[0]
        bound = "lte" if first.startswith("-") else "gte"
        condition = Q(**{f"{first.lstrip('-')}__{bound}": values[0]}) & condition
    return condition


def rows_after(order: Sequence[str], values: Sequence[Any]) -> Q:
    """Rows strictly after ``values`` in ``order``: the next page, or the next row of a list."""
    return _after(order, list(values))


def first_rows(queryset: QuerySet[M], order: Sequence[str], count: int) -> list[M]:
    """The first ``count`` rows in ``order``, picked by their keys alone in a subquery: the
    database orders and cuts narrow rows, then joins and reads whole ones only for those
    shown. Ordered and cut in one query, a sort no index serves (say, every ticket of a
    team by priority) joined the customers of all 50,000 rows before keeping 51."""
    keys = queryset.order_by(*order).values("pk")[:count]
    return list(queryset.filter(pk__in=keys).order_by(*order))


def paginate(
    queryset: QuerySet[M],
    request: HttpRequest,
    *,
    order: Sequence[str],
    cursor: str | None,
    page_size: int | None,
    pick: Callable[[QuerySet[M], Sequence[str], int], list[M]] = first_rows,
) -> Page[M]:
    """A page of ``queryset`` in ``order`` after ``cursor``; ``pick`` reads its rows, for
    an order one query cannot read fast (see ``tickets.queries.pick_rows``)."""
    size = min(max(page_size or DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE)
    if cursor:
        values = _decode(cursor, len(order))
        queryset = queryset.filter(_after(order, values))
    rows = pick(queryset, order, size + 1)
    items, more = rows[:size], len(rows) > size
    next_path = None
    if more:
        last = items[-1]
        token = _encode([getattr(last, name.lstrip("-")) for name in order])
        params = {k: v for k, v in request.GET.items() if k != "cursor"}
        params["cursor"] = token
        next_path = f"{request.path}?{urlencode(params)}"
    return Page(items=items, next=next_path)
