"""Time-based rules fire once per ticket per condition window, through the ticket services."""

import importlib
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps

from frontline.accounts import queries as account_queries
from frontline.accounts.models import NotificationKind
from frontline.automation import services
from frontline.automation.models import TimeRule, TimeRuleRun
from frontline.core.actors import Actor
from frontline.core.errors import ValidationFailed
from frontline.sla import services as sla_services
from frontline.sla.models import SlaNotification
from frontline.testing import factories
from frontline.tickets import services as ticket_services
from frontline.tickets.models import Priority, Status, Ticket

BERLIN = ZoneInfo("Europe/Berlin")
CLOSE = ({"type": "set_status", "status": "closed"},)
REMIND = ({"type": "remind_customer", "body": "Still there, {customer}? ({ticket})"},)


def berlin(year, month, day, hour=0, minute=0, second=0):
    return datetime(year, month, day, hour, minute, second, tzinfo=BERLIN)


def run_at(*moment):
    with time_machine.travel(berlin(*moment), tick=False):
        return services.run_time_rules().fired


def status_of(ticket):
    return Ticket.objects.get(pk=ticket.pk).status


def test_solved_tickets_close_after_four_days_once(agent, team):
    factories.make_time_rule(statuses=("solved",), amount=4, actions=CLOSE)
    with time_machine.travel(berlin(2025, 3, 4, 10), tick=False):
        ticket = factories.make_ticket(team=team)
        ticket_services.change_status(ticket, status=Status.SOLVED, actor=Actor.for_user(agent))

    early = run_at(2025, 3, 8, 9, 59)
    on_time = run_at(2025, 3, 8, 10, 1)
    again = run_at(2025, 3, 9, 10)

    assert (early, on_time, again) == (0, 1, 0)
    assert status_of(ticket) == "closed"
    closing = ticket.events.filter(type="status_changed").latest("id")
    assert (closing.actor_type, closing.data) == ("system", {"from": "solved", "to": "closed"})


def test_pending_tickets_get_a_reminder_after_three_business_days(support_hours, agent, team):
    factories.make_time_rule(
        statuses=("pending",),
        amount=3,
        unit="business_days",
        actions=REMIND,
        calendar_id=support_hours.pk,
    )
    with time_machine.travel(berlin(2025, 3, 7, 15), tick=False):
        ticket = factories.make_ticket(team=team)
        ticket_services.reply_to_ticket(
            ticket,
            body="Can you send a screenshot?",
            actor=Actor.for_user(agent),
            status=Status.PENDING,
        )

    fired = [run_at(2025, 3, 11, 15), run_at(2025, 3, 12, 15, 1), run_at(2025, 3, 13, 15)]

    reminder = ticket.messages.latest("id")
    assert fired == [0, 1, 0]
    assert reminder.body_text == f"Still there, {ticket.customer.name}? (#{ticket.number})"
    assert (reminder.author_type, reminder.is_automatic, reminder.kind) == ("system", True, "reply")
    assert status_of(ticket) == "pending"


def test_a_new_window_can_fire_again(agent, team):
    factories.make_time_rule(statuses=("pending",), amount=2, actions=REMIND)
    alice = Actor.for_user(agent)
    with time_machine.travel(berlin(2025, 3, 3, 10), tick=False) as clock:
        ticket = factories.make_ticket(team=team)
        ticket_services.change_status(ticket, status=Status.PENDING, actor=alice)
        clock.move_to(berlin(2025, 3, 5, 11))
        services.run_time_rules()
        clock.move_to(berlin(2025, 3, 6, 10))
        ticket_services.reply_to_ticket(
            ticket, body="Here.", actor=Actor.for_customer(ticket.customer)
        )
        ticket_services.change_status(ticket, status=Status.PENDING, actor=alice)
        clock.move_to(berlin(2025, 3, 8, 11))
        services.run_time_rules()

    assert TimeRuleRun.objects.filter(ticket=ticket).count() == 2


def test_a_ticket_that_left_the_condition_does_not_fire(agent, team):
    rule = factories.make_time_rule(statuses=("pending",), amount=1, actions=REMIND)
    with time_machine.travel(berlin(2025, 3, 3, 10), tick=False) as clock:
        ticket = factories.make_ticket(team=team)
        ticket_services.change_status(ticket, status=Status.PENDING, actor=Actor.for_user(agent))
        clock.move_to(berlin(2025, 3, 5, 10))
        ticket_services.change_status(ticket, status=Status.OPEN, actor=Actor.for_user(agent))
        fired = services.fire(rule, ticket.pk, now=berlin(2025, 3, 5, 10))

    assert fired is False
    assert not TimeRuleRun.objects.exists()


def test_a_window_is_claimed_so_two_workers_fire_it_once(agent, team):
    rule = factories.make_time_rule(statuses=("solved",), amount=1, actions=CLOSE)
    with time_machine.travel(berlin(2025, 3, 3, 10), tick=False):
        ticket = factories.make_ticket(team=team)
        ticket_services.change_status(ticket, status=Status.SOLVED, actor=Actor.for_user(agent))
    rule_twin = TimeRule.objects.get(pk=rule.pk)

    with time_machine.travel(berlin(2025, 3, 5, 10), tick=False):
        first = services.fire(rule, ticket.pk, now=berlin(2025, 3, 5, 10))
        # The second worker read the same candidate before the first committed.
        second = services.fire(rule_twin, ticket.pk, now=berlin(2025, 3, 5, 10))

    assert (first, second) == (True, False)


