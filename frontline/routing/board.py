"""What the supervisor board shows of routing: each agent's presence and load against
capacity per channel, and each team's waiting queue. A fixed number of queries."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, IntegerField, Min, Value
from django.utils import timezone

from frontline.accounts.models import Team, TeamMembership, User
from frontline.routing.engine import WORKABLE
from frontline.routing.models import AgentCapacity, ChannelCapacity, PresenceStatus
from frontline.routing.models.capacity import default_capacity
from frontline.tickets.models import Ticket

SHOWN_CHANNELS = ("email", "chat", "portal", "phone")


@dataclass
class AgentRow:
    user: User
    status: str
    since: datetime | None
    loads: list[tuple[str, int, int]] = field(default_factory=list)


@dataclass
class QueueRow:
    team: Team
    strategy: str
    waiting: int
    oldest: datetime | None


def agent_rows() -> list[AgentRow]:
    member_ids = TeamMembership.objects.values_list("user_id", flat=True)
    users = list(
        User.objects.filter(pk__in=member_ids, is_active=True)
        .select_related("routing_presence")
        .order_by("name")
    )
    ids = [u.pk for u in users]
    defaults: dict[str, int] = {}
    own: dict[tuple[int, str], int] = {}
    for limits in (
        AgentCapacity.objects.filter(user_id__in=ids)
        .values_list("user_id", "channel", "max_concurrent")
        .union(
            ChannelCapacity.objects.filter(team__isnull=True).values_list(
                Value(0, output_field=IntegerField()), "channel", "max_concurrent"
            ),
            all=True,
        )
    ):
        uid, channel, limit = limits
        if uid:
            own[(uid, channel)] = limit
        else:
            defaults[channel] = limit
    loads: dict[tuple[int, str], int] = {
        (r["assignee_id"], r["channel"]): r["n"]
        for r in Ticket.objects.filter(assignee_id__in=ids, status__in=WORKABLE)
        .values("assignee_id", "channel")
        .annotate(n=Count("id"))
    }
    rows: list[AgentRow] = []
    for user in users:
        p = getattr(user, "routing_presence", None)
        row = AgentRow(user, p.status if p else PresenceStatus.OFFLINE, p.since if p else None)
        for channel in SHOWN_CHANNELS:
            cap = own.get((user.pk, channel), defaults.get(channel, default_capacity(channel)))
            row.loads.append((channel, loads.get((user.pk, channel), 0), cap))
        rows.append(row)
    return rows


def queue_rows() -> list[QueueRow]:
    waiting: dict[int, dict[str, Any]] = {
        r["team_id"]: dict(r)
        for r in Ticket.objects.filter(
            assignee__isnull=True, status__in=WORKABLE, team__isnull=False
        )
        .values("team_id")
        .annotate(n=Count("id"), oldest=Min("created_at"))
    }
    return [
        QueueRow(
            team,
            getattr(getattr(team, "routing", None), "strategy", "manual"),
            waiting.get(team.pk, {}).get("n", 0),
            waiting.get(team.pk, {}).get("oldest"),
        )
        for team in Team.objects.select_related("routing").order_by("name")
    ]


def wait_text(oldest: datetime | None, now: datetime | None = None) -> str:
    if oldest is None:
        return "—"
    minutes = int(((now or timezone.now()) - oldest).total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"
