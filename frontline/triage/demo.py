"""Triage's part of the demo (called by ``frontline.demo`` after the tickets are written):
a handful of rules over the demo's own categories and teams, and the language and
sentiment of every inbound customer message, computed in bulk (the tickets were written
in bulk, so no handler read them)."""

from datetime import datetime
from typing import Any

from frontline.accounts.models import Team
from frontline.tickets.models import AuthorType, Category, Direction, Message
from frontline.triage.handlers import signal_row
from frontline.triage.models import MessageSignal, TriageRule
from frontline.triage.rules import condition_errors

BATCH = 2000


def _rules() -> list[dict[str, Any]]:
    text_has = [
        {"field": "subject", "op": "contains", "value": "refund"},
        {"field": "body", "op": "contains", "value": "refund"},
    ]
    return [
        {
            "name": "Refunds go to Billing",
            "conditions": {"any": text_has},
            "category": "billing",
            "team": "billing",
            "tags": ["refund"],
        },
        {
            "name": "Outages are urgent",
            "conditions": {
                "field": "subject",
                "op": "matches",
                "value": r"\b(down|outage|offline|not working)\b",
            },
            "priority": "urgent",
            "tags": ["outage"],
        },
        {
            "name": "Enterprise merchants are high priority",
            "conditions": {
                "all": [
                    {"field": "organisation.tier", "op": "eq", "value": "enterprise"},
                    {"field": "priority", "op": "in", "value": ["low", "normal"]},
                ]
            },
            "priority": "high",
        },
        {
            "name": "Unhappy customers",
            "conditions": {"field": "sentiment", "op": "lte", "value": -0.5},
            "tags": ["unhappy"],
        },
        {
            "name": "Portuguese and Spanish speakers",
            "conditions": {"field": "language", "op": "in", "value": ["pt", "es"]},
            "tags": ["translate"],
        },
    ]


def load_demo(*, now: datetime) -> None:
    _add_rules(now)
    _read_messages()


def _add_rules(now: datetime) -> None:
    categories = {c.slug: c for c in Category.objects.all()}
    teams = {t.slug: t for t in Team.objects.all()}
    rows = []
    for position, spec in enumerate(_rules()):
        errors = condition_errors(spec["conditions"])
        if errors:  # the demo's own rules: a mistake here is a bug
            raise ValueError(f"{spec['name']}: {errors[0]}")
        rows.append(
            TriageRule(
                name=spec["name"],
                position=position,
                conditions=spec["conditions"],
                set_category=categories.get(spec.get("category", "")),
                set_team=teams.get(spec.get("team", "")),
                set_priority=spec.get("priority", ""),
                add_tags=spec.get("tags", []),
                created_at=now,
                updated_at=now,
            )
        )
    TriageRule.objects.bulk_create(rows)


def _read_messages() -> None:
    inbound = (
        Message.objects.filter(direction=Direction.INBOUND, author_type=AuthorType.CUSTOMER)
        .only("id", "ticket_id", "body_text", "visible_text", "created_at")
        .order_by("id")
    )
    batch: list[MessageSignal] = []
    for message in inbound.iterator(chunk_size=BATCH):
        batch.append(signal_row(message))
        if len(batch) >= BATCH:
            MessageSignal.objects.bulk_create(batch)
            batch = []
    MessageSignal.objects.bulk_create(batch)
