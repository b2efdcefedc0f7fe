"""Django admin for business calendars and SLA policies, and a look at tickets' SLA state.

Calendar and policy forms check their input with the same rules as the API; saving one
re-plays the clocks of unsolved tickets in the background. Per-ticket SLA rows are
read-only: the clocks write them from the event log.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from frontline.core.errors import ValidationFailed
from frontline.sla.models import (
    Calendar,
    PolicyTarget,
    SlaChange,
    SlaNotification,
    SlaPolicy,
    SlaTarget,
)
from frontline.sla.schedules import (
    InvalidCalendar,
    clean_holiday_region,
    clean_special_days,
    clean_weekly_hours,
)
from frontline.sla.services.actions import clean_actions
from frontline.sla.services.lookups import config_changed


def _replay_open_tickets() -> None:
    from frontline.sla.tasks import recompute_open_tickets

    config_changed()
    transaction.on_commit(lambda: recompute_open_tickets(0))


class CalendarForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Calendar
        fields = (
            "name",
            "time_zone",
            "weekly_hours",
            "holiday_country",
            "holiday_subdivision",
            "special_days",
            "is_default",
            "site",
        )

    def clean_weekly_hours(self) -> Any:
        return _checked(clean_weekly_hours, self.cleaned_data["weekly_hours"])

    def clean_special_days(self) -> Any:
        return _checked(clean_special_days, self.cleaned_data["special_days"] or [])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            country, subdivision = clean_holiday_region(
                data.get("holiday_country", ""), data.get("holiday_subdivision", "")
            )
        except InvalidCalendar as exc:
            raise forms.ValidationError({exc.field: str(exc)}) from None
        data["holiday_country"], data["holiday_subdivision"] = country, subdivision
        return data


def _checked(clean: Any, value: Any) -> Any:
    try:
        return clean(value)
    except InvalidCalendar as exc:
        raise forms.ValidationError(f"{exc.field}: {exc}") from None


@admin.register(Calendar)
class CalendarAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = CalendarForm
    list_display = ("name", "time_zone", "holiday_country", "holiday_subdivision", "is_default")
    search_fields = ("name",)

    def save_model(self, request: HttpRequest, obj: Calendar, form: Any, change: bool) -> None:
        if obj.is_default:
            Calendar.objects.filter(is_default=True).exclude(pk=obj.pk).update(is_default=False)
        super().save_model(request, obj, form, change)
        _replay_open_tickets()

    def delete_model(self, request: HttpRequest, obj: Calendar) -> None:
        super().delete_model(request, obj)
        _replay_open_tickets()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Calendar]) -> None:
        super().delete_queryset(request, queryset)
        _replay_open_tickets()


class PolicyForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = SlaPolicy
        fields = (
            "name",
            "description",
            "position",
            "is_active",
            "priorities",
            "organisation_tiers",
            "customer_vip",
            "channels",
            "tags",
            "teams",
            "categories",
            "calendar",
            "pause_statuses",
            "warn_at_percent",
            "warning_actions",
            "breach_actions",
        )

    def clean_warning_actions(self) -> Any:
        return _actions(self.cleaned_data["warning_actions"] or [], "warning_actions")

    def clean_breach_actions(self) -> Any:
        return _actions(self.cleaned_data["breach_actions"] or [], "breach_actions")


def _actions(value: Any, field: str) -> Any:
    try:
        return clean_actions(value, field=field)
    except ValidationFailed as exc:
        raise forms.ValidationError(exc.message) from None


class PolicyTargetInline(admin.TabularInline):  # type: ignore[type-arg]
    model = PolicyTarget
    extra = 0
    fields = ("priority", "target", "minutes", "business_hours", "calendar")


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = PolicyForm
    inlines = (PolicyTargetInline,)
    list_display = ("name", "position", "is_active", "calendar")
    list_editable = ("position", "is_active")
    filter_horizontal = ("teams", "categories")
    search_fields = ("name",)

    def save_model(self, request: HttpRequest, obj: SlaPolicy, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        _replay_open_tickets()  # also when only the list's position or active box changed

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        _replay_open_tickets()

    def delete_model(self, request: HttpRequest, obj: SlaPolicy) -> None:
        super().delete_model(request, obj)
        _replay_open_tickets()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[SlaPolicy]) -> None:
        super().delete_queryset(request, queryset)
        _replay_open_tickets()


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SlaTarget)
class SlaTargetAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "target", "state", "due_at", "cycle", "warned_percent")
    list_filter = ("target", "state")
    list_select_related = ("ticket",)
    raw_id_fields = ("ticket", "calendar")
    search_fields = ("=ticket__number",)


@admin.register(SlaChange)
class SlaChangeAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "kind", "target", "message", "at")
    list_filter = ("kind",)
    list_select_related = ("ticket",)
    raw_id_fields = ("ticket",)
    search_fields = ("=ticket__number",)


@admin.register(SlaNotification)
class SlaNotificationAdmin(ReadOnlyAdmin):
    list_display = ("recipient", "ticket", "kind", "target", "deliver_after", "sent_at")
    list_filter = ("kind", "target")
    list_select_related = ("recipient", "ticket")
    raw_id_fields = ("recipient", "ticket")
