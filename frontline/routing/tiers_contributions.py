"""What tiers and swarming add to the ticket page and the ticket API (registered in
``frontline/contributions.py``; shapes in ``frontline/tickets/contributions.py``).

Models are imported inside the methods: the ticket API's schema reads this module while
the tickets app is still being imported.
"""

from datetime import datetime
from typing import TYPE_CHECKING

from ninja import Field, Schema

from frontline.core.actors import Actor
from frontline.tickets.contributions import TicketPanel

if TYPE_CHECKING:
    from frontline.tickets.models import Ticket


class TierOut(Schema):
    current: int | None = Field(description="The tier of the ticket's team now.")
    highest: int | None = Field(description="The highest tier the ticket reached.")
    escalations: int = Field(description="How many times the ticket was escalated.")


class _TierField:
    """``tier`` on ``GET /tickets/{id}``: where the ticket stands on its tier path, for
    staff; customers get null (tiers are how support is organised, not their business)."""

    name = "tier"
    annotation = TierOut | None
    description = "Tier now, highest tier reached and escalation count; null for customers."

    def value(self, ticket: "Ticket", *, actor: Actor, now: datetime) -> TierOut | None:
        if not actor.is_agent:
            return None
        from frontline.routing.escalation import tier_summary

        summary = tier_summary(ticket)
        return TierOut(
            current=summary.current, highest=summary.highest, escalations=summary.escalations
        )


TIER_FIELD = _TierField()
TIER_SWARM_PANEL = TicketPanel(template="routing/tiers/_ticket_panel.html")
