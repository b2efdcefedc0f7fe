"""Django admin for tickets and their configuration.

Tickets, messages and events are here to be looked up, not edited: every change to a ticket
goes through ``tickets.services`` so that it lands in the audit log, and an admin form would
bypass it; categories and custom fields are saved through ``tickets.services.catalogue``.
The lists stay fast on large instances: no full counts, related rows joined in the
same query, foreign keys shown as ids rather than as a select of every row.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from frontline.core.admin import ReadOnlyAdmin, ServiceAdmin, admin_actor
from frontline.tickets.models import (
    Category,
    CustomField,
    FieldType,
    Message,
    Tag,
    Ticket,
    TicketEvent,
)
from frontline.tickets.services import catalogue


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    """A ticket is solved, closed or merged, never deleted: its events are the record."""

    list_display = ("number", "subject", "status", "priority", "team", "assignee", "updated_at")
    list_display_links = ("number", "subject")
    list_filter = ("status", "priority", "channel", "team")
    list_select_related = ("team", "assignee")
    search_fields = ("=number", "subject")
    raw_id_fields = (
        "customer",
        "organisation",
        "assignee",
        "parent",
        "merged_into",
        "follow_up_of",
        "collaborators",
    )
    show_full_result_count = False


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ("id", "ticket", "kind", "direction", "author_type", "channel", "created_at")
    list_filter = ("kind", "direction", "channel")
    list_select_related = ("ticket",)
    search_fields = ("=ticket__number",)
    raw_id_fields = ("ticket", "author_user", "author_customer")
    ordering = ("-id",)
    show_full_result_count = False


@admin.register(TicketEvent)
class TicketEventAdmin(ReadOnlyAdmin):
    """The audit log is append-only: nobody adds, changes or deletes an event here."""

    list_display = ("id", "ticket", "type", "actor_type", "actor_user", "created_at")
    list_filter = ("type", "actor_type")
    list_select_related = ("ticket", "actor_user")
    search_fields = ("=ticket__number",)
    raw_id_fields = ("ticket", "actor_user", "actor_customer")
    ordering = ("-id",)
    show_full_result_count = False


@admin.register(Category)
class CategoryAdmin(ServiceAdmin):
    """Through ``tickets.services.catalogue``; a category no longer wanted is deactivated,
    since tickets keep naming it."""

    list_display = ("name", "slug", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "slug")
    fields = ("name", "slug", "description", "is_active")

    def get_prepopulated_fields(self, request: HttpRequest, obj: Category | None = None) -> Any:
        return {"slug": ("name",)} if obj is None else {}

    def get_readonly_fields(self, request: HttpRequest, obj: Category | None = None) -> Any:
        return ("slug",) if obj is not None else ()

    def write(self, request: HttpRequest, form: Any, formsets: Any, *, change: bool) -> Category:
        data = form.cleaned_data
        return catalogue.save_category(
            Category.objects.get(pk=form.instance.pk) if change else None,
            name=data["name"],
            slug=data.get("slug", ""),
            description=data["description"],
            is_active=data["is_active"],
            actor=admin_actor(request),
        )


@admin.register(Tag)
class TagAdmin(ReadOnlyAdmin):
    """Tags come from tickets (the workspace, the API, rules): renaming or deleting one here
    would change tickets without an event, so they are only listed."""

    list_display = ("name",)
    search_fields = ("name",)


@admin.register(CustomField)
class CustomFieldAdmin(ServiceAdmin):
    """Through ``tickets.services.catalogue``; the key and the type stay as created, and a
    field no longer wanted is deactivated, since tickets keep its values."""

    list_display = ("label", "key", "field_type", "is_required_to_solve", "is_active")
    list_filter = ("field_type", "is_active", "is_required_to_solve")
    search_fields = ("label", "key")
    fields = ("key", "label", "field_type", "choices", "is_required_to_solve", "is_active")

    def get_readonly_fields(self, request: HttpRequest, obj: CustomField | None = None) -> Any:
        return ("key", "field_type") if obj is not None else ()

    def write(self, request: HttpRequest, form: Any, formsets: Any, *, change: bool) -> CustomField:
        data = form.cleaned_data
        field = CustomField.objects.get(pk=form.instance.pk) if change else None
        definition = catalogue.FieldDefinition(
            label=data["label"],
            field_type=FieldType(data["field_type"] if field is None else field.field_type),
            choices=data["choices"] or [],
            is_required_to_solve=data["is_required_to_solve"],
            is_active=data["is_active"],
        )
        return catalogue.save_custom_field(
            field, key=data.get("key", ""), definition=definition, actor=admin_actor(request)
        )
