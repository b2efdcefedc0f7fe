"""Django admin for time-based rules; their input is checked like the API's."""

from typing import Any

from django import forms
from django.contrib import admin

from frontline.automation.actions import clean_actions
from frontline.automation.models import TimeRule, TimeRuleRun
from frontline.core.errors import ValidationFailed
from frontline.tickets.models import Status


class TimeRuleForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = TimeRule
        fields = (
            "name",
            "description",
            "is_active",
            "position",
            "statuses",
            "priorities",
            "channels",
            "tags",
            "teams",
            "since",
            "amount",
            "unit",
            "calendar",
            "actions",
        )

    def clean_statuses(self) -> Any:
        statuses = self.cleaned_data["statuses"]
        if not isinstance(statuses, list) or not statuses:
            raise forms.ValidationError('List the statuses, e.g. ["pending"].')
        unknown = [s for s in statuses if s not in Status.values]
        if unknown:
            raise forms.ValidationError(f"Unknown status {unknown[0]!r}.")
        return statuses

    def clean_actions(self) -> Any:
        try:
            return clean_actions(self.cleaned_data["actions"])
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.message) from None


@admin.register(TimeRule)
class TimeRuleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = TimeRuleForm
    list_display = ("name", "position", "is_active", "since", "amount", "unit")
    list_editable = ("position", "is_active")
    filter_horizontal = ("teams",)
    search_fields = ("name",)


@admin.register(TimeRuleRun)
class TimeRuleRunAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("rule", "ticket", "window_start", "fired_at", "outcome")
    list_select_related = ("rule", "ticket")
    raw_id_fields = ("ticket",)
    show_full_result_count = False

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False
