"""Routing's part of the demo: a strategy per team (the tiered path Tier 1 → Tier 2 →
Tier 3, a collaborative VIP team), channel capacities, skill requirements, most agents
online and some away or offline, and a first routing pass so tickets show why they went
where they went."""

from datetime import datetime, timedelta

from frontline.accounts.models import Skill, Team, TeamMembership
from frontline.core.actors import Actor
from frontline.routing import engine
from frontline.routing.engine import WORKABLE
from frontline.routing.models import (
    AgentPresence,
    ChannelCapacity,
    PresenceStatus,
    QueueOrder,
    RequirementKind,
    SkillRequirement,
    Strategy,
    TeamMode,
    TeamRouting,
)
from frontline.tickets import events
from frontline.tickets.models import Category, Channel, EventType, Ticket

# slug: (strategy, queue order, mode, escalates to, fallback)
TEAMS = {
    "tier-1": (Strategy.LEAST_LOADED, QueueOrder.SLA_SOONEST, TeamMode.TIERED, "tier-2", None),
    "tier-2": (Strategy.SKILLS, QueueOrder.SLA_SOONEST, TeamMode.TIERED, "tier-3", None),
    "tier-3": (Strategy.SKILLS, QueueOrder.OLDEST, TeamMode.TIERED, None, None),
    "billing": (Strategy.SKILLS, QueueOrder.OLDEST, TeamMode.TIERED, None, "tier-1"),
    "chat": (Strategy.ROUND_ROBIN, QueueOrder.OLDEST, TeamMode.TIERED, None, "tier-1"),
    "vip": (Strategy.SKILLS, QueueOrder.SLA_SOONEST, TeamMode.COLLABORATIVE, None, "tier-2"),
}
# category slug → (skill slug, minimum proficiency)
CATEGORY_SKILLS = {
    "billing": ("billing", 3),
    "integrations": ("integrations", 3),
    "bug": ("hardware", 2),
}
LANGUAGE_SKILLS = {"pt": "portuguese", "es": "spanish", "tl": "tagalog"}
ROUTED_PER_TEAM = 8
REQUEUED_PER_TEAM = 3


def load_demo(*, now: datetime) -> None:
    teams = {t.slug: t for t in Team.objects.filter(slug__in=TEAMS)}
    for slug, (strategy, order, mode, up, fallback) in TEAMS.items():
        if slug not in teams:
            continue
        TeamRouting.objects.update_or_create(
            team=teams[slug],
            defaults={
                "strategy": strategy,
                "queue_order": order,
                "mode": mode,
                "escalates_to": teams.get(up) if up else None,
                "fallback_team": teams.get(fallback) if fallback else None,
                "relax_after_seconds": 600,
            },
        )
    _capacities()
    _requirements()
    _presence(now)
    for slug in TEAMS:
        if slug in teams and TEAMS[slug][0] != Strategy.MANUAL:
            _requeue_newest(teams[slug], now=now)
            engine.route_team(teams[slug], now=now, limit=ROUTED_PER_TEAM, trigger="demo")


def _requeue_newest(team: Team, *, now: datetime) -> None:
    """The demo's newest workable tickets go back to the queue at the demo's ``now`` (the
    generator, a bulk writer, gave every ticket an owner), so routing hands them out and
    says why. Written like the generator writes: the row and its event, at ``now``."""
    newest = Ticket.objects.filter(team=team, status__in=WORKABLE, assignee__isnull=False)
    for ticket in newest.order_by("-created_at")[:REQUEUED_PER_TEAM]:
        old = ticket.assignee_id
        Ticket.objects.filter(pk=ticket.pk).update(assignee=None, updated_at=now)
        ticket.assignee, ticket.updated_at = None, now
        events.record(
            ticket, EventType.ASSIGNED, actor=Actor.system(), data={"from": old, "to": None}, at=now
        )


def _capacities() -> None:
    for channel, limit, weight in (
        (Channel.CHAT, 3, 3),
        (Channel.EMAIL, 12, 1),
        (Channel.PORTAL, 12, 1),
        (Channel.PHONE, 1, 4),
    ):
        ChannelCapacity.objects.update_or_create(
            team=None, channel=channel, defaults={"max_concurrent": limit, "weight": weight}
        )


def _requirements() -> None:
    skills = {s.slug: s for s in Skill.objects.all()}
    categories = {c.slug: c for c in Category.objects.filter(slug__in=CATEGORY_SKILLS)}
    for slug, (skill, level) in CATEGORY_SKILLS.items():
        if slug in categories and skill in skills:
            SkillRequirement.objects.update_or_create(
                kind=RequirementKind.CATEGORY,
                category=categories[slug],
                value="",
                skill=skills[skill],
                defaults={"min_proficiency": level},
            )
    for code, skill in LANGUAGE_SKILLS.items():
        if skill in skills:
            SkillRequirement.objects.update_or_create(
                kind=RequirementKind.LANGUAGE,
                category=None,
                value=code,
                skill=skills[skill],
                defaults={"min_proficiency": 3},
            )


def _presence(now: datetime) -> None:
    """Two in three agents online (idle for a while), the rest away or offline."""
    ids = sorted(set(TeamMembership.objects.values_list("user_id", flat=True)))
    statuses = (PresenceStatus.ONLINE, PresenceStatus.ONLINE, PresenceStatus.AWAY)
    rows = [
        AgentPresence(
            user_id=uid,
            status=PresenceStatus.OFFLINE if n % 7 == 6 else statuses[n % 3],
            since=now - timedelta(minutes=5 + n % 50),
            last_seen_at=now,
            last_assigned_at=now - timedelta(minutes=3 + (n * 7) % 40),
        )
        for n, uid in enumerate(ids)
    ]
    AgentPresence.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["user"],
        update_fields=["status", "since", "last_seen_at", "last_assigned_at"],
    )
