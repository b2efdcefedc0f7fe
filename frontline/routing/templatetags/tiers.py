"""Template helpers of the "Tier & swarm" panel: ``{% load tiers %}``.

``{% tier_swarm ticket user as ts %}`` reads what the panel shows in three queries: the
ticket's tier summary, its team's next tier, and the running swarm's members.
"""

from django import template

from frontline.accounts.models import User
from frontline.routing.tiers_views import PanelState, panel_state
from frontline.tickets.models import Ticket

register = template.Library()


@register.simple_tag
def tier_swarm(ticket: Ticket, user: User) -> PanelState:
    return panel_state(ticket, user)
