"""``{% triage_predictions ticket as predictions %}`` for the classifier's ticket panel."""

from django import template

from frontline.tickets.models import Ticket
from frontline.triage.classifier import registry
from frontline.triage.models import TriagePrediction

register = template.Library()


@register.simple_tag
def triage_predictions(ticket: Ticket) -> list[TriagePrediction]:
    """The ticket's predictions; no query at all on an instance with no trained model
    (the cached stamp of active versions says so)."""
    if not registry.active_stamp():
        return []
    return list(TriagePrediction.objects.filter(ticket=ticket).order_by("field"))
