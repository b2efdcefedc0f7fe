"""Channel defaults, weights in the shared load score, and their validation."""

import pytest
from django.test import Client

from frontline.core.actors import Actor
from frontline.core.errors import PermissionDenied, ValidationFailed
from frontline.routing import engine, services
from frontline.routing.models import ChannelCapacity, Strategy
from frontline.routing.tests.helpers import assigned, online_agent, routed_team, waiting
from frontline.tickets.models import Channel, Ticket


def test_weights_make_a_chat_count_more_than_an_email(db, supervisor):
    services.save_channel_capacity(
        team=None,
        channel=Channel.CHAT,
        max_concurrent=3,
        weight=3,
        actor=Actor.for_user(supervisor),
    )
    team = routed_team(Strategy.LEAST_LOADED)
    chatty, mailer = online_agent(team, name="Chatty"), online_agent(team, name="Mailer")
    Ticket.objects.filter(pk=waiting(team, channel=Channel.CHAT).pk).update(assignee=chatty)
    Ticket.objects.filter(pk__in=[waiting(team).pk, waiting(team).pk]).update(assignee=mailer)
    ticket = waiting(team)

    engine.route_ticket(ticket.pk)

    assert assigned(ticket) == mailer.pk


def test_a_team_default_overrides_the_global_one(db, supervisor):
    team = routed_team(Strategy.LEAST_LOADED)
    actor = Actor.for_user(supervisor)
    services.save_channel_capacity(
        team=None, channel="email", max_concurrent=5, weight=1, actor=actor
    )
    services.save_channel_capacity(
        team=team, channel="email", max_concurrent=1, weight=1, actor=actor
    )
    ana = online_agent(team, name="Ana")
    Ticket.objects.filter(pk=waiting(team).pk).update(assignee=ana)
    ticket = waiting(team)

    engine.route_ticket(ticket.pk)

    assert assigned(ticket) is None


def test_channel_defaults_are_validated_and_for_supervisors(db, supervisor, agent):
    with pytest.raises(ValidationFailed) as error:
        services.save_channel_capacity(
            team=None,
            channel="email",
            max_concurrent=900,
            weight=1,
            actor=Actor.for_user(supervisor),
        )
    assert error.value.field == "max_concurrent"
    with pytest.raises(PermissionDenied):
        services.save_channel_capacity(
            team=None, channel="email", max_concurrent=3, weight=1, actor=Actor.for_user(agent)
        )
    assert not ChannelCapacity.objects.exists()


def test_the_admin_writes_channel_defaults_through_the_service(db, admin_user):
    client = Client()
    client.force_login(admin_user)

    response = client.post(
        "/admin/routing/channelcapacity/add/",
        {"channel": "chat", "max_concurrent": "2", "weight": "3"},
    )

    assert response.status_code == 302
    assert ChannelCapacity.objects.get().max_concurrent == 2
