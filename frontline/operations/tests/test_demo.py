from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from frontline import demo
from frontline.accounts.models import Role, Site, Team, TeamMembership, User
from frontline.core.actors import Actor
from frontline.customers.models import Customer, Organisation
from frontline.demo.compliance import sla_figures
from frontline.demo.rows import History, StaffAccess, TicketRow, Who
from frontline.testing import factories
from frontline.tickets import services
from frontline.tickets.models import (
    UNSOLVED_STATUSES,
    Channel,
    Message,
    Priority,
    Status,
    Ticket,
    TicketEvent,
)

NOW = datetime(2026, 3, 2, 15, 30, tzinfo=UTC)
MESSAGE_KEYS = {
    "message_id",
    "kind",
    "direction",
    "author_type",
    "channel",
    "is_automatic",
    "attachments",
}


def _generated():
    """The generator's tickets: the apps' demos add a few live SMS and social conversations
    of their own (channels/webhooks/demo.py)."""
    return Ticket.objects.exclude(channel__in=(Channel.SMS, Channel.SOCIAL))


def _snapshot():
    return list(
        Ticket.objects.order_by("number").values_list(
            "number", "subject", "status", "priority", "channel", "message_count", "updated_at"
        )
    )


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_demo():
    demo.create_demo_data(seed=3, tickets=300, now=NOW)
    first = _snapshot()
    demo.reset_demo_data()
    demo.create_demo_data(seed=3, tickets=300, now=NOW)

    assert _snapshot() == first
    assert _generated().count() == 300


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_subjects_whenever_it_runs():
    demo.create_demo_data(seed=5, tickets=200, now=NOW)
    first = sorted(Ticket.objects.values_list("subject", flat=True))
    demo.reset_demo_data()
    demo.create_demo_data(seed=5, tickets=200, now=NOW + timedelta(days=3, hours=7))

    assert sorted(Ticket.objects.values_list("subject", flat=True)) == first


@pytest.mark.django_db
def test_a_small_demo_has_the_whole_organisation():
    summary = demo.create_demo_data(tickets=300, now=NOW)

    assert summary.tickets == _generated().count() == 300
    assert Site.objects.count() == 3
    assert Team.objects.count() == 6
    assert Organisation.objects.count() == 40
    assert Customer.objects.count() == 600
    roles = Counter(User.objects.exclude(role=Role.CUSTOMER).values_list("role", flat=True))
    assert roles == {
        Role.ASSOCIATE: 10,
        Role.ENGINEER: 5,
        Role.SUPERVISOR: 3,
        Role.ACCOUNT_MANAGER: 2,
        Role.ROTATION: 2,
        Role.ANALYST: 1,
        Role.HEAD_OF_SUPPORT: 1,
        Role.ADMIN: 1,
    }
    numbers = sorted(_generated().values_list("number", flat=True))
    assert numbers == list(range(10001, 10301))


@pytest.mark.django_db
def test_new_tickets_continue_the_numbers():
    demo.create_demo_data(tickets=120, now=NOW)
    conversations = Ticket.objects.count() - 120

    assert factories.make_ticket().number == 10121 + conversations


@pytest.mark.django_db
def test_demo_logins_sign_in_and_the_portal_customer_has_tickets():
    demo.create_demo_data(tickets=300, now=NOW)

    for email, password, _ in demo.DEMO_LOGINS:
        assert authenticate(email=email, password=password) is not None, email
    customer = User.objects.get(email="customer@example.com").customer
    assert customer.tickets.count() >= 6
    assert User.objects.get(email="admin@frontline.test").is_superuser


def _events_by_ticket():
    grouped = defaultdict(list)
    for event in TicketEvent.objects.order_by("created_at", "id"):
        grouped[event.ticket_id].append(event)
    return grouped


def _last(events, kind, initial):
    values = [e.data["to"] for e in events if e.type == kind]
    return values[-1] if values else initial


@pytest.mark.django_db
def test_every_ticket_ends_where_its_events_say():
    demo.create_demo_data(tickets=400, now=NOW)
    events = _events_by_ticket()
    org_of = dict(Customer.objects.values_list("pk", "organisation_id"))

    for ticket in Ticket.objects.prefetch_related("tags"):
        story = events[ticket.pk]
        created = story[0]
        assert created.type == "created"
        assert created.created_at == ticket.created_at
        assert ticket.updated_at == max(e.created_at for e in story)
        assert ticket.status == _last(story, "status_changed", "new")
        assert ticket.assignee_id == _last(story, "assigned", None)
        assert ticket.team_id == _last(story, "team_changed", created.data["team_id"])
        assert ticket.priority == _last(story, "priority_changed", created.data["priority"])
        assert ticket.organisation_id == org_of[ticket.customer_id]
        tags: set[str] = set()
        for event in story:
            if event.type == "tags_changed":
                tags = (tags | set(event.data["added"])) - set(event.data["removed"])
        assert {t.name for t in ticket.tags.all()} == tags


