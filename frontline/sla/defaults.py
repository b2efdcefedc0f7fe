"""What a fresh install starts with: one business calendar and policies covering every
priority, so a new ticket has SLA targets at once. Used by the data migration (with the
historical models) and by ``services.ensure_defaults`` (with the live ones)."""

import uuid
from datetime import UTC, datetime
from typing import Any

DEFAULT_CALENDAR: dict[str, Any] = {
    "name": "Business hours",
    "weekly_hours": {
        "mon": [["09:00", "17:00"]],
        "tue": [["09:00", "17:00"]],
        "wed": [["09:00", "17:00"]],
        "thu": [["09:00", "17:00"]],
        "fri": [["09:00", "17:00"]],
        "sat": [],
        "sun": [],
    },
    "special_days": [],
    "is_default": True,
}

H = 60  # minutes in an hour, for readable goals below

# (target, priority, minutes) in business time.
_STANDARD = [
    ("first_response", "urgent", 1 * H),
    ("first_response", "high", 4 * H),
    ("first_response", "normal", 8 * H),
    ("first_response", "low", 16 * H),
    ("next_response", "urgent", 2 * H),
    ("next_response", "high", 8 * H),
    ("next_response", "normal", 16 * H),
    ("next_response", "low", 24 * H),
    ("periodic_update", "urgent", 4 * H),
    ("resolution", "urgent", 8 * H),
    ("resolution", "high", 24 * H),
    ("resolution", "normal", 40 * H),
    ("resolution", "low", 80 * H),
]

_PREMIUM = [
    ("first_response", "urgent", 30),
    ("first_response", "high", 2 * H),
    ("first_response", "normal", 4 * H),
    ("first_response", "low", 8 * H),
    ("next_response", "urgent", 1 * H),
    ("next_response", "high", 4 * H),
    ("next_response", "normal", 8 * H),
    ("next_response", "low", 16 * H),
    ("periodic_update", "urgent", 2 * H),
    ("periodic_update", "high", 8 * H),
    ("resolution", "urgent", 4 * H),
    ("resolution", "high", 16 * H),
    ("resolution", "normal", 24 * H),
    ("resolution", "low", 40 * H),
]

DEFAULT_POLICIES: list[dict[str, Any]] = [
    {
        "name": "Premium and enterprise",
        "description": "Tighter goals for organisations on a premium or enterprise plan.",
        "position": 10,
        "organisation_tiers": ["premium", "enterprise"],
        "warn_at_percent": [75, 90],
        "warning_actions": [{"type": "notify", "recipients": ["assignee"]}],
        "breach_actions": [
            {"type": "notify", "recipients": ["assignee", "supervisor"]},
            {"type": "add_tag", "tag": "sla-breached"},
        ],
        "targets": _PREMIUM,
    },
    {
        "name": "Standard",
        "description": "Every other ticket.",
        "position": 100,
        "organisation_tiers": [],
        "warn_at_percent": [75, 90],
        "warning_actions": [{"type": "notify", "recipients": ["assignee"]}],
        "breach_actions": [
            {"type": "notify", "recipients": ["assignee", "supervisor"]},
            {"type": "add_tag", "tag": "sla-breached"},
        ],
        "targets": _STANDARD,
    },
]


def create_defaults(
    calendar_model: Any,
    policy_model: Any,
    target_model: Any,
    version_model: Any,
    *,
    time_zone: str,
) -> bool:
    """Create the default calendar and policies unless any calendar or policy exists."""
    if calendar_model.objects.exists() or policy_model.objects.exists():
        return False
    version_model.objects.update_or_create(
        pk=1, defaults={"token": uuid.uuid4(), "changed_at": datetime.now(UTC)}
    )
    calendar = calendar_model.objects.create(time_zone=time_zone, **DEFAULT_CALENDAR)
    for spec in DEFAULT_POLICIES:
        fields = {k: v for k, v in spec.items() if k != "targets"}
        policy = policy_model.objects.create(calendar=calendar, **fields)
        target_model.objects.bulk_create(
            [
                target_model(policy=policy, target=target, priority=priority, minutes=minutes)
                for target, priority, minutes in spec["targets"]
            ]
        )
    return True
