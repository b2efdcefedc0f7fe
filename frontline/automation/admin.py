"""Django admin for time-based rules: their input is checked like the API's, and saving or
deleting one is a call of ``automation.services`` (see ``frontline.core.admin``)."""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from frontline.automation.actions import clean_actions
from frontline.automation.models import TimeRule, TimeRuleRun, Trigger, TriggerFiring
from frontline.automation.services import RuleFields, create_rule, delete_rule, update_rule
from frontline.core.admin import ReadOnlyAdmin, ServiceAdmin, admin_actor
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


RULE_FIELDS: tuple[str, ...] = (
    "name",
    "description",
    "is_active",
    "position",
    "statuses",
    "priorities",
)
RULE_FIELDS += ("channels", "tags", "since", "amount", "unit", "actions")


@admin.register(TimeRule)
class TimeRuleAdmin(ServiceAdmin):
    """Rules through ``automation.services``, as the API changes them."""

    form = TimeRuleForm
    list_display = ("name", "position", "is_active", "since", "amount", "unit")
    list_editable = ("position", "is_active")
    filter_horizontal = ("teams",)
    search_fields = ("name",)

    def write(self, request: HttpRequest, form: Any, formsets: Any, *, change: bool) -> TimeRule:
        data = form.cleaned_data
        extra: dict[str, Any] = {}
        if "teams" in data:
            extra["team_ids"] = [team.pk for team in data["teams"]]
        if "calendar" in data:
            extra["calendar_id"] = data["calendar"].pk if data["calendar"] else None
            extra["default_calendar"] = data["calendar"] is None
        fields = RuleFields(**self.fields_changed(form, RULE_FIELDS), **extra)
        actor = admin_actor(request)
        if change:
            return update_rule(form.instance, fields=fields, actor=actor)
        return create_rule(fields=fields, actor=actor)

    def remove(self, request: HttpRequest, obj: TimeRule) -> None:
        delete_rule(obj, actor=admin_actor(request))


@admin.register(TimeRuleRun)
class TimeRuleRunAdmin(ReadOnlyAdmin):
    """What the rules did: written when a rule fires, looked at here."""

    list_display = ("rule", "ticket", "window_start", "fired_at", "outcome")
    list_select_related = ("rule", "ticket")
    raw_id_fields = ("ticket",)
    show_full_result_count = False


@admin.register(Trigger)
class TriggerAdmin(ReadOnlyAdmin):
    """Event triggers are edited on the workspace's Automation page or through the API
    (``/api/v1/triggers``), which validate them; listed here."""

    list_display = ("name", "position", "is_active", "events", "fire_count", "last_fired_at")
    search_fields = ("name",)


@admin.register(TriggerFiring)
class TriggerFiringAdmin(ReadOnlyAdmin):
    """What the triggers did: written when one fires, looked at here."""

    list_display = ("trigger_name", "ticket", "event", "depth", "summary", "created_at")
    list_select_related = ("ticket",)
    raw_id_fields = ("ticket", "trigger")
    show_full_result_count = False
