from typing import Any

from django import template

from frontline.routing.models import RoutingDecision

register = template.Library()


@register.simple_tag
def routing_decisions(ticket: Any) -> list[RoutingDecision]:
    """The ticket's routing decisions, latest first, for the ticket page's panel."""
    rows = RoutingDecision.objects.filter(ticket_id=ticket.pk).select_related("assignee")
    return list(rows.order_by("-created_at", "-id")[:5])
