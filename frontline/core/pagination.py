"""Cursor pagination on a keyset: stable under inserts and as fast on page 1,000 as on page 1.

A cursor is an opaque, URL-safe token holding the sort values of the last row shown. The
next page asks for rows strictly after it in the sort order, which an index answers
without counting or skipping rows.
"""

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest

from frontline.core.errors import ValidationFailed

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100

M = TypeVar("M", bound=Model)
T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next: str | None


def _encode(values: Sequence[Any]) -> str:
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    raw = json.dumps(plain, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, count: int) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise ValidationFailed("The cursor is not one this API issued.", field="cursor") from None
    if not isinstance(values, list) or len(values) != count:
        raise ValidationFailed("The cursor is not one this API issued.", field="cursor")
    return values


def _after(order: Sequence[str], values: list[Any]) -> Q:
    """Rows strictly after ``values`` in ``order`` (e.g. ["-updated_at", "-id"])."""
    condition = Q()
    for index in range(len(order) - 1, -1, -1):
        name = order[index].lstrip("-")
        lookup = "lt" if order[index].startswith("-") else "gt"
        step = Q(**{f"{name}__{lookup}": values[index]})
        if index < len(order) - 1:
            step |= Q(**{name: values[index]}) & condition
        condition = step
    return condition


def paginate(
    queryset: QuerySet[M],
    request: HttpRequest,
    *,
    order: Sequence[str],
    cursor: str | None,
    page_size: int | None,
) -> Page[M]:
    size = min(max(page_size or DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE)
    if cursor:
        values = _decode(cursor, len(order))
        if any(not isinstance(v, str | int | float | bool) for v in values):
            raise ValidationFailed("The cursor is not one this API issued.", field="cursor")
        queryset = queryset.filter(_after(order, values))
    rows = list(queryset.order_by(*order)[: size + 1])
    items, more = rows[:size], len(rows) > size
    next_path = None
    if more:
        last = items[-1]
        token = _encode([getattr(last, name.lstrip("-")) for name in order])
        params = {k: v for k, v in request.GET.items() if k != "cursor"}
        params["cursor"] = token
        next_path = f"{request.path}?{urlencode(params)}"
    return Page(items=items, next=next_path)
