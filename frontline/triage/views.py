"""The triage rules page (supervisors and above) and the ticket page's triage panel."""

import json
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from frontline.accounts.models import Team
from frontline.accounts.permissions import can_manage_routing
from frontline.accounts.web import staff_required, web_actor
from frontline.core import conditions
from frontline.core.errors import ValidationFailed
from frontline.tickets.models import Category, Priority
from frontline.tickets.queries import get_ticket_by_number_for
from frontline.triage import rules
from frontline.triage.contributions import signal_text
from frontline.triage.facts import FIELDS
from frontline.triage.models import MessageSignal, RuleFiring, TriageRule
from frontline.triage.related import related_tickets

EXAMPLE = {
    "all": [
        {"field": "subject", "op": "contains", "value": "refund"},
        {"field": "organisation.tier", "op": "in", "value": ["premium", "enterprise"]},
    ]
}


FORM_KEYS = (
    "name", "description", "conditions", "set_category_id", "set_priority", "set_team_id",
    "add_tags",
)  # fmt: skip


def _ensure_manager(request: HttpRequest) -> None:
    user = web_actor(request).user
    if user is None or not can_manage_routing(user):
        raise DjangoPermissionDenied("Triage rules are for supervisors and above.")


def _form_context(rule: TriageRule | None, data: dict[str, Any] | None = None) -> dict[str, Any]:
    values = data or {
        "name": rule.name if rule else "",
        "description": rule.description if rule else "",
        "conditions": json.dumps(rule.conditions if rule else EXAMPLE, indent=2),
        "set_category_id": str(rule.set_category_id or "") if rule else "",
        "set_priority": rule.set_priority if rule else "",
        "set_team_id": str(rule.set_team_id or "") if rule else "",
        "add_tags": ", ".join(rule.add_tags) if rule else "",
        "stop_processing": rule.stop_processing if rule else False,
        "is_active": rule.is_active if rule else True,
    }
    return {
        "rule": rule,
        "values": values,
        "fields": sorted(FIELDS.items()),
        "ops": list(conditions.OPS.values()),
        "categories": Category.objects.filter(is_active=True),
        "teams": Team.objects.order_by("name"),
        "priorities": Priority.choices,
        "section": "triage",
    }


@require_GET
@staff_required
def rule_list(request: HttpRequest) -> HttpResponse:
    _ensure_manager(request)
    listed = TriageRule.objects.select_related("set_category", "set_team").order_by(
        "position", "id"
    )
    rows = [{"rule": r, "summary": conditions.describe(r.conditions)} for r in listed]
    return render(request, "triage/rules.html", {"rows": rows, "section": "triage"})


@staff_required
def rule_form(request: HttpRequest, rule_id: int | None = None) -> HttpResponse:
    _ensure_manager(request)
    rule = get_object_or_404(TriageRule, pk=rule_id) if rule_id else None
    if request.method != "POST":
        return render(request, "triage/rule_form.html", _form_context(rule))
    data: dict[str, Any] = {key: request.POST.get(key, "") for key in FORM_KEYS}
    data["stop_processing"] = "stop_processing" in request.POST
    data["is_active"] = "is_active" in request.POST
    try:
        fields = _fields_from(data)
        actor = web_actor(request)
        if rule is None:
            rules.create_rule(fields=fields, actor=actor)
        else:
            rules.update_rule(rule, fields=fields, actor=actor)
    except ValidationFailed as error:
        context = _form_context(rule, data) | {"error": error}
        return render(request, "triage/rule_form.html", context, status=422)
    return redirect("triage:rules")


def _fields_from(data: dict[str, Any]) -> rules.RuleFields:
    try:
        parsed = json.loads(data["conditions"] or "{}")
    except json.JSONDecodeError as error:
        message = f"Conditions are not valid JSON: {error}"
        raise ValidationFailed(message, field="conditions") from error
    category, team = data["set_category_id"], data["set_team_id"]
    return rules.RuleFields(
        name=data["name"],
        description=data["description"],
        is_active=data["is_active"],
        conditions=parsed,
        set_category_id=_number(category, "set_category_id"),
        clear_category=not category,
        set_priority=data["set_priority"],
        set_team_id=_number(team, "set_team_id"),
        clear_team=not team,
        add_tags=[t for t in data["add_tags"].replace(",", " ").split() if t],
        stop_processing=data["stop_processing"],
    )


def _number(text: str, field: str) -> int | None:
    if not text:
        return None
    if not text.isdigit():
        raise ValidationFailed("Choose one from the list.", field=field)
    return int(text)


@require_POST
@staff_required
def rule_move(request: HttpRequest, rule_id: int) -> HttpResponse:
    _ensure_manager(request)
    rule = get_object_or_404(TriageRule, pk=rule_id)
    step = -1 if request.POST.get("direction") == "up" else 1
    rules.move_rule(rule, position=max(0, rule.position + step), actor=web_actor(request))
    return redirect("triage:rules")


@require_POST
@staff_required
def rule_toggle(request: HttpRequest, rule_id: int) -> HttpResponse:
    _ensure_manager(request)
    rule = get_object_or_404(TriageRule, pk=rule_id)
    fields = rules.RuleFields(is_active=not rule.is_active)
    rules.update_rule(rule, fields=fields, actor=web_actor(request))
    return redirect("triage:rules")


@require_POST
@staff_required
def rule_delete(request: HttpRequest, rule_id: int) -> HttpResponse:
    _ensure_manager(request)
    rules.delete_rule(get_object_or_404(TriageRule, pk=rule_id), actor=web_actor(request))
    return redirect("triage:rules")


@require_POST
@staff_required
def rule_preview(request: HttpRequest) -> HttpResponse:
    """The conditions of the form against the last 50 tickets (htmx fragment)."""
    _ensure_manager(request)
    context: dict[str, Any] = {}
    try:
        parsed = json.loads(request.POST.get("conditions") or "{}")
        rows = rules.preview(parsed)
        context = {"rows": rows, "matched": sum(r.matched for r in rows)}
    except json.JSONDecodeError as error:
        context = {"error": f"Conditions are not valid JSON: {error}"}
    except ValidationFailed as error:
        context = {"error": error.message}
    return render(request, "triage/_preview.html", context)


@require_GET
@staff_required
def ticket_panel(request: HttpRequest, number: int) -> HttpResponse:
    actor = web_actor(request)
    ticket = get_ticket_by_number_for(actor, number)
    signal = MessageSignal.objects.filter(ticket=ticket).order_by("-created_at", "-id").first()
    context = {
        "ticket": ticket,
        "signal": signal,
        "signal_text": signal_text(signal) if signal else "",
        "firings": list(RuleFiring.objects.filter(ticket=ticket).order_by("created_at", "id")),
        "related": related_tickets(ticket, actor=actor),
    }
    return render(request, "triage/_ticket_panel_body.html", context)
