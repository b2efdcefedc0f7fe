"""The Automation page of the workspace (head of support and administrators): triggers
in the order they run, their form, enable/disable, reorder, the dry run, recent firings;
the time rules read-only below."""

import json
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from frontline.accounts.permissions import can_manage_configuration
from frontline.accounts.web import staff_required, web_actor
from frontline.automation import triggers
from frontline.automation.facts import TRIGGER_FIELDS
from frontline.automation.models import TimeRule, Trigger, TriggerEvent, TriggerFiring
from frontline.core import conditions
from frontline.core.errors import ValidationFailed

EXAMPLE_CONDITIONS = {
    "all": [
        {"field": "customer.is_vip", "op": "eq", "value": True},
        {"field": "priority", "op": "in", "value": ["normal", "low"]},
    ]
}
EXAMPLE_ACTIONS = [
    {"type": "set_priority", "priority": "high"},
    {"type": "add_tags", "tags": ["vip"]},
]
ACTION_TYPES = (
    ("set_status", '{"status": "open"}'),
    ("set_priority", '{"priority": "high"}'),
    ("set_category", '{"category_id": 3}'),
    ("set_team", '{"team_id": 2}'),
    ("assign", '{"user_id": 7}'),
    ("route", "{}"),
    ("add_tags", '{"tags": ["vip"]}'),
    ("remove_tags", '{"tags": ["waiting"]}'),
    ("add_collaborator", '{"user_id": 7}'),
    ("email_customer", '{"body": "Hello {{ customer.first_name }}…"}'),
    ("email_staff", '{"recipients": ["assignee"], "user_ids": [], "body": "…"}'),
    ("internal_note", '{"body": "…"}'),
    ("call_webhook", '{"webhook_id": 1}'),
    ("apply_macro", '{"macro_id": 1}'),
)
RECENT_FIRINGS = 25


def _ensure_manager(request: HttpRequest) -> None:
    user = web_actor(request).user
    if user is None or not can_manage_configuration(user):
        raise DjangoPermissionDenied("Automation is for the head of support and administrators.")


@require_GET
@staff_required
def trigger_list(request: HttpRequest) -> HttpResponse:
    _ensure_manager(request)
    rows = [
        {"trigger": t, "when": conditions.describe(t.conditions), "events": _event_labels(t)}
        for t in Trigger.objects.order_by("position", "id")
    ]
    firings = TriggerFiring.objects.select_related("ticket").order_by("-created_at", "-id")
    context = {
        "rows": rows,
        "firings": list(firings[:RECENT_FIRINGS]),
        "time_rules": list(TimeRule.objects.order_by("position", "id")),
        "section": "automation",
    }
    return render(request, "automation/triggers.html", context)


def _event_labels(trigger: Trigger) -> list[str]:
    labels = dict(TriggerEvent.choices)
    return [str(labels.get(kind, kind)) for kind in trigger.events]


def _form_context(trigger: Trigger | None, data: dict[str, Any] | None = None) -> dict[str, Any]:
    values = data or {
        "name": trigger.name if trigger else "",
        "description": trigger.description if trigger else "",
        "events": trigger.events if trigger else [TriggerEvent.CREATED.value],
        "conditions": json.dumps(trigger.conditions if trigger else EXAMPLE_CONDITIONS, indent=2),
        "actions": json.dumps(trigger.actions if trigger else EXAMPLE_ACTIONS, indent=2),
        "is_active": trigger.is_active if trigger else True,
    }
    return {
        "trigger": trigger,
        "values": values,
        "event_choices": TriggerEvent.choices,
        "fields": sorted(TRIGGER_FIELDS.items()),
        "ops": list(conditions.OPS.values()),
        "action_types": ACTION_TYPES,
        "section": "automation",
    }


@staff_required
def trigger_form(request: HttpRequest, trigger_id: int | None = None) -> HttpResponse:
    _ensure_manager(request)
    trigger = get_object_or_404(Trigger, pk=trigger_id) if trigger_id else None
    if request.method != "POST":
        return render(request, "automation/trigger_form.html", _form_context(trigger))
    data: dict[str, Any] = {
        key: request.POST.get(key, "") for key in ("name", "description", "conditions", "actions")
    }
    data["events"] = request.POST.getlist("events")
    data["is_active"] = "is_active" in request.POST
    try:
        fields = triggers.TriggerFields(
            name=data["name"],
            description=data["description"],
            is_active=data["is_active"],
            events=data["events"],
            conditions=_json(data["conditions"], "conditions", default={}),
            actions=_json(data["actions"], "actions", default=[]),
        )
        if trigger is None:
            triggers.create_trigger(fields=fields, actor=web_actor(request))
        else:
            triggers.update_trigger(trigger, fields=fields, actor=web_actor(request))
    except ValidationFailed as error:
        context = _form_context(trigger, data) | {"error": error}
        return render(request, "automation/trigger_form.html", context, status=422)
    return redirect("automation:triggers")


def _json(text: str, field: str, *, default: Any) -> Any:
    if not text.strip():
        return default
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ValidationFailed(f"Not valid JSON: {error}", field=field) from error


@require_POST
@staff_required
def trigger_move(request: HttpRequest, trigger_id: int) -> HttpResponse:
    _ensure_manager(request)
    trigger = get_object_or_404(Trigger, pk=trigger_id)
    step = -1 if request.POST.get("direction") == "up" else 1
    triggers.move_trigger(
        trigger, position=max(0, trigger.position + step), actor=web_actor(request)
    )
    return redirect("automation:triggers")


@require_POST
@staff_required
def trigger_toggle(request: HttpRequest, trigger_id: int) -> HttpResponse:
    _ensure_manager(request)
    trigger = get_object_or_404(Trigger, pk=trigger_id)
    fields = triggers.TriggerFields(is_active=not trigger.is_active)
    triggers.update_trigger(trigger, fields=fields, actor=web_actor(request))
    return redirect("automation:triggers")


@require_POST
@staff_required
def trigger_delete(request: HttpRequest, trigger_id: int) -> HttpResponse:
    _ensure_manager(request)
    trigger = get_object_or_404(Trigger, pk=trigger_id)
    triggers.delete_trigger(trigger, actor=web_actor(request))
    return redirect("automation:triggers")


@require_POST
@staff_required
def trigger_dry_run(request: HttpRequest) -> HttpResponse:
    """The form's conditions and events against the last N tickets (htmx fragment)."""
    _ensure_manager(request)
    context: dict[str, Any] = {}
    try:
        last = request.POST.get("last") or str(triggers.DRY_RUN_DEFAULT)
        if not last.isdigit():
            raise ValidationFailed("How many tickets: a number.", field="last")
        result = triggers.dry_run(
            condition=_json(request.POST.get("conditions", ""), "conditions", default={}),
            events=request.POST.getlist("events"),
            last=int(last),
            actor=web_actor(request),
        )
        context = {"result": result}
    except ValidationFailed as error:
        context = {"error": error.message}
    return render(request, "automation/_dry_run.html", context)
