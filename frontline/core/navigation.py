"""Links of a navigation registry (``frontline/navigation.py``), resolved for one user.

The registry is read by name, so this bottom layer depends on no app: each entry names its
URL and its permission predicate as strings."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from typing import Any

from django.urls import reverse
from django.utils.module_loading import import_string

REGISTRY = "frontline.navigation"


@dataclass(frozen=True, slots=True)
class NavLink:
    label: str
    href: str
    section: str


def nav_links(user: Any, *, menu: str = "WORKSPACE") -> list[NavLink]:
    """The links of ``menu`` that ``user`` may follow."""
    return [link for link, allowed in _resolved(menu) if allowed is None or allowed(user)]


@cache
def _resolved(menu: str) -> tuple[tuple[NavLink, Any], ...]:
    entries: Iterable[Mapping[str, Any]] = getattr(import_module(REGISTRY), menu)
    return tuple(_resolve(entry) for entry in entries)


def _resolve(entry: Mapping[str, Any]) -> tuple[NavLink, Any]:
    url = str(entry["url"])
    href = url if url.startswith("/") else reverse(url)
    allowed = import_string(entry["allowed"]) if entry["allowed"] else None
    return NavLink(label=str(entry["label"]), href=href, section=str(entry["section"])), allowed
