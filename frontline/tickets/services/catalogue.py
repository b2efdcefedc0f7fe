"""Ticket categories and custom field definitions: what tickets are sorted and described by.

Only the head of support and administrators (or the system) change them. Neither is
deleted: tickets keep naming a category and keep their custom values, so one that is no
longer wanted is deactivated (``is_active``) instead.
"""

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from frontline.accounts.permissions import can_manage_configuration
from frontline.core.actors import Actor, ActorKind
from frontline.core.errors import Conflict, PermissionDenied, ValidationFailed
from frontline.tickets.models import Category, CustomField, FieldType


def ensure_configurator(actor: Actor) -> None:
    if actor.kind is ActorKind.SYSTEM:
        return
    if not actor.is_agent or actor.user is None or not can_manage_configuration(actor.user):
        raise PermissionDenied(
            "Only the head of support and administrators change categories and custom fields."
        )


@transaction.atomic
def save_category(
    category: Category | None,
    *,
    name: str,
    description: str = "",
    is_active: bool = True,
    slug: str = "",
    actor: Actor,
) -> Category:
    """Create a category (``category`` None) or change one; a category keeps its first
    slug, which rules and saved views name."""
    ensure_configurator(actor)
    name = name.strip()
    if not name:
        raise ValidationFailed("A category needs a name.", field="name")
    others = Category.objects.exclude(pk=category.pk) if category else Category.objects.all()
    if others.filter(name__iexact=name).exists():
        raise Conflict(f"A category named {name!r} exists.", field="name")
    if category is None:
        category = Category(slug=slugify(slug or name)[:100])
        if not category.slug:
            raise ValidationFailed("Give the category a slug in Latin letters.", field="slug")
        if Category.objects.filter(slug=category.slug).exists():
            raise Conflict(f"A category with the slug {category.slug!r} exists.", field="slug")
    category.name, category.description, category.is_active = name, description, is_active
    category.save()
    return category


@dataclass(frozen=True)
class FieldDefinition:
    label: str
    field_type: FieldType
    choices: list[Any]
    is_required_to_solve: bool = False
    is_active: bool = True


@transaction.atomic
def save_custom_field(
    field: CustomField | None, *, key: str = "", definition: FieldDefinition, actor: Actor
) -> CustomField:
    """Create a custom field (``field`` None, with its ``key``) or change one. The key and
    the type stay as created: tickets' stored values are read by them."""
    ensure_configurator(actor)
    label = definition.label.strip()
    if not label:
        raise ValidationFailed("A custom field needs a label.", field="label")
    if field is None:
        key = slugify(key).replace("-", "_")[:64]
        if not key:
            raise ValidationFailed("Give the field a key such as order_number.", field="key")
        if CustomField.objects.filter(key=key).exists():
            raise Conflict(f"A custom field with the key {key!r} exists.", field="key")
        field = CustomField(key=key, field_type=definition.field_type)
    elif definition.field_type != field.field_type:
        raise ValidationFailed(
            "A field keeps its type; add a new field instead.", field="field_type"
        )
    field.label = label
    field.choices = _choices(FieldType(field.field_type), definition.choices)
    field.is_required_to_solve = definition.is_required_to_solve
    field.is_active = definition.is_active
    field.save()
    return field


def _choices(field_type: FieldType, choices: Any) -> list[Any]:
    if field_type != FieldType.CHOICE:
        if choices:
            raise ValidationFailed("Only choice fields have choices.", field="choices")
        return []
    if not isinstance(choices, list) or not choices:
        raise ValidationFailed('List the choices, e.g. ["small", "large"].', field="choices")
    if any(not isinstance(c, str) or not c.strip() for c in choices):
        raise ValidationFailed("Each choice is a word or phrase.", field="choices")
    if len(set(choices)) != len(choices):
        raise ValidationFailed("A choice is listed twice.", field="choices")
    return list(choices)
