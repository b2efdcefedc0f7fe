"""SLA clocks follow the ticket's log: what starts, pauses, stops and moves them."""

from datetime import date, timedelta

import time_machine

from frontline.core.actors import Actor
from frontline.customers.models import Tier
from frontline.sla.models import Calendar, ChangeKind, SlaTarget, TicketSla
from frontline.sla.tests.conftest import berlin
from frontline.testing import factories
from frontline.tickets import services
from frontline.tickets.models import Priority, Status
from frontline.tickets.services import batch


def targets(ticket):
    return {row.target: row for row in SlaTarget.objects.filter(ticket=ticket)}


def test_a_public_reply_meets_the_first_response_target_in_the_same_change(policy, agent, team):
    with time_machine.travel(berlin(2025, 3, 4, 10), tick=False) as clock:
        ticket = factories.make_ticket(team=team, priority=Priority.URGENT)
        opened = targets(ticket)["first_response"]
        clock.move_to(berlin(2025, 3, 4, 10, 20))
        services.reply_to_ticket(ticket, body="Looking into it.", actor=Actor.for_user(agent))

    replied = targets(ticket)
    assert opened.state == "active"
    assert opened.due_at == berlin(2025, 3, 4, 11)
    assert replied["first_response"].state == "met"
    assert replied["first_response"].explanation.startswith(
        "met 10:20 Tue 4 Mar: first public reply by Alice Agent after 20 min business time, "
        "target 1 h"
    )
    assert replied["periodic_update"].due_at == berlin(2025, 3, 4, 14, 20)
    assert TicketSla.objects.get(ticket=ticket).next_due_at == berlin(2025, 3, 4, 14, 20)


def test_notes_bots_and_acknowledgments_do_not_count_as_a_first_response(policy, agent, team):
    with time_machine.travel(berlin(2025, 3, 4, 10), tick=False) as clock:
        ticket = factories.make_ticket(team=team, priority=Priority.URGENT)
        clock.move_to(berlin(2025, 3, 4, 10, 5))
        services.reply_to_ticket(
            ticket, body="We got your message.", actor=Actor.system(), is_automatic=True
        )
        services.reply_to_ticket(ticket, body="Have you tried turning it off?", actor=Actor.bot())
        services.add_note(ticket, body="Probably the SSO bug.", actor=Actor.for_user(agent))
        services.reply_to_ticket(
            ticket, body="Auto-reply: out of office", actor=Actor.for_user(agent), is_automatic=True
        )

    first_response = targets(ticket)["first_response"]
    assert first_response.state == "active"
    assert first_response.due_at == berlin(2025, 3, 4, 11)


def test_pending_pauses_the_clock_and_the_explanation_says_for_how_long(policy, agent, team):
    with time_machine.travel(berlin(2025, 3, 4, 10), tick=False) as clock:
        ticket = factories.make_ticket(team=team, priority=Priority.URGENT)
        clock.move_to(berlin(2025, 3, 4, 10, 10))
        services.change_status(ticket, status=Status.PENDING, actor=Actor.for_user(agent))
        paused = targets(ticket)["first_response"]
        clock.move_to(berlin(2025, 3, 4, 10, 50))
        services.reply_to_ticket(
            ticket, body="Here is the log.", actor=Actor.for_customer(ticket.customer)
        )

    resumed = targets(ticket)["first_response"]
    assert paused.state == "paused"
    assert paused.due_at is None
    assert paused.explanation.startswith("paused while pending since 10:10 Tue 4 Mar: 50 min")
    assert resumed.state == "active"
    assert resumed.due_at == berlin(2025, 3, 4, 11, 40)
    assert resumed.explanation == (
        "due 11:40 Tue 4 Mar: 1 h business time from 10:00 Tue 4 Mar, policy Support (urgent), "
        "calendar EU Support (Europe/Berlin), paused 40 min pending"
    )


