"""The demo's messaging part: what ``make run`` shows on the Channels page and tickets."""

import pytest
from django.utils import timezone

from frontline.channels.webhooks.demo import load_demo
from frontline.channels.webhooks.models import InboundPayload, OutboundMessage, PhoneCall
from frontline.testing import factories
from frontline.tickets.models import Channel, Status, Ticket

pytestmark = pytest.mark.django_db


def test_the_demo_shows_conversations_replies_quarantine_and_calls(team, agent, customer):
    phoned = factories.make_ticket(team=team, customer=customer)
    Ticket.objects.filter(pk=phoned.pk).update(status=Status.OPEN)

    load_demo(now=timezone.now())

    assert Ticket.objects.filter(channel=Channel.SMS).count() == 3
    assert Ticket.objects.filter(channel=Channel.SOCIAL).count() == 2
    states = sorted(OutboundMessage.objects.values_list("status", flat=True))
    assert states == ["delivered", "failed", "read", "read", "sent"]
    assert InboundPayload.objects.filter(status="quarantined").count() == 1
    assert PhoneCall.objects.filter(ticket=phoned).count() == 1
