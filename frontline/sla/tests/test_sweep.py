"""The sweep sends warnings and runs breach actions once, through the tickets services."""

import time_machine

from frontline.accounts.models import Role
from frontline.core.actors import Actor
from frontline.sla import services
from frontline.sla.models import ChangeKind, SlaNotification, SlaTarget
from frontline.sla.tests.conftest import berlin
from frontline.testing import factories
from frontline.tickets import services as ticket_services
from frontline.tickets.models import Priority, Ticket


def sweep_at(*moment):
    with time_machine.travel(berlin(*moment), tick=False):
        return services.sweep()


def history(ticket, *kinds):
    return [c.message for c in ticket.sla_changes.filter(kind__in=kinds).order_by("at", "id")]


def test_warnings_fire_once_at_each_percentage_then_the_breach(policy, agent, team):
    with time_machine.travel(berlin(2025, 3, 4, 10), tick=False):
        ticket = factories.make_ticket(team=team, priority=Priority.URGENT)
        ticket_services.assign_ticket(ticket, assignee=agent, actor=Actor.for_user(agent))

    outcomes = [
        sweep_at(2025, 3, 4, 10, 44),
        sweep_at(2025, 3, 4, 10, 46),
        sweep_at(2025, 3, 4, 10, 50),
        sweep_at(2025, 3, 4, 10, 55),
        sweep_at(2025, 3, 4, 11, 1),
        sweep_at(2025, 3, 4, 11, 2),
    ]

    assert [(o.warned, o.breached) for o in outcomes] == [
        (0, 0),
        (1, 0),
        (0, 0),
        (1, 0),
        (0, 1),
        (0, 0),
    ]
    assert history(ticket, ChangeKind.WARNED, ChangeKind.BREACHED) == [
        "first response at 75% of its goal: due 11:00 Tue 4 Mar",
        "first response at 90% of its goal: due 11:00 Tue 4 Mar",
        "first response breached: due 11:00 Tue 4 Mar",
    ]
    notified = SlaNotification.objects.filter(recipient=agent).order_by("id")
    assert [(n.kind, n.percent) for n in notified] == [
        ("warning", 75),
        ("warning", 90),
        ("breach", 100),
    ]
    first_response = SlaTarget.objects.get(ticket=ticket, target="first_response")
    assert first_response.state == "breached"
    assert first_response.explanation.startswith("breached 11:00 Tue 4 Mar: 1 h business time")


def test_after_downtime_the_sweep_skips_stale_warnings_and_breaches(policy, team):
    with time_machine.travel(berlin(2025, 3, 4, 10), tick=False):
        ticket = factories.make_ticket(team=team, priority=Priority.URGENT)

    result = sweep_at(2025, 3, 4, 15)

    assert (result.warned, result.breached) == (0, 1)
    assert history(ticket, ChangeKind.WARNED) == []


def test_a_ticket_answered_in_time_is_never_breached(policy, agent, team):
    with time_machine.travel(berlin(2025, 3, 4, 10), tick=False) as clock:
        ticket = factories.make_ticket(team=team, priority=Priority.URGENT)
        clock.move_to(berlin(2025, 3, 4, 10, 59))
        ticket_services.reply_to_ticket(ticket, body="Done.", actor=Actor.for_user(agent))

    result = sweep_at(2025, 3, 4, 11, 30)

    assert result.breached == 0
    assert SlaTarget.objects.get(ticket=ticket, target="first_response").state == "met"


