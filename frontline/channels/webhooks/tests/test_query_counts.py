"""The Channels page's inbound log and the calls panel read a fixed number of queries,
however many rows they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from frontline.channels.webhooks.models import CallDirection, CallOutcome
from frontline.channels.webhooks.services import CallFields, log_call
from frontline.channels.webhooks.tests.helpers import make_channel, message, post
from frontline.core.actors import Actor
from frontline.testing import factories

pytestmark = pytest.mark.django_db


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_inbound_log_costs_the_same_for_3_or_30_payloads(client, admin_user):
    channel = make_channel()
    client.force_login(admin_user)
    for number in range(3):
        post(client, channel, message(f"m-{number}", phone=f"+4915100000{number:02d}"))
    url = f"/messaging/channels/{channel.pk}/"
    few = _queries(client, url)
    for number in range(3, 30):
        post(client, channel, message(f"m-{number}", phone=f"+4915100000{number:02d}"))

    assert _queries(client, url) == few == 7


def test_the_calls_panel_costs_the_same_for_1_or_10_calls(client, agent, team, customer):
    ticket = factories.make_ticket(team=team, customer=customer)
    client.force_login(agent)
    call = CallFields(
        direction=CallDirection.INBOUND,
        number="+4930123456",
        started_at=ticket.created_at,
        duration_seconds=60,
        outcome=CallOutcome.ANSWERED,
    )
    log_call(ticket, call=call, actor=Actor.for_user(agent))
    url = f"/messaging/tickets/{ticket.number}/calls/"
    one = _queries(client, url)
    for _ in range(9):
        log_call(ticket, call=call, actor=Actor.for_user(agent))

    assert _queries(client, url) == one == 5
