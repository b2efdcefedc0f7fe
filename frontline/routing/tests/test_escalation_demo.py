"""The demo's tier path, escalated tickets and running swarm (``routing/tiers_demo.py``)."""

from datetime import UTC, datetime

import pytest

from frontline import demo
from frontline.routing import tiers_demo
from frontline.routing.models import (
    Direction,
    Swarm,
    TeamMode,
    TeamRouting,
    TicketEscalation,
    TicketTier,
)
from frontline.tickets.models import MessageKind

NOW = datetime(2026, 3, 2, 15, 30, tzinfo=UTC)


@pytest.mark.django_db
def test_the_demo_has_a_tier_path_escalations_and_a_running_swarm():
    demo.create_demo_data(seed=3, tickets=300, now=NOW)

    path = dict(TeamRouting.objects.values_list("team__slug", "escalates_to__slug"))
    assert {k: path[k] for k in ("tier-1", "tier-2", "tier-3")} == {
        "tier-1": "tier-2",
        "tier-2": "tier-3",
        "tier-3": None,
    }
    assert TeamRouting.objects.get(team__slug="vip").mode == TeamMode.COLLABORATIVE
    assert TicketEscalation.objects.filter(direction=Direction.UP).count() >= 4
    assert TicketEscalation.objects.filter(direction=Direction.DOWN).count() == 1
    assert TicketTier.objects.filter(highest_tier=3).count() == 2
    swarm = Swarm.objects.get(ended_at=None)
    assert swarm.members.count() == 3
    assert swarm.ticket.messages.filter(kind=MessageKind.NOTE).count() == 2

    tiers_demo.load_demo(now=NOW)  # again: nothing is written twice

    assert Swarm.objects.count() == 1
    assert TicketEscalation.objects.filter(direction=Direction.DOWN).count() == 1
