"""Django admin for business calendars and SLA policies, and a look at tickets' SLA state.

Calendar and policy forms check their input with the same rules as the API, and saving or
deleting one is a call of ``sla.services.config`` (see ``frontline.core.admin``), which
re-plays the clocks of unsolved tickets in the background when due times can move.
Per-ticket SLA rows are read-only: the clocks write them from the event log.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from frontline.core.admin import ReadOnlyAdmin, ServiceAdmin, admin_actor, inline_rows
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
from frontline.sla.services.config import (
    CalendarFields,
    GoalFields,
    PolicyFields,
    create_calendar,
    create_policy,
    delete_calendar,
    delete_policy,
    update_calendar,
    update_policy,
)


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

    def _get_validation_exclusions(self) -> set[str]:
        # One calendar is the default: the service moves the mark from the old one to this.
        return {*super()._get_validation_exclusions(), "is_default"}  # type: ignore[misc]

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
class CalendarAdmin(ServiceAdmin):
    """Calendars through ``sla.services``. The default calendar is not deleted (make another
    the default first), nor one a policy works to; so there is no bulk delete."""

    form = CalendarForm
    list_display = ("name", "time_zone", "holiday_country", "holiday_subdivision", "is_default")
    search_fields = ("name",)

    def get_actions(self, request: HttpRequest) -> Any:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request: HttpRequest, obj: Calendar | None = None) -> bool:
        if obj is not None and obj.is_default:
            return False
        return super().has_delete_permission(request, obj)

    def write(self, request: HttpRequest, form: Any, formsets: Any, *, change: bool) -> Calendar:
        data = form.cleaned_data
        fields = CalendarFields(
            name=data["name"],
            time_zone=data["time_zone"],
            weekly_hours=data["weekly_hours"],
            holiday_country=data["holiday_country"],
            holiday_subdivision=data["holiday_subdivision"],
            special_days=data["special_days"],
            is_default=data["is_default"],
            site_id=data["site"].pk if data["site"] is not None else None,
            clear_site=data["site"] is None,
        )
        actor = admin_actor(request)
        if change:
            return update_calendar(form.instance, fields=fields, actor=actor)
        return create_calendar(fields=fields, actor=actor)

    def remove(self, request: HttpRequest, obj: Calendar) -> None:
        delete_calendar(obj, actor=admin_actor(request))


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


POLICY_FIELDS: tuple[str, ...] = ("name", "description", "position", "is_active", "priorities")
POLICY_FIELDS += ("organisation_tiers", "channels", "tags", "pause_statuses", "warn_at_percent")
POLICY_FIELDS += ("warning_actions", "breach_actions")


@admin.register(SlaPolicy)
class SlaPolicyAdmin(ServiceAdmin):
    """Policies and their goals through ``sla.services``, which replays unsolved tickets
    after each change commits (also when only the list's position or active box changed)."""

    form = PolicyForm
    inlines = (PolicyTargetInline,)
    list_display = ("name", "position", "is_active", "calendar")
    list_editable = ("position", "is_active")
    filter_horizontal = ("teams", "categories")
    search_fields = ("name",)

    def write(self, request: HttpRequest, form: Any, formsets: Any, *, change: bool) -> SlaPolicy:
        data = form.cleaned_data
        given = self.fields_changed(form, POLICY_FIELDS)
        extra: dict[str, Any] = {}
        if "customer_vip" in data:
            extra["customer_vip"] = data["customer_vip"]
            extra["any_customer"] = data["customer_vip"] is None
        if "calendar" in data:
            extra["calendar_id"] = data["calendar"].pk if data["calendar"] else None
            extra["default_calendar"] = data["calendar"] is None
        if "teams" in data:
            extra["team_ids"] = [team.pk for team in data["teams"]]
        if "categories" in data:
            extra["category_ids"] = [category.pk for category in data["categories"]]
        if formsets or not change:
            extra["goals"] = [_goal(row) for row in inline_rows(formsets, PolicyTarget)]
        fields = PolicyFields(**given, **extra)
        actor = admin_actor(request)
        if change:
            return update_policy(form.instance, fields=fields, actor=actor)
        return create_policy(fields=fields, actor=actor)

    def remove(self, request: HttpRequest, obj: SlaPolicy) -> None:
        delete_policy(obj, actor=admin_actor(request))


def _goal(row: dict[str, Any]) -> GoalFields:
    calendar = row.get("calendar")
    return GoalFields(
        priority=row["priority"],
        target=row["target"],
        minutes=row["minutes"],
        business_hours=bool(row.get("business_hours")),
        calendar_id=calendar.pk if calendar is not None else None,
    )


class _ClockAdmin(ReadOnlyAdmin):
    """Written by the clocks from the event log: looked at here, never changed or deleted."""

    show_full_result_count = False


@admin.register(SlaTarget)
class SlaTargetAdmin(_ClockAdmin):
    list_display = ("ticket", "target", "state", "due_at", "cycle", "warned_percent")
    list_filter = ("target", "state")
    list_select_related = ("ticket",)
    raw_id_fields = ("ticket", "calendar")
    search_fields = ("=ticket__number",)


@admin.register(SlaChange)
class SlaChangeAdmin(_ClockAdmin):
    list_display = ("ticket", "kind", "target", "message", "at")
    list_filter = ("kind",)
    list_select_related = ("ticket",)
    raw_id_fields = ("ticket",)
    search_fields = ("=ticket__number",)


@admin.register(SlaNotification)
class SlaNotificationAdmin(_ClockAdmin):
    list_display = ("recipient", "ticket", "kind", "target", "deliver_after", "sent_at")
    list_filter = ("kind", "target")
    list_select_related = ("recipient", "ticket")
    raw_id_fields = ("recipient", "ticket")