@pytest.mark.django_db
def test_messages_counts_and_times_agree_with_the_events():
    demo.create_demo_data(tickets=400, now=NOW)
    events = _events_by_ticket()
    messages = {m.pk: m for m in Message.objects.all()}
    on_ticket = Counter(m.ticket_id for m in messages.values())
    members = set(TeamMembership.objects.values_list("user_id", "team_id"))

    for ticket in Ticket.objects.all():
        story = events[ticket.pk]
        added = [e for e in story if e.type == "message_added"]
        merges = [e for e in story if e.type in ("merged", "merge_received")]
        assert ticket.message_count == on_ticket[ticket.pk]
        if not merges:
            assert len(added) == ticket.message_count
        assert ticket.last_message_at == added[-1].created_at
        for event in added:
            assert set(event.data) == MESSAGE_KEYS
            assert messages[event.data["message_id"]].created_at == event.created_at
        for moment in [e.created_at for e in story]:
            assert ticket.created_at <= moment <= ticket.updated_at
        solves = [
            e.created_at for e in story if e.type == "status_changed" and e.data["to"] == "solved"
        ]
        if ticket.status in ("solved", "closed") and solves:
            assert ticket.solved_at == solves[-1]
        else:
            assert ticket.solved_at is None
        if ticket.assignee_id is not None:
            assert (ticket.assignee_id, ticket.team_id) in members
        elif ticket.merged_into_id is None:
            assert ticket.status == "new"


@pytest.mark.django_db
def test_the_demo_has_incidents_merges_and_every_state():
    demo.create_demo_data(tickets=2000, days=60, now=NOW)

    assert Ticket.objects.filter(children__isnull=False).distinct().count() >= 1
    assert Ticket.objects.filter(parent__isnull=False).count() >= 5
    assert Ticket.objects.filter(merged_into__isnull=False).count() >= 5
    statuses = set(Ticket.objects.values_list("status", flat=True))
    assert statuses == {s.value for s in Status}
    channels = Counter(Ticket.objects.values_list("channel", flat=True))
    assert channels.most_common(1)[0][0] == "email"
    assert Ticket.objects.filter(priority=Priority.URGENT).count() < 2000 * 0.06


