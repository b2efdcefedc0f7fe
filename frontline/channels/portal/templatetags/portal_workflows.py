"""``{% self_service_workflows as flows %}``: the "Get help with…" list of the portal's home
and the help centre."""

from django import template

from frontline.workflows.models import Workflow
from frontline.workflows.queries import self_service_workflows as active_self_service

register = template.Library()


@register.simple_tag
def self_service_workflows() -> list[Workflow]:
    return list(active_self_service().only("id", "name", "slug", "description")[:12])