def test_each_customer_message_after_an_agent_reply_starts_a_next_response_cycle(
    policy, agent, team
):
    alice = Actor.for_user(agent)
    with time_machine.travel(berlin(2025, 3, 4, 10), tick=False) as clock:
        ticket = factories.make_ticket(team=team, priority=Priority.URGENT)
        customer = Actor.for_customer(ticket.customer)
        clock.move_to(berlin(2025, 3, 4, 10, 15))
        services.reply_to_ticket(ticket, body="Which browser?", actor=alice)
        clock.move_to(berlin(2025, 3, 4, 10, 30))
        services.reply_to_ticket(ticket, body="Firefox.", actor=customer)
        first_cycle = targets(ticket)["next_response"]
        clock.move_to(berlin(2025, 3, 4, 11))
        services.reply_to_ticket(ticket, body="Version 128, sorry.", actor=customer)
        still_first = targets(ticket)["next_response"]
        clock.move_to(berlin(2025, 3, 4, 11, 30))
        services.reply_to_ticket(ticket, body="Thanks, fixed in 129.", actor=alice)
        answered = targets(ticket)["next_response"]
        clock.move_to(berlin(2025, 3, 4, 13))
        services.reply_to_ticket(ticket, body="Still broken.", actor=customer)

    second_cycle = targets(ticket)["next_response"]
    assert (first_cycle.cycle, first_cycle.due_at) == (1, berlin(2025, 3, 4, 12, 30))
    assert (still_first.cycle, still_first.due_at) == (1, berlin(2025, 3, 4, 12, 30))
    assert (answered.state, answered.stopped_at) == ("met", berlin(2025, 3, 4, 11, 30))
    assert (second_cycle.cycle, second_cycle.state) == (2, "active")
    assert second_cycle.due_at == berlin(2025, 3, 4, 15)


def test_every_agent_reply_restarts_the_periodic_update(policy, agent, team):
    alice = Actor.for_user(agent)
    with time_machine.travel(berlin(2025, 3, 4, 10), tick=False) as clock:
        ticket = factories.make_ticket(team=team, priority=Priority.URGENT)
        clock.move_to(berlin(2025, 3, 4, 10, 15))
        services.reply_to_ticket(ticket, body="On it.", actor=alice)
        first = targets(ticket)["periodic_update"]
        clock.move_to(berlin(2025, 3, 4, 12))
        services.reply_to_ticket(ticket, body="Still on it.", actor=alice)

    second = targets(ticket)["periodic_update"]
    assert (first.cycle, first.due_at) == (1, berlin(2025, 3, 4, 14, 15))
    assert (second.cycle, second.due_at) == (2, berlin(2025, 3, 4, 16))


def test_solving_stops_the_resolution_clock_and_reopening_resumes_it(policy, agent, team):
    alice = Actor.for_user(agent)
    with time_machine.travel(berlin(2025, 3, 4, 10), tick=False) as clock:
        ticket = factories.make_ticket(team=team, priority=Priority.URGENT)
        clock.move_to(berlin(2025, 3, 4, 10, 15))
        services.reply_to_ticket(ticket, body="Fixed.", actor=alice, status=Status.SOLVED)
        clock.move_to(berlin(2025, 3, 4, 12))
        solved = targets(ticket)["resolution"]
        clock.move_to(berlin(2025, 3, 5, 10))
        services.reply_to_ticket(
            ticket, body="It is back.", actor=Actor.for_customer(ticket.customer)
        )

    reopened = targets(ticket)["resolution"]
    assert solved.state == "met"
    assert solved.stopped_at == berlin(2025, 3, 4, 10, 15)
    assert solved.explanation.startswith("met 10:15 Tue 4 Mar: ticket solved after 15 min")
    assert reopened.state == "active"
    assert reopened.elapsed == timedelta(minutes=15)
    # 8 h goal, 15 min counted: 7 h 45 min from Wednesday 10:00 ends at 17:45, past
    # closing, so 45 min on Thursday.
    assert reopened.due_at == berlin(2025, 3, 6, 9, 45)
    assert reopened.explanation.endswith(
        "closed 17:00\u201309:00 \u00d72, stopped 7 h 45 min while solved"
    )


def test_changing_the_priority_recomputes_due_times_and_records_why(policy, agent, team):
    with time_machine.travel(berlin(2025, 3, 4, 10), tick=False) as clock:
        ticket = factories.make_ticket(team=team, priority=Priority.NORMAL)
        normal = targets(ticket)["first_response"]
        clock.move_to(berlin(2025, 3, 4, 10, 30))
        services.change_priority(ticket, priority=Priority.URGENT, actor=Actor.for_user(agent))

    urgent = targets(ticket)["first_response"]
    history = [c.message for c in ticket.sla_changes.filter(kind=ChangeKind.RECOMPUTED)]
    assert normal.due_at == berlin(2025, 3, 4, 14)
    assert urgent.due_at == berlin(2025, 3, 4, 11)
    assert history == [
        "priority changed from normal to urgent by Alice Agent: "
        "policy Support applies to urgent priority",
        "first response due 14:00 Tue 4 Mar \u2192 11:00 Tue 4 Mar",
        "resolution due 10:00 Tue 11 Mar \u2192 10:00 Wed 5 Mar",
    ]