@pytest.mark.django_db
def test_the_demo_team_mostly_keeps_its_slas():
    demo.create_demo_data(tickets=1500, now=NOW)

    figures = sla_figures(now=NOW)

    assert figures.met_share >= 0.85
    assert figures.met + figures.missed >= 2 * 1400  # first response and resolution
    assert figures.open_tickets >= 20
    assert figures.open_breached <= max(5, figures.open_tickets // 20)
    assert figures.worst_overdue <= timedelta(days=1)


@pytest.mark.django_db
def test_the_open_work_is_recent_and_the_solved_history_spans_the_quarter():
    demo.create_demo_data(tickets=1500, now=NOW)

    unsolved = Ticket.objects.filter(status__in=UNSOLVED_STATUSES)
    assert not unsolved.filter(created_at__lt=NOW - timedelta(days=7)).exists()
    waiting_on_us = unsolved.filter(status__in=(Status.NEW, Status.OPEN))
    assert not waiting_on_us.filter(created_at__lt=NOW - timedelta(days=3)).exists()
    solved = Ticket.objects.filter(status__in=(Status.SOLVED, Status.CLOSED))
    oldest = solved.order_by("created_at").values_list("created_at", flat=True)[0]
    assert oldest < NOW - timedelta(days=85)
    assert solved.filter(created_at__gt=NOW - timedelta(days=7)).exists()


@pytest.mark.django_db
def test_demo_command_reports_the_sla_record_when_asked(capsys):
    call_command("demo", "--tickets", "200", "--sla")

    out = capsys.readouterr().out
    assert "first-response and resolution targets met" in out
    assert "due within the hour" in out


@pytest.mark.django_db
def test_demo_command_refuses_to_mix_with_existing_data():
    call_command("demo", "--tickets", "50")

    with pytest.raises(CommandError, match="--reset"):
        call_command("demo", "--tickets", "50")
    assert _generated().count() == 50


@pytest.mark.django_db
def test_demo_command_reset_replaces_everything_but_other_superusers(agent, admin_user):
    factories.make_ticket(subject="A real ticket")

    call_command("demo", "--reset", "--tickets", "60", "--seed", "2")

    assert _generated().count() == 60
    assert not Ticket.objects.filter(subject="A real ticket").exists()
    assert not User.objects.filter(pk=agent.pk).exists()
    assert User.objects.filter(pk=admin_user.pk, is_superuser=True).exists()


def _play_with_services(team, other_team, agent, supervisor, customer):
    as_agent, as_customer = Actor.for_user(agent), Actor.for_customer(customer)
    ticket = services.open_ticket(
        customer=customer,
        subject="Refund",
        body="Please refund.",
        actor=as_customer,
        team=team,
        tags=("refund",),
    )
    services.assign_ticket(ticket, assignee=agent, actor=as_agent)
    services.change_priority(ticket, priority=Priority.HIGH, actor=as_agent)
    services.reply_to_ticket(ticket, body="Which card?", actor=as_agent, status=Status.PENDING)
    services.reply_to_ticket(ticket, body="Visa.", actor=as_customer)
    services.reply_to_ticket(ticket, body="Refunded.", actor=as_agent, status=Status.SOLVED)
    services.reply_to_ticket(ticket, body="Not yet there.", actor=as_customer)
    services.add_note(ticket, body="Checking.", actor=as_agent)
    services.set_tags(ticket, tags=["refund", "reopened"], actor=as_agent)
    services.change_team(ticket, team=other_team, actor=as_agent)
    again = services.open_ticket(
        customer=customer, subject="Refund", body="Again.", actor=as_customer, team=other_team
    )
    services.merge_tickets(again, into=ticket, actor=Actor.for_user(supervisor))
    return ticket, again


def _play_with_history(history, real, real_again, team, other_team, agent, supervisor, customer):
    at = real.created_at
    ticket = TicketRow(
        real.pk, real.number, "Refund", customer.pk, None, "portal", at, team_id=team.pk
    )
    again = TicketRow(
        real_again.pk,
        real_again.number,
        "Refund",
        customer.pk,
        None,
        "portal",
        at,
        team_id=other_team.pk,
    )
    as_agent, as_customer = Who.agent(agent.pk), Who.customer(customer.pk)
    history.open(ticket, body="Please refund.", actor=as_customer, tags=["refund"])
    history.assign(ticket, assignee=agent.pk, actor=as_agent, at=at)
    history.change_priority(ticket, priority="high", actor=as_agent, at=at)
    history.reply(ticket, body="Which card?", actor=as_agent, at=at, status=Status.PENDING)
    history.reply(ticket, body="Visa.", actor=as_customer, at=at)
    history.reply(ticket, body="Refunded.", actor=as_agent, at=at, status=Status.SOLVED)
    history.reply(ticket, body="Not yet there.", actor=as_customer, at=at)
    history.note(ticket, body="Checking.", actor=as_agent, at=at)
    history.set_tags(ticket, tags=["refund", "reopened"], actor=as_agent, at=at)
    history.change_team(ticket, team=other_team.pk, actor=as_agent, at=at)
    history.open(again, body="Again.", actor=as_customer)
    history.merge(again, into=ticket, actor=Who.agent(supervisor.pk), at=at)
    return ticket, again


def _story(events):
    return [(e.type, e.actor_type, e.actor_user_id, e.actor_customer_id, e.data) for e in events]


@pytest.mark.django_db
def test_history_writes_what_the_services_write(team, other_team, agent, supervisor, customer):
    real, real_again = _play_with_services(team, other_team, agent, supervisor, customer)
    access = {
        agent.pk: StaffAccess(teams=frozenset({team.pk})),
        supervisor.pk: StaffAccess(teams=frozenset(), sees_all=True),
    }
    history = History(access)
    ticket, again = _play_with_history(
        history, real, real_again, team, other_team, agent, supervisor, customer
    )
    first_message = Message.objects.order_by("pk").values_list("pk", flat=True)[0]
    first_event = TicketEvent.objects.order_by("pk").values_list("pk", flat=True)[0]
    history.number(first_message_id=first_message, first_event_id=first_event)
    expected = TicketEvent.objects.order_by("pk")

    assert [
        (e.type, e.actor.kind, e.actor.user_id, e.actor.customer_id, e.data) for e in history.events
    ] == _story(expected)
    real.refresh_from_db()
    for field in (
        "status",
        "priority",
        "assignee_id",
        "team_id",
        "message_count",
        "merged_into_id",
    ):
        assert getattr(ticket, field) == getattr(real, field), field
    assert set(ticket.tags) == set(real.tags.values_list("name", flat=True))
    real_again.refresh_from_db()
    assert (again.status, again.message_count) == (real_again.status, real_again.message_count)
