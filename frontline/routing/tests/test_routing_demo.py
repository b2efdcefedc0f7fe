"""The demo shows routing working: strategies per team, a tiered path, a collaborative
team, agents online and offline, and tickets that say why they were routed."""

from datetime import UTC, datetime

import pytest

from frontline import demo
from frontline.routing.models import AgentPresence, RoutingDecision, TeamMode, TeamRouting

NOW = datetime(2026, 3, 2, 15, 30, tzinfo=UTC)


@pytest.mark.django_db
def test_the_demo_routes():
    demo.create_demo_data(tickets=1500, now=NOW)

    routing = {r.team.slug: r for r in TeamRouting.objects.select_related("team", "escalates_to")}
    assert routing["tier-1"].escalates_to == routing["tier-2"].team
    assert routing["tier-2"].escalates_to == routing["tier-3"].team
    assert routing["vip"].mode == TeamMode.COLLABORATIVE
    assert len({r.strategy for r in routing.values()}) == 3
    statuses = set(AgentPresence.objects.values_list("status", flat=True))
    assert statuses == {"online", "away", "offline"}
    assert RoutingDecision.objects.filter(
        assignee__isnull=False, reason__startswith="Routed to"
    ).exists()
