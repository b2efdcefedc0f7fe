"""Django admin for tickets and their configuration.

Tickets, messages and events are here to be looked up, not edited: every change to a ticket
goes through ``tickets.services`` so that it lands in the audit log, and an admin form would
bypass it. The lists stay fast on large instances: no full counts, related rows joined in the
same query, foreign keys shown as ids rather than as a select of every row.
"""

from django.contrib import admin
from django.http import HttpRequest

from frontline.tickets.models import Category, CustomField, Message, Tag, Ticket, TicketEvent


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
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

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Ticket | None = None) -> bool:
        return False


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("id", "ticket", "kind", "direction", "author_type", "channel", "created_at")
    list_filter = ("kind", "direction", "channel")
    list_select_related = ("ticket",)
    search_fields = ("=ticket__number",)
    raw_id_fields = ("ticket", "author_user", "author_customer")
    ordering = ("-id",)
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Message | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Message | None = None) -> bool:
        return False


@admin.register(TicketEvent)
class TicketEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The audit log is append-only: nobody adds, changes or deletes an event here."""

    list_display = ("id", "ticket", "type", "actor_type", "actor_user", "created_at")
    list_filter = ("type", "actor_type")
    list_select_related = ("ticket", "actor_user")
    search_fields = ("=ticket__number",)
    raw_id_fields = ("ticket", "actor_user", "actor_customer")
    ordering = ("-id",)
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: TicketEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: TicketEvent | None = None) -> bool:
        return False


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "slug", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name",)
    search_fields = ("name",)


@admin.register(CustomField)
class CustomFieldAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("label", "key", "field_type", "is_required_to_solve", "is_active")
    list_filter = ("field_type", "is_active", "is_required_to_solve")
    search_fields = ("label", "key")
