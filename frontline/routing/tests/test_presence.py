"""Presence drives offers: online takes the next waiting ticket, offline hands chats back,
freed capacity is offered to the next in line, idle agents turn away."""

from datetime import timedelta

from django.utils import timezone

from frontline.core import presence as heartbeat
from frontline.core.actors import Actor
from frontline.routing import presence
from frontline.routing.models import AgentCapacity, AgentPresence, PresenceStatus, Strategy
from frontline.routing.tests.helpers import assigned, online_agent, routed_team, waiting
from frontline.testing import factories
from frontline.tickets import services
from frontline.tickets.models import Channel, Status, Ticket


def test_an_agent_coming_online_receives_the_oldest_waiting_ticket(
    db, django_capture_on_commit_callbacks
):
    team = routed_team(Strategy.LEAST_LOADED)
    ana = factories.make_agent(teams=(team,), name="Ana")
    AgentCapacity.objects.create(user=ana, channel=Channel.EMAIL, max_concurrent=1)
    newer, older = waiting(team), waiting(team, age=timedelta(minutes=30))

    with django_capture_on_commit_callbacks(execute=True):
        presence.set_presence(ana, status="online", actor=Actor.for_user(ana))

    assert assigned(older) == ana.pk
    assert assigned(newer) is None


def test_solving_a_ticket_offers_the_freed_capacity(db, django_capture_on_commit_callbacks):
    team = routed_team(Strategy.LEAST_LOADED)
    ana = online_agent(team, name="Ana")
    AgentCapacity.objects.create(user=ana, channel=Channel.EMAIL, max_concurrent=1)
    mine = waiting(team)
    Ticket.objects.filter(pk=mine.pk).update(assignee=ana, status=Status.OPEN)
    next_up = waiting(team)

    with django_capture_on_commit_callbacks(execute=True):
        services.change_status(
            Ticket.objects.get(pk=mine.pk), status=Status.PENDING, actor=Actor.for_user(ana)
        )

    assert assigned(next_up) == ana.pk


def test_going_offline_keeps_emails_and_reroutes_chats(db, django_capture_on_commit_callbacks):
    team = routed_team(Strategy.LEAST_LOADED)
    ana, ben = online_agent(team, name="Ana"), online_agent(team, name="Ben")
    AgentCapacity.objects.create(user=ben, channel=Channel.CHAT, max_concurrent=0)
    email, chat = waiting(team), waiting(team, channel=Channel.CHAT)
    Ticket.objects.filter(pk__in=[email.pk, chat.pk]).update(assignee=ana)
    AgentCapacity.objects.filter(user=ben).delete()

    with django_capture_on_commit_callbacks(execute=True):
        presence.set_presence(ana, status="offline", actor=Actor.for_user(ana))

    assert assigned(email) == ana.pk
    assert assigned(chat) == ben.pk


def test_idle_agents_turn_away_but_those_with_a_workspace_open_stay(db, settings):
    settings.ROUTING_IDLE_AWAY_SECONDS = 600
    team = routed_team()
    idle, busy = online_agent(team, name="Ida"), online_agent(team, name="Bo")
    AgentPresence.objects.update(last_seen_at=timezone.now() - timedelta(minutes=11))
    heartbeat.mark_online(busy.pk)

    assert presence.mark_idle_away() == 1
    assert AgentPresence.objects.get(user=idle).status == PresenceStatus.AWAY
    assert AgentPresence.objects.get(user=busy).status == PresenceStatus.ONLINE


def test_outside_their_shift_an_online_agent_is_not_routed_to(db):
    team = routed_team()
    ana = online_agent(team, name="Ana")
    never = factories.make_calendar(name="Closed")
    never.weekly_hours = {}
    never.save()
    AgentPresence.objects.filter(user=ana).update(shift_calendar=never)
    ticket = waiting(team)

    from frontline.routing import engine

    engine.route_ticket(ticket.pk)
    assert assigned(ticket) is None


def test_a_ticket_moved_to_another_team_without_an_owner_is_routed_there(
    db, django_capture_on_commit_callbacks
):
    first, second = routed_team(Strategy.LEAST_LOADED), routed_team(Strategy.LEAST_LOADED)
    ana, cy = online_agent(first, name="Ana"), online_agent(second, name="Cy")
    ticket = waiting(first)
    Ticket.objects.filter(pk=ticket.pk).update(assignee=ana)
    changes = services.TicketChanges(team=second, unassign=True)

    with django_capture_on_commit_callbacks(execute=True):
        services.update_ticket(
            Ticket.objects.get(pk=ticket.pk), changes=changes, actor=Actor.system()
        )

    assert assigned(ticket) == cy.pk


def test_the_sweep_routes_what_waited(db):
    team = routed_team(Strategy.LEAST_LOADED)
    ticket = waiting(team)
    ana = online_agent(team, name="Ana")

    from frontline.routing import engine

    assert engine.sweep() == 1
    assert assigned(ticket) == ana.pk
