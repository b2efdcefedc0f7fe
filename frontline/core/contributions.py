"""Reading the contributions registry (``frontline/contributions.py``).

An app that shows another app's data (the ticket page its SLA panel, a customer's API
page their tickets) asks for the entries of one kind here; the registry names them by
dotted path, so neither app imports the other and this bottom layer imports none.
"""

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from importlib import import_module
from typing import Any, Protocol, TypeVar

from django.utils.module_loading import import_string
from ninja import Field, Schema
from pydantic import create_model

from frontline.core.actors import Actor

REGISTRY = "frontline.contributions"

S = TypeVar("S", bound=Schema)


@cache
def entries(kind: str) -> tuple[Any, ...]:
    """The objects registered under ``kind``, in the registry's order."""
    registry: dict[str, Sequence[str]] = import_module(REGISTRY).CONTRIBUTIONS
    return tuple(import_string(path) for path in registry.get(kind, ()))


class DetailField(Protocol):
    """A field another app adds to an API schema: its name, type and how to read it."""

    name: str
    annotation: Any
    description: str

    def value(self, obj: Any, *, actor: Actor, now: datetime) -> Any: ...


def detail_fields(kind: str) -> tuple[DetailField, ...]:
    return entries(kind)


def schema_with_fields(base: type[S], *, name: str, kind: str) -> type[S]:
    """``base`` with the fields registered under ``kind``, typed in the published schema."""
    fields: dict[str, Any] = {
        f.name: (f.annotation, Field(description=f.description)) for f in detail_fields(kind)
    }
    return create_model(name, __base__=base, __module__=base.__module__, **fields)


def field_values(kind: str, obj: Any, *, actor: Actor, now: datetime) -> dict[str, Any]:
    return {f.name: f.value(obj, actor=actor, now=now) for f in detail_fields(kind)}


class PagePart(Protocol):
    """A piece of a workspace page another app draws (``workspace.header``: the presence
    switch; ``supervisor.panels``: routing's board), as escaped HTML for the request."""

    def render(self, request: Any) -> str: ...
