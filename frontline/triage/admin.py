"""Triage in the Django admin: rules are saved through ``triage.rules`` (validated there);
what rules and detectors wrote is read-only."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from frontline.core.admin import ServiceAdmin, admin_actor
from frontline.triage import rules
from frontline.triage.models import MessageSignal, RuleFiring, TriageRule


@admin.register(TriageRule)
class TriageRuleAdmin(ServiceAdmin):
    list_display = ("name", "position", "is_active", "match_count", "last_error_at")
    list_filter = ("is_active",)
    ordering = ("position", "id")
    fields = (
        "name", "description", "is_active", "conditions", "set_category", "set_priority",
        "set_team", "add_tags", "stop_processing", "position", "match_count", "last_error",
        "last_error_at",
    )  # fmt: skip
    readonly_fields = ("match_count", "last_error", "last_error_at")

    def write(self, request: HttpRequest, form: Any, formsets: Any, *, change: bool) -> Any:
        data = form.cleaned_data
        category, team = data.get("set_category"), data.get("set_team")
        fields = rules.RuleFields(
            name=data.get("name"),
            description=data.get("description"),
            is_active=data.get("is_active"),
            conditions=data.get("conditions"),
            set_category_id=category.pk if category else None,
            clear_category=category is None,
            set_priority=data.get("set_priority"),
            set_team_id=team.pk if team else None,
            clear_team=team is None,
            add_tags=data.get("add_tags") or [],
            stop_processing=data.get("stop_processing"),
            position=data.get("position"),
        )
        actor = admin_actor(request)
        if change:
            stored = TriageRule.objects.get(pk=form.instance.pk)
            return rules.update_rule(stored, fields=fields, actor=actor)
        return rules.create_rule(fields=fields, actor=actor)

    def remove(self, request: HttpRequest, obj: Any) -> None:
        rules.delete_rule(obj, actor=admin_actor(request))


@admin.register(RuleFiring)
class RuleFiringAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only."""

    list_display = ("rule_name", "ticket", "created_at")
    readonly_fields = ("rule", "rule_name", "ticket", "changes", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(MessageSignal)
class MessageSignalAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only."""

    list_display = ("message", "language", "sentiment_label", "sentiment", "created_at")
    list_filter = ("language", "sentiment_label")
    readonly_fields = (
        "message", "ticket", "language", "language_confidence", "sentiment",
        "sentiment_label", "created_at",
    )  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