def test_conditions_on_priority_team_and_tags_narrow_a_rule(agent, team, other_team):
    factories.make_time_rule(
        statuses=("open",),
        amount=1,
        unit="hours",
        since="created",
        priorities=["urgent"],
        team_ids=[team.pk],
        tags=["vip"],
        actions=({"type": "add_tag", "tag": "stale"},),
    )
    with time_machine.travel(berlin(2025, 3, 3, 10), tick=False):
        matching = factories.make_ticket(team=team, priority=Priority.URGENT, tags=("vip",))
        other_team_ticket = factories.make_ticket(
            team=other_team, priority=Priority.URGENT, tags=("vip",)
        )
        normal = factories.make_ticket(team=team, tags=("vip",))
        untagged = factories.make_ticket(team=team, priority=Priority.URGENT)
        for ticket in (matching, other_team_ticket, normal, untagged):
            ticket_services.change_status(ticket, status=Status.OPEN, actor=Actor.system())

    run_at(2025, 3, 3, 11, 1)

    stale = Ticket.objects.filter(tags__name="stale")
    assert list(stale) == [matching]


def test_notify_reaches_the_assignee_in_their_working_hours(support_hours, agent, team):
    factories.make_time_rule(
        name="Waiting on us",
        statuses=("open",),
        amount=2,
        unit="hours",
        actions=({"type": "notify", "recipients": ["assignee"]},),
    )
    with time_machine.travel(berlin(2025, 3, 3, 10), tick=False):
        ticket = factories.make_ticket(team=team)
        ticket_services.assign_ticket(ticket, assignee=agent, actor=Actor.for_user(agent))
        ticket_services.change_status(ticket, status=Status.OPEN, actor=Actor.for_user(agent))

    run_at(2025, 3, 3, 12, 1)
    with time_machine.travel(berlin(2025, 3, 3, 12, 2), tick=False):
        delivered = sla_services.deliver_notifications()

    notification = SlaNotification.objects.get(recipient=agent)
    assert (notification.kind, notification.message) == ("automation", "Waiting on us")
    assert delivered == 1
    shown = account_queries.notifications_for(agent).get()
    assert (shown.kind, shown.title) == (
        NotificationKind.AUTOMATION,
        f"Automation: Waiting on us on #{ticket.number} {ticket.subject}",
    )


def test_a_failing_action_does_not_stop_the_others(agent, team):
    factories.make_time_rule(
        statuses=("open",),
        amount=1,
        unit="hours",
        since="created",
        actions=(
            {"type": "set_status", "status": "closed"},
            {"type": "add_tag", "tag": "checked"},
        ),
    )
    with time_machine.travel(berlin(2025, 3, 3, 10), tick=False):
        ticket = factories.make_ticket(team=team)
        ticket_services.change_status(ticket, status=Status.OPEN, actor=Actor.for_user(agent))

    run_at(2025, 3, 3, 11, 1)

    run = TimeRuleRun.objects.get(ticket=ticket)
    assert run.outcome == ("set_status failed: A open ticket cannot become closed.; tagged checked")
    assert list(ticket.tags.values_list("name", flat=True)) == ["checked"]


def test_inactive_rules_do_nothing(agent, team):
    factories.make_time_rule(
        statuses=("new",), amount=1, unit="hours", since="created", actions=CLOSE, is_active=False
    )
    with time_machine.travel(berlin(2025, 3, 3, 10), tick=False):
        factories.make_ticket(team=team)

    assert run_at(2025, 3, 4, 10) == 0


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"statuses": []}, "statuses"),
        ({"statuses": ["limbo"]}, "statuses.0"),
        ({"actions": []}, "actions"),
        ({"actions": [{"type": "set_status", "status": "new"}]}, "actions.0.set_status.status"),
        ({"amount": 0}, "amount"),
        ({"unit": "fortnights"}, "unit"),
    ],
)
def test_rule_input_is_checked(db, fields, field):
    base = {"name": "R", "statuses": ["pending"], "amount": 1, "actions": list(REMIND)}

    with pytest.raises(ValidationFailed) as refused:
        services.create_rule(fields=services.RuleFields(**{**base, **fields}), actor=Actor.system())

    assert refused.value.field == field


def test_a_fresh_install_closes_solved_tickets_after_four_days(db):
    migration = importlib.import_module("frontline.automation.migrations.0002_add_default_rules")

    migration.add_rules(apps, None)

    rules = {r.name: r for r in TimeRule.objects.all()}
    close = rules["Close solved tickets after 4 days"]
    remind = rules["Remind the customer after 3 business days pending"]
    assert (close.is_active, close.statuses, close.amount, close.unit) == (
        True,
        ["solved"],
        4,
        "days",
    )
    assert (remind.is_active, remind.unit) == (False, "business_days")


def test_the_run_is_bounded_and_says_there_is_more(agent, team):
    factories.make_time_rule(
        statuses=("new",),
        amount=1,
        unit="hours",
        since="created",
        actions=({"type": "add_tag", "tag": "old"},),
    )
    with time_machine.travel(berlin(2025, 3, 3, 10), tick=False):
        for _ in range(3):
            factories.make_ticket(team=team)

    with time_machine.travel(berlin(2025, 3, 3, 12), tick=False):
        first = services.run_time_rules(limit=2)
        second = services.run_time_rules(limit=2)

    assert (first.fired, first.more) == (2, True)
    assert (second.fired, second.more) == (1, False)


def test_days_are_real_days_across_a_dst_change(agent, team):
    factories.make_time_rule(statuses=("solved",), amount=1, actions=CLOSE)
    with time_machine.travel(berlin(2025, 3, 29, 12), tick=False):
        ticket = factories.make_ticket(team=team)
        ticket_services.change_status(ticket, status=Status.SOLVED, actor=Actor.for_user(agent))

    # 24 hours after Saturday 12:00 CET is Sunday 13:00 CEST.
    assert run_at(2025, 3, 30, 12, 59) == 0
    assert run_at(2025, 3, 30, 13, 0) == 1
