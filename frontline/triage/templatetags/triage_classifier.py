"""``{% triage_predictions ticket as predictions %}`` for the classifier's ticket panel."""

from django import template

from frontline.tickets.models import Ticket
from frontline.triage.models import TriagePrediction

register = template.Library()


@register.simple_tag
def triage_predictions(ticket: Ticket) -> list[TriagePrediction]:
    return list(TriagePrediction.objects.filter(ticket=ticket).order_by("field"))
