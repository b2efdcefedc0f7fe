"""Automation's part of the demo: a handful of triggers an operations lead would set up on
day one, over the demo's own teams, calendar and macros. Loaded after the tickets exist;
the tickets were written in bulk (history), so no trigger fires on them: they fire on
what happens in the running demo."""

from datetime import datetime
from typing import Any

from frontline.accounts.models import Team
from frontline.automation import triggers
from frontline.automation.models import Trigger
from frontline.core.actors import Actor
from frontline.macros.models import Macro
from frontline.sla.models import Calendar


def load_demo(*, now: datetime) -> None:
    system = Actor.system()
    for spec in _triggers():
        if Trigger.objects.filter(name=spec["name"]).exists():
            continue
        fields = triggers.TriggerFields(**spec)
        triggers.create_trigger(fields=fields, actor=system)


def _triggers() -> list[dict[str, Any]]:
    found = []
    tier2 = Team.objects.filter(slug="tier-2").first() or Team.objects.order_by("-tier").first()
    if tier2 is not None:
        found.append(_vip(tier2))
    found.append(_reopen())
    found.append(_refund())
    calendar = Calendar.objects.filter(is_default=True).first()
    if calendar is not None:
        found.append(_after_hours(calendar))
    found.append(_breach())
    return found


def _vip(tier2: Team) -> dict[str, Any]:
    return {
        "name": "VIP to Tier 2",
        "description": "Enterprise merchants and VIP customers go straight to Tier 2.",
        "events": ["created"],
        "conditions": {
            "any": [
                {"field": "organisation.tier", "op": "eq", "value": "enterprise"},
                {"field": "customer.is_vip", "op": "eq", "value": True},
            ]
        },
        "actions": [
            {"type": "set_team", "team_id": tier2.pk},
            {"type": "set_priority", "priority": "high"},
            {"type": "add_tags", "tags": ["vip"]},
        ],
    }


def _reopen() -> dict[str, Any]:
    return {
        "name": "Customer replied to a solved ticket",
        "description": "Reopen it and tell the assignee.",
        "events": ["customer_replied"],
        "conditions": {"field": "previous.status", "op": "in", "value": ["solved", "closed"]},
        "actions": [
            {"type": "set_status", "status": "open"},
            {
                "type": "email_staff",
                "recipients": ["assignee"],
                "body": "{{ customer.name }} wrote again on #{{ ticket.number }}.",
            },
        ],
    }


def _refund() -> dict[str, Any]:
    actions: list[dict[str, Any]] = [{"type": "add_tags", "tags": ["refund"]}]
    macro = Macro.objects.filter(name__icontains="refund").order_by("id").first()
    if macro is not None:
        actions.append({"type": "apply_macro", "macro_id": macro.pk})
    return {
        "name": "Refund request",
        "events": ["created"],
        "conditions": {
            "any": [
                {"field": "subject", "op": "contains", "value": "refund"},
                {"field": "body", "op": "contains", "value": "refund"},
            ]
        },
        "actions": actions,
    }


def _after_hours(calendar: Calendar) -> dict[str, Any]:
    return {
        "name": "Urgent outside business hours",
        "description": f"Page the on-call supervisor when {calendar.name} is closed.",
        "events": ["created", "updated"],
        "conditions": {
            "all": [
                {"field": "priority", "op": "eq", "value": "urgent"},
                {"field": "changes", "op": "contains", "value": "priority"},
                {"field": "now", "op": "outside_calendar", "value": calendar.pk},
            ]
        },
        "actions": [
            {
                "type": "email_staff",
                "recipients": ["supervisor"],
                "body": "Urgent after hours: #{{ ticket.number }} {{ ticket.subject }}",
            },
            {"type": "internal_note", "body": "On-call supervisor paged (after hours)."},
        ],
    }


def _breach() -> dict[str, Any]:
    return {
        "name": "SLA breach escalates the priority",
        "events": ["sla_breach"],
        "conditions": {"field": "priority", "op": "in", "value": ["low", "normal"]},
        "actions": [
            {"type": "set_priority", "priority": "high"},
            {"type": "add_tags", "tags": ["sla-breached"]},
        ],
    }