def test_a_tag_can_bring_another_policy_into_force(policy, support_hours, agent, team):
    factories.make_sla_policy(
        name="Outage", goals=(("first_response", "urgent", 15),), tags=["outage"]
    )
    with time_machine.travel(berlin(2025, 3, 4, 10), tick=False) as clock:
        ticket = factories.make_ticket(team=team, priority=Priority.URGENT)
        clock.move_to(berlin(2025, 3, 4, 10, 5))
        services.set_tags(ticket, tags=["outage"], actor=Actor.for_user(agent))

    summary = TicketSla.objects.get(ticket=ticket)
    assert summary.policy is not None
    assert summary.policy.name == "Outage"
    assert summary.reason == (
        "tags changed by Alice Agent: policy Outage applies to urgent priority, replacing Support"
    )
    assert set(targets(ticket)) == {"first_response"}
    assert targets(ticket)["first_response"].due_at == berlin(2025, 3, 4, 10, 15)


def test_a_category_or_team_change_brings_a_policy_into_force(policy, other_team, agent, team):
    billing = factories.make_category(name="Billing")
    factories.make_sla_policy(
        name="Billing desk",
        goals=(("first_response", "urgent", 30),),
        category_ids=[billing.pk],
        team_ids=[other_team.pk],
    )
    with time_machine.travel(berlin(2025, 3, 4, 10), tick=False) as clock:
        ticket = factories.make_ticket(team=team, priority=Priority.URGENT)
        clock.move_to(berlin(2025, 3, 4, 10, 5))
        services.set_category(ticket, category=billing, actor=Actor.for_user(agent))
        only_category = TicketSla.objects.get(ticket=ticket).policy
        clock.move_to(berlin(2025, 3, 4, 10, 10))
        services.change_team(ticket, team=other_team, actor=Actor.system())

    summary = TicketSla.objects.get(ticket=ticket)
    assert only_category is not None
    assert only_category.name == "Support"
    assert summary.policy is not None
    assert summary.policy.name == "Billing desk"
    assert targets(ticket)["first_response"].due_at == berlin(2025, 3, 4, 10, 30)


def test_the_first_matching_policy_applies_and_no_sla_is_a_valid_outcome(support_hours, team):
    goal = (("first_response", "normal", 60), ("first_response", "low", 60))
    enterprise = factories.make_organisation(tier=Tier.ENTERPRISE)
    factories.make_sla_policy(name="Enterprise", goals=goal, organisation_tiers=["enterprise"])
    factories.make_sla_policy(name="VIP", goals=goal, position=1, customer_vip=True)
    factories.make_sla_policy(
        name="Chat", goals=goal, position=2, channels=["chat"], team_ids=[team.pk]
    )
    factories.make_sla_policy(name="Retired", goals=goal, position=3, is_active=False)
    factories.make_sla_policy(name="Low: none", goals=(), position=4, priorities=["low"])
    factories.make_sla_policy(name="Everyone else", goals=goal, position=5)

    def policy_of(**ticket):
        made = factories.make_ticket(team=team, **ticket)
        summary = TicketSla.objects.get(ticket=made)
        return summary.policy.name if summary.policy else None, made.sla_targets.count()

    vip = factories.make_customer(is_vip=True)
    at_enterprise = factories.make_customer(organisation=enterprise, is_vip=True)
    assert policy_of(customer=at_enterprise) == ("Enterprise", 1)
    assert policy_of(customer=vip) == ("VIP", 1)
    assert policy_of(channel="chat") == ("Chat", 1)
    assert policy_of(channel="email") == ("Everyone else", 1)
    assert policy_of(priority=Priority.LOW) == ("Low: none", 0)


def test_calendar_time_goals_count_nights_and_weekends(support_hours, team):
    factories.make_sla_policy(
        goals=(("first_response", "urgent", 60),), calendar=support_hours, business_hours=False
    )
    with time_machine.travel(berlin(2025, 3, 7, 16, 45), tick=False):
        ticket = factories.make_ticket(team=team, priority=Priority.URGENT)

    first_response = targets(ticket)["first_response"]
    assert first_response.due_at == berlin(2025, 3, 7, 17, 45)
    assert first_response.explanation.startswith("due 17:45 Fri 7 Mar: 1 h calendar time")


