"""The demo's macros: shared, team and personal ones with usage counts, the names other
demos refer to, and each applies cleanly to a demo ticket."""

import pytest
from django.utils import timezone

from frontline.accounts.models import Role, Team
from frontline.core.actors import Actor
from frontline.macros import demo, services
from frontline.macros.models import Macro, Scope
from frontline.macros.queries import macros_visible_to
from frontline.testing import factories


@pytest.fixture
def demo_agent(db):
    for slug in ("tier-1", "billing", "tier-2"):
        team = factories.make_team(name=slug.title())
        Team.objects.filter(pk=team.pk).update(slug=slug)
    factories.make_agent(role=Role.HEAD_OF_SUPPORT, email=demo.HEAD_EMAIL)
    return factories.make_agent(
        email=demo.AGENT_EMAIL, teams=(Team.objects.get(slug="tier-1"),), name="Alex Rivera"
    )


def test_the_demo_has_macros_of_every_scope_most_used_first(demo_agent):
    demo.load_demo(now=timezone.now())

    names = [m.name for m in macros_visible_to(Actor.for_user(demo_agent))]

    assert Macro.objects.count() == 10
    assert {"Refund approved", "Password reset", "Order status"} <= set(names)
    assert names[0] == "Password reset"
    assert set(Macro.objects.values_list("scope", flat=True)) == set(Scope.values)
    assert "Invoice copy" not in names  # Billing's, and the agent is in Tier 1


def test_every_demo_macro_applies_to_a_ticket(demo_agent):
    demo.load_demo(now=timezone.now())
    tier_1 = Team.objects.get(slug="tier-1")

    for macro in Macro.objects.all():
        ticket = factories.make_ticket(team=tier_1)
        services.apply_macro(ticket, macro, actor=Actor.system())

    assert sorted(Macro.objects.values_list("usage_count", flat=True))[0] == 13
