"""Routing's models, one module per concern; every one is imported here for Django."""

from frontline.routing.models.capacity import (
    AgentCapacity,
    ChannelCapacity,
    RequirementKind,
    SkillRequirement,
)
from frontline.routing.models.decisions import RoutingDecision
from frontline.routing.models.escalation import Direction, TicketEscalation, TicketTier
from frontline.routing.models.presence import AgentPresence, PresenceStatus
from frontline.routing.models.swarms import Swarm, SwarmMember
from frontline.routing.models.teams import QueueOrder, Strategy, TeamMode, TeamRouting

__all__ = [
    "AgentCapacity",
    "AgentPresence",
    "ChannelCapacity",
    "Direction",
    "PresenceStatus",
    "QueueOrder",
    "RequirementKind",
    "RoutingDecision",
    "SkillRequirement",
    "Strategy",
    "Swarm",
    "SwarmMember",
    "TeamMode",
    "TeamRouting",
    "TicketEscalation",
    "TicketTier",
]
