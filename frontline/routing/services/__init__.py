"""Routing settings, changed by supervisors and above: team strategies, capacities,
skill requirements. Each save validates and names the field at fault."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from frontline.accounts.models import Skill, Team, User
from frontline.accounts.permissions import can_manage_routing, is_staff_member
from frontline.core.actors import Actor
from frontline.core.errors import PermissionDenied, ValidationFailed
from frontline.routing.models import (
    AgentCapacity,
    ChannelCapacity,
    QueueOrder,
    RequirementKind,
    SkillRequirement,
    Strategy,
    TeamRouting,
)
from frontline.tickets.models import Category, Channel

MAX_CAPACITY = 500
MAX_RELAX_SECONDS = 7 * 24 * 3600


def ensure_router(actor: Actor) -> None:
    if actor.user is None or not can_manage_routing(actor.user):
        raise PermissionDenied("Only supervisors and above change routing settings.")


@dataclass(frozen=True)
class TeamRoutingChanges:
    strategy: str | None = None
    queue_order: str | None = None
    relax_after_seconds: int | None = None
    fallback_team_id: int | None = None
    clear_fallback: bool = False


def routing_of(team: Team) -> TeamRouting:
    return TeamRouting.objects.filter(team=team).first() or TeamRouting(team=team)


@transaction.atomic
def update_team_routing(team: Team, *, changes: TeamRoutingChanges, actor: Actor) -> TeamRouting:
    ensure_router(actor)
    row = routing_of(team)
    if changes.strategy is not None:
        if changes.strategy not in Strategy.values:
            raise ValidationFailed(
                f"strategy must be one of {', '.join(Strategy.values)}.", field="strategy"
            )
        row.strategy = changes.strategy
    if changes.queue_order is not None:
        if changes.queue_order not in QueueOrder.values:
            raise ValidationFailed(
                f"queue_order must be one of {', '.join(QueueOrder.values)}.", field="queue_order"
            )
        row.queue_order = changes.queue_order
    if changes.relax_after_seconds is not None:
        if not 0 < changes.relax_after_seconds <= MAX_RELAX_SECONDS:
            raise ValidationFailed(
                "relax_after_seconds must be between 1 second and 7 days.",
                field="relax_after_seconds",
            )
        row.relax_after_seconds = changes.relax_after_seconds
    if changes.clear_fallback:
        row.fallback_team = None
    elif changes.fallback_team_id is not None:
        row.fallback_team = _fallback(team, changes.fallback_team_id)
    row.save()
    return row


def _fallback(team: Team, team_id: int) -> Team:
    if team_id == team.pk:
        raise ValidationFailed("A team cannot be its own fallback team.", field="fallback_team_id")
    found = Team.objects.filter(pk=team_id).first()
    if found is None:
        raise ValidationFailed(f"Team {team_id} does not exist.", field="fallback_team_id")
    return found


@transaction.atomic
def set_capacities(user: User, *, limits: Mapping[str, int | None], actor: Actor) -> dict[str, int]:
    """Set the agent's per-channel limits; ``None`` returns a channel to the default."""
    ensure_router(actor)
    if not is_staff_member(user):
        raise ValidationFailed("Only staff members take tickets.", field="user_id")
    for channel, limit in limits.items():
        if channel not in Channel.values:
            raise ValidationFailed(f"{channel!r} is not a channel.", field=f"capacity.{channel}")
        if limit is not None and not 0 <= limit <= MAX_CAPACITY:
            raise ValidationFailed(
                f"The {channel} capacity must be between 0 and {MAX_CAPACITY}.",
                field=f"capacity.{channel}",
            )
    for channel, limit in limits.items():
        if limit is None:
            AgentCapacity.objects.filter(user=user, channel=channel).delete()
        else:
            AgentCapacity.objects.update_or_create(
                user=user, channel=channel, defaults={"max_concurrent": limit}
            )
    return own_capacities(user)


def own_capacities(user: User) -> dict[str, int]:
    return dict(AgentCapacity.objects.filter(user=user).values_list("channel", "max_concurrent"))


@transaction.atomic
def add_requirement(
    *, kind: str, skill_id: int, min_proficiency: int, value: Any, actor: Actor
) -> SkillRequirement:
    """Tickets of a category, language or organisation tier need a skill at a level."""
    ensure_router(actor)
    if kind not in RequirementKind.values:
        raise ValidationFailed("kind is category, language or tier.", field="kind")
    skill = Skill.objects.filter(pk=skill_id).first()
    if skill is None:
        raise ValidationFailed(f"Skill {skill_id} does not exist.", field="skill_id")
    if not 1 <= min_proficiency <= 5:
        raise ValidationFailed("min_proficiency is between 1 and 5.", field="min_proficiency")
    category = None
    text = str(value or "").strip()
    if kind == RequirementKind.CATEGORY:
        category = Category.objects.filter(pk=int(value) if str(value).isdigit() else 0).first()
        if category is None:
            raise ValidationFailed("Choose an existing category.", field="value")
        text = ""
    elif not text:
        raise ValidationFailed("Give the language code or tier.", field="value")
    row, _ = SkillRequirement.objects.update_or_create(
        kind=kind,
        category=category,
        value=text,
        skill=skill,
        defaults={"min_proficiency": min_proficiency},
    )
    return row


@transaction.atomic
def save_channel_capacity(
    *, team: Team | None, channel: str, max_concurrent: int, weight: Any, actor: Actor
) -> ChannelCapacity:
    """The default limit and load weight of a channel, for one team or (team empty) all."""
    ensure_router(actor)
    if channel not in Channel.values:
        raise ValidationFailed(f"{channel!r} is not a channel.", field="channel")
    if not 0 <= max_concurrent <= MAX_CAPACITY:
        raise ValidationFailed(
            f"max_concurrent must be between 0 and {MAX_CAPACITY}.", field="max_concurrent"
        )
    if weight is None or not 0 <= float(weight) <= 99:
        raise ValidationFailed("weight must be between 0 and 99.", field="weight")
    row, _ = ChannelCapacity.objects.update_or_create(
        team=team, channel=channel, defaults={"max_concurrent": max_concurrent, "weight": weight}
    )
    return row


@transaction.atomic
def remove_channel_capacity(row: ChannelCapacity, *, actor: Actor) -> None:
    ensure_router(actor)
    row.delete()
