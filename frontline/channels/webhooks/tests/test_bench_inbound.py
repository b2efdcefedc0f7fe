"""``measure_inbound`` (``frontline bench automation --inbound``) on its own, inside the
test database as the bench would run it inside its throw-away one."""

import io
import json

import pytest

from frontline.bench.common import Reporter
from frontline.bench.inbound import measure_inbound
from frontline.channels.webhooks.models import InboundPayload
from frontline.tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db


def test_measure_inbound_reports_its_figures_and_takes_every_message():
    out = io.StringIO()
    reporter = Reporter(bench="automation", tickets=0, out=out, db="sqlite")
    lines: list[str] = []

    measure_inbound(reporter, messages=60, progress=lines.append)

    assert set(reporter.figures) == {
        "inbound_msgs_per_s",
        "inbound_p95_ms",
        "inbound_p50_ms",
        "inbound_processed_per_s",
    }
    assert reporter.figures["inbound_msgs_per_s"] > 0
    figure = json.loads(out.getvalue().split("}")[0] + "}")
    assert (figure["metric"], figure["unit"], figure["n"]) == (
        "inbound_msgs_per_s",
        "messages/s",
        60,
    )
    # 60 posts, 2 of them providers' retries (posts 20 and 40), plus the warm-up's one.
    assert Message.objects.count() == 59
    assert Ticket.objects.count() == 12  # one per customer (the warm-up writes as the first)
    assert InboundPayload.objects.filter(status="duplicate").count() == 2