def test_breach_actions_change_the_ticket_through_its_services_once(
    support_hours, agent, team, other_team
):
    supervisor = factories.make_agent(role=Role.SUPERVISOR, teams=(team,), name="Sam Lead")
    team.memberships.filter(user=supervisor).update(is_lead=True)
    factories.make_sla_policy(
        goals=(("first_response", "normal", 60), ("first_response", "high", 120)),
        calendar=support_hours,
        breach_actions=[
            {"type": "notify", "recipients": ["assignee", "supervisor"]},
            {"type": "raise_priority"},
            {"type": "reassign", "team_id": other_team.pk},
            {"type": "add_tag", "tag": "sla-breached"},
            {"type": "internal_note", "body": "{target} of {ticket} missed (due {due})."},
        ],
    )
    with time_machine.travel(berlin(2025, 3, 4, 10), tick=False):
        ticket = factories.make_ticket(team=team, priority=Priority.NORMAL)
        ticket_services.assign_ticket(ticket, assignee=agent, actor=Actor.for_user(agent))

    first = sweep_at(2025, 3, 4, 12, 1)
    second = sweep_at(2025, 3, 4, 12, 2)

    ticket = Ticket.objects.get(pk=ticket.pk)
    note = ticket.messages.get(kind="note")
    system_events = ticket.events.filter(
        actor_type="system", created_at__gte=berlin(2025, 3, 4, 12)
    ).values_list("type", flat=True)
    assert (first.breached, second.breached) == (1, 0)
    assert (ticket.priority, ticket.team, ticket.assignee) == ("high", other_team, None)
    assert list(ticket.tags.values_list("name", flat=True)) == ["sla-breached"]
    assert note.body_text == f"first response of #{ticket.number} missed (due 11:00 Tue 4 Mar)."
    assert list(system_events) == [
        "priority_changed",
        "team_changed",
        "assigned",
        "tags_changed",
        "message_added",
    ]
    assert history(ticket, ChangeKind.ACTION) == [
        "notified Alice Agent, Sam Lead",
        "raised priority from normal to high",
        f"reassigned to {other_team.name}",
        "tagged sla-breached",
        "posted an internal note",
    ]
    # Replayed once after the actions, under the goals of the new priority; still breached.
    first_response = SlaTarget.objects.get(ticket=ticket, target="first_response")
    assert (first_response.goal_seconds, first_response.state) == (7200, "breached")
    assert first_response.breach_handled_at is not None


def test_a_failing_action_is_recorded_and_the_others_still_run(support_hours, team):
    doomed = factories.make_team(name="Disbanded")
    factories.make_sla_policy(
        goals=(("first_response", "normal", 60),),
        calendar=support_hours,
        breach_actions=[
            {"type": "reassign", "team_id": doomed.pk},
            {"type": "add_tag", "tag": "escalated"},
        ],
    )
    with time_machine.travel(berlin(2025, 3, 4, 10), tick=False):
        ticket = factories.make_ticket(team=team, priority=Priority.NORMAL)
    doomed_id = doomed.pk
    doomed.delete()

    sweep_at(2025, 3, 4, 11, 1)

    assert history(ticket, ChangeKind.ACTION_FAILED) == [f"reassign: There is no team {doomed_id}."]
    assert list(ticket.tags.values_list("name", flat=True)) == ["escalated"]


def test_a_claimed_breach_is_not_handled_again(policy, team):
    with time_machine.travel(berlin(2025, 3, 4, 10), tick=False):
        ticket = factories.make_ticket(team=team, priority=Priority.URGENT)
    target = SlaTarget.objects.get(ticket=ticket, target="first_response")

    with time_machine.travel(berlin(2025, 3, 4, 11, 1), tick=False):
        first = services.handle_alert(target.pk, ticket.pk, now=berlin(2025, 3, 4, 11, 1))
        second = services.handle_alert(target.pk, ticket.pk, now=berlin(2025, 3, 4, 11, 1))

    assert (first, second) == ("breached", "nothing")
    assert len(history(ticket, ChangeKind.BREACHED)) == 1


def test_a_new_cycle_can_breach_again(policy, agent, team):
    alice = Actor.for_user(agent)
    with time_machine.travel(berlin(2025, 3, 4, 10), tick=False) as clock:
        ticket = factories.make_ticket(team=team, priority=Priority.URGENT)
        customer = Actor.for_customer(ticket.customer)
        clock.move_to(berlin(2025, 3, 4, 10, 5))
        ticket_services.reply_to_ticket(ticket, body="Which browser?", actor=alice)
        clock.move_to(berlin(2025, 3, 4, 10, 10))
        ticket_services.reply_to_ticket(ticket, body="Firefox.", actor=customer)
    sweep_at(2025, 3, 4, 12, 11)
    with time_machine.travel(berlin(2025, 3, 4, 12, 30), tick=False) as clock:
        ticket_services.reply_to_ticket(ticket, body="Try 129.", actor=alice)
        clock.move_to(berlin(2025, 3, 4, 12, 40))
        ticket_services.reply_to_ticket(ticket, body="No luck.", actor=customer)
    sweep_at(2025, 3, 4, 14, 41)

    assert history(ticket, ChangeKind.BREACHED) == [
        "next response breached: due 12:10 Tue 4 Mar",
        "next response breached: due 14:40 Tue 4 Mar",
    ]
