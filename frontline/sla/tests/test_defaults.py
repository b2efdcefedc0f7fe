"""A fresh install and the demo come with a business calendar and policies for every priority."""

import importlib

from django.apps import apps
from django.conf import settings

from frontline import demo
from frontline.sla import services
from frontline.sla.models import Calendar, SlaPolicy, SlaTarget, TicketSla
from frontline.testing import factories
from frontline.tickets.models import UNSOLVED_STATUSES, Priority, Ticket

add_defaults = importlib.import_module(
    "frontline.sla.migrations.0002_add_default_calendar_and_policies"
).add_defaults


def test_the_migration_ships_a_calendar_and_policies_covering_every_priority(db):
    SlaPolicy.objects.all().delete()
    Calendar.objects.all().delete()

    add_defaults(apps, None)

    calendar = Calendar.objects.get()
    standard = SlaPolicy.objects.get(name="Standard")
    goals = set(standard.targets.values_list("priority", "target"))
    assert (calendar.name, calendar.is_default, calendar.time_zone) == (
        "Business hours",
        True,
        settings.TIME_ZONE,
    )
    assert calendar.weekly_hours["mon"] == [["09:00", "17:00"]]
    assert {(p, "first_response") for p in Priority.values} <= goals
    assert {(p, "resolution") for p in Priority.values} <= goals
    assert list(SlaPolicy.objects.values_list("name", flat=True)) == [
        "Premium and enterprise",
        "Standard",
    ]


def test_ensure_defaults_leaves_an_existing_setup_alone(db):
    SlaPolicy.objects.all().delete()
    Calendar.objects.all().delete()
    factories.make_calendar(name="Ours")

    assert services.ensure_defaults() is False
    assert list(Calendar.objects.values_list("name", flat=True)) == ["Ours"]


def test_a_new_ticket_has_sla_targets_at_once_on_a_fresh_install(db, team):
    services.ensure_defaults()

    ticket = factories.make_ticket(team=team, priority=Priority.HIGH)

    summary = TicketSla.objects.get(ticket=ticket)
    assert summary.policy is not None
    assert summary.policy.name == "Standard"
    assert set(ticket.sla_targets.values_list("target", flat=True)) == {
        "first_response",
        "resolution",
    }


def test_the_demo_comes_with_sla_targets_for_its_unsolved_tickets(db):
    demo.create_demo_data(tickets=150, days=20)

    unsolved = Ticket.objects.filter(status__in=UNSOLVED_STATUSES)
    covered = unsolved.filter(sla__isnull=False)
    states = set(SlaTarget.objects.values_list("state", flat=True))
    assert Calendar.objects.filter(is_default=True).exists()
    assert unsolved.count() > 0
    assert covered.count() == unsolved.count()
    # Running and met targets; how many breach (a handful, at some moments none) is
    # frontline/operations/tests/test_demo.py's to check.
    assert {"active", "met"} <= states
