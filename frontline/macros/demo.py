"""Macros' part of the demo: ten macros the demo's teams would keep, shared, per team and
personal to the demo agent, with usage counts as a few months of work would leave them.
Triggers and guided workflows name "Refund approved", "Password reset" and "Order status"."""

from datetime import datetime, timedelta
from typing import Any

from frontline.accounts.models import Team, User
from frontline.macros.models import Macro, Scope
from frontline.macros.placeholders import unknown_placeholders
from frontline.macros.services import clean_changes

AGENT_EMAIL = "agent@frontline.test"
HEAD_EMAIL = "head@frontline.test"

MACROS: tuple[dict[str, Any], ...] = (
    {
        "name": "Refund approved",
        "scope": Scope.SHARED,
        "uses": 184,
        "body": (
            "Hi {{ customer.first_name }},\n\nGood news: your refund for {{ ticket.reference }} "
            "is approved. It reaches your account in 3 to 5 business days.\n\n"
            "Best,\n{{ agent.name }}"
        ),
        "changes": {"status": "solved", "tags": ["refund-approved"], "remove_tags": ["refund"]},
    },
    {
        "name": "Password reset",
        "scope": Scope.SHARED,
        "uses": 241,
        "body": (
            "Hi {{ customer.first_name }},\n\nTo reset your password:\n"
            "1. Open the sign-in page and choose \u201cForgot password\u201d.\n"
            "2. Enter {{ customer.email }}.\n"
            "3. Follow the link in the email within 30 minutes.\n\n"
            "If the email does not arrive, check your spam folder and reply here.\n\n"
            "{{ agent.first_name }}"
        ),
        "changes": {"status": "pending", "tags": ["password-reset"]},
    },
    {
        "name": "Order status",
        "scope": Scope.SHARED,
        "uses": 156,
        "body": (
            "Hi {{ customer.first_name }},\n\nThanks for checking in about your order. It has "
            "shipped and the tracking link is in your account under Orders. We will keep "
            "{{ ticket.reference }} open until it arrives.\n\n{{ agent.name }}"
        ),
        "changes": {"status": "pending", "tags": ["order-status"]},
    },
    {
        "name": "Ask for details",
        "scope": Scope.SHARED,
        "uses": 97,
        "body": (
            "Hi {{ customer.first_name }},\n\nSo we can help quickly, could you send the "
            "order or terminal number, what you expected to happen and what happened "
            "instead? A screenshot helps too.\n\n{{ agent.first_name }}"
        ),
        "changes": {"status": "pending", "tags": ["needs-info"]},
    },
    {
        "name": "Closing: solved",
        "scope": Scope.SHARED,
        "uses": 132,
        "body": (
            "Hi {{ customer.first_name }},\n\nI am marking {{ ticket.reference }} as solved. "
            "If anything is still not right, just reply and it reopens.\n\n"
            "Thanks for your patience,\n{{ agent.name }}"
        ),
        "changes": {"status": "solved", "remove_tags": ["needs-info"]},
    },
    {
        "name": "Escalate to Tier 2",
        "scope": Scope.TEAM,
        "team": "tier-1",
        "uses": 48,
        "body": (
            "Hi {{ customer.first_name }},\n\nI have passed this to our technical team, who "
            "will pick it up by {{ sla.due }}.\n\n{{ agent.first_name }}"
        ),
        "changes": {"team_id": "tier-2", "priority": "high", "tags": ["escalated"]},
    },
    {
        "name": "Invoice copy",
        "scope": Scope.TEAM,
        "team": "billing",
        "uses": 63,
        "body": (
            "Hi {{ customer.first_name }},\n\nYou can download every invoice for "
            "{{ organisation.name }} under Billing \u203a Invoices. I have also attached the "
            "one you asked for.\n\n{{ agent.name }}, Billing"
        ),
        "changes": {"status": "solved", "tags": ["invoice"]},
    },
    {
        "name": "Terminal restart steps",
        "scope": Scope.TEAM,
        "team": "tier-2",
        "uses": 39,
        "body": (
            "Hi {{ customer.first_name }},\n\nPlease hold the power button for 10 seconds, "
            "wait for the logo, then run a test payment. Let us know what the screen says."
            "\n\n{{ agent.name }}"
        ),
        "changes": {"status": "pending", "tags": ["terminal"]},
    },
    {
        "name": "Priority: urgent outage",
        "scope": Scope.SHARED,
        "uses": 12,
        "body": "",
        "changes": {"priority": "urgent", "tags": ["outage"]},
    },
    {
        "name": "My sign-off: on it",
        "scope": Scope.PERSONAL,
        "uses": 21,
        "body": (
            "Hi {{ customer.first_name }}, I am on it and will update you here before "
            "{{ sla.due }}. \u2014 {{ agent.first_name }}"
        ),
        "changes": {"status": "open"},
    },
)


def load_demo(*, now: datetime) -> None:
    teams = {t.slug: t for t in Team.objects.all()}
    agent = User.objects.filter(email=AGENT_EMAIL).first()
    head = User.objects.filter(email=HEAD_EMAIL).first()
    rows = []
    for n, spec in enumerate(MACROS):
        if spec["scope"] == Scope.PERSONAL and agent is None:
            continue
        rows.append(_macro(spec, teams=teams, agent=agent, head=head, at=now - timedelta(hours=n)))
    Macro.objects.bulk_create(rows)


def _macro(
    spec: dict[str, Any],
    *,
    teams: dict[str, Team],
    agent: User | None,
    head: User | None,
    at: datetime,
) -> Macro:
    if unknown_placeholders(spec["body"]):  # the demo's own text: a mistake here is a bug
        raise ValueError(f"{spec['name']}: {unknown_placeholders(spec['body'])}")
    changes = dict(spec["changes"])
    if "team_id" in changes:
        changes["team_id"] = teams[changes["team_id"]].pk
    return Macro(
        name=spec["name"],
        body=spec["body"],
        changes=clean_changes(changes),
        scope=spec["scope"],
        team=teams[spec["team"]] if spec["scope"] == Scope.TEAM else None,
        owner=agent if spec["scope"] == Scope.PERSONAL else None,
        created_by=head,
        usage_count=spec["uses"],
        last_used_at=at,
    )