def test_which_statuses_pause_is_configurable(support_hours, agent, team):
    factories.make_sla_policy(
        goals=(("first_response", "urgent", 60),),
        calendar=support_hours,
        pause_statuses=["on_hold"],
    )
    with time_machine.travel(berlin(2025, 3, 4, 10), tick=False) as clock:
        ticket = factories.make_ticket(team=team, priority=Priority.URGENT)
        clock.move_to(berlin(2025, 3, 4, 10, 10))
        services.change_status(ticket, status=Status.PENDING, actor=Actor.for_user(agent))
        pending = targets(ticket)["first_response"]
        services.change_status(ticket, status=Status.ON_HOLD, actor=Actor.for_user(agent))

    assert (pending.state, pending.due_at) == ("active", berlin(2025, 3, 4, 11))
    assert targets(ticket)["first_response"].state == "paused"


def test_public_holidays_move_the_due_time_and_are_named(policy, team):
    with time_machine.travel(berlin(2025, 12, 24, 16, 30), tick=False):
        ticket = factories.make_ticket(team=team, priority=Priority.URGENT)

    first_response = targets(ticket)["first_response"]
    assert first_response.due_at == berlin(2025, 12, 29, 9, 30)
    assert first_response.explanation.endswith(
        "closed 17:00 Wed\u201309:00 Mon (Christmas Day, Second Day of Christmas)"
    )


def test_a_merged_ticket_stops_its_clocks(policy, agent, team):
    with time_machine.travel(berlin(2025, 3, 4, 10), tick=False):
        first = factories.make_ticket(team=team, priority=Priority.URGENT)
        second = factories.make_ticket(team=team, priority=Priority.URGENT)
        services.merge_tickets(second, into=first, actor=Actor.for_user(agent))

    assert {row.state for row in targets(second).values()} == {"met"}
    assert TicketSla.objects.get(ticket=second).next_due_at is None
    assert TicketSla.objects.get(ticket=first).next_due_at == berlin(2025, 3, 4, 11)


def test_a_calendar_closed_for_years_does_not_break_ticket_changes(team):
    closed = [
        {"date": (date(2025, 3, 1) + timedelta(days=n)).isoformat(), "hours": []}
        for n in range(6 * 366)
    ]
    calendar = factories.make_calendar(name="Closed")
    Calendar.objects.filter(pk=calendar.pk).update(special_days=closed)
    factories.make_sla_policy(goals=(("first_response", "normal", 60),), calendar=calendar)

    with time_machine.travel(berlin(2025, 3, 4, 10), tick=False):
        ticket = factories.make_ticket(team=team)

    assert ticket.status == "new"
    assert not SlaTarget.objects.filter(ticket=ticket).exists()


def states(ticket):
    return {
        name: (r.state, r.cycle, r.due_at, r.explanation) for name, r in targets(ticket).items()
    }


def test_customer_replies_filed_in_a_batch_move_the_clocks_as_one_at_a_time(policy, agent, team):
    """Batch imports hand all their events to the SLA handler at once: a reply before any
    agent answer changes nothing, one after an agent answer starts the next-response clock."""
    alice = Actor.for_user(agent)
    with time_machine.travel(berlin(2025, 3, 4, 10), tick=False) as clock:
        waiting = factories.make_ticket(team=team, priority=Priority.URGENT)
        answered = factories.make_ticket(team=team, priority=Priority.URGENT)
        twice = factories.make_ticket(team=team, priority=Priority.URGENT)
        clock.move_to(berlin(2025, 3, 4, 10, 15))
        services.reply_to_ticket(answered, body="Which browser?", actor=alice)
        services.reply_to_ticket(twice, body="Which browser?", actor=alice)
        before = {t.pk: states(t) for t in (waiting, answered, twice)}
        clock.move_to(berlin(2025, 3, 4, 10, 30))
        batch.add_replies(
            [
                batch.NewReply(t, body="Firefox.", actor=Actor.for_customer(t.customer))
                for t in (waiting, answered, twice, twice)
            ]
        )

    assert states(waiting) == before[waiting.pk]
    assert "next_response" not in before[answered.pk]
    for ticket in (answered, twice):
        cycle = targets(ticket)["next_response"]
        assert (cycle.cycle, cycle.state) == (1, "active")
        assert cycle.due_at == berlin(2025, 3, 4, 12, 30)
