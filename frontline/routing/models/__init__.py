"""Routing's models, one module per concern; every one is imported here for Django."""

from frontline.routing.models.escalation import Direction, TicketEscalation, TicketTier
from frontline.routing.models.swarms import Swarm, SwarmMember
from frontline.routing.models.teams import QueueOrder, Strategy, TeamMode, TeamRouting

__all__ = [
    "Direction",
    "QueueOrder",
    "Strategy",
    "Swarm",
    "SwarmMember",
    "TeamMode",
    "TeamRouting",
    "TicketEscalation",
    "TicketTier",
]
