"""Routing's models, one module per concern; every one is imported here for Django."""

from frontline.routing.models.teams import QueueOrder, Strategy, TeamMode, TeamRouting

__all__ = ["QueueOrder", "Strategy", "TeamMode", "TeamRouting"]
