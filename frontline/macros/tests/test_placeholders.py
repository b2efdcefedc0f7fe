from datetime import UTC, datetime

import pytest

from frontline.core.actors import Actor
from frontline.macros.placeholders import PLACEHOLDERS, render_placeholders, unknown_placeholders
from frontline.sla.models import TicketSla
from frontline.testing import factories


@pytest.fixture
def ticket(team, db):
    organisation = factories.make_organisation(name="Acme Ltd")
    customer = factories.make_customer(
        name="Carla Maria Customer", email="carla@example.test", organisation=organisation
    )
    return factories.make_ticket(customer=customer, team=team, subject="Refund for order 77")


def test_every_placeholder_is_filled_for_the_applying_agent(ticket, agent):
    text = " | ".join("{{ " + name + " }}" for name in PLACEHOLDERS if name != "sla.due")

    rendered = render_placeholders(text, ticket=ticket, actor=Actor.for_user(agent))

    assert rendered == (
        f"Carla Maria Customer | Carla | carla@example.test | Acme Ltd | {ticket.number} | "
        f"#{ticket.number} | Refund for order 77 | New | Normal | Alice Agent | Alice"
    )


def test_the_system_actor_signs_as_the_team(ticket):
    rendered = render_placeholders(
        "{{agent.name}} / {{ agent.first_name }}", ticket=ticket, actor=Actor.system()
    )

    assert rendered == "the team / the team"


def test_sla_due_is_shown_in_the_agents_time_zone(ticket, agent):
    agent.time_zone = "Europe/Paris"
    agent.save(update_fields=["time_zone"])
    due = datetime(2026, 7, 1, 10, 30, tzinfo=UTC)
    assert TicketSla.objects.filter(ticket=ticket).update(next_due_at=due) == 1

    rendered = render_placeholders("Due {{ sla.due }}", ticket=ticket, actor=Actor.for_user(agent))

    assert rendered == "Due Wed 01 Jul 2026, 12:30 CEST"


def test_sla_due_is_empty_without_a_target(ticket, agent):
    TicketSla.objects.filter(ticket=ticket).delete()

    rendered = render_placeholders("[{{ sla.due }}]", ticket=ticket, actor=Actor.for_user(agent))

    assert rendered == "[]"


def test_unknown_and_malformed_placeholders_are_found():
    text = "Hi {{ customer.first_name }} {{ customer.password }} {{ not valid }} {{ticket.number}}"

    assert unknown_placeholders(text) == ["customer.password", "{{ not valid }}"]


def test_text_that_looks_like_template_code_is_left_alone(ticket, agent):
    text = "{% if x %}{{ ticket.customer.user.password }}{% endif %}"

    rendered = render_placeholders(text, ticket=ticket, actor=Actor.for_user(agent))

    assert rendered == text
