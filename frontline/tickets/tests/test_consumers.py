"""Live updates over WebSocket, through the real ASGI application (session cookie, origin
check, routing), with Channels' WebsocketCommunicator."""

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.auth import AuthMiddlewareStack
from channels.layers import channel_layers, get_channel_layer
from channels.routing import URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.db import transaction
from django.test import Client

from frontline.asgi import application
from frontline.core.actors import Actor
from frontline.testing import factories
from frontline.testing.websockets import WebsocketCommunicator
from frontline.tickets import services
from frontline.tickets.models import Priority
from frontline.ws_urls import websocket_urlpatterns

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _empty_layer():
    async_to_sync(get_channel_layer().flush)()


def cookie_of(user):
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def socket(path, user=None, origin="http://testserver"):
    headers = [(b"host", b"testserver"), (b"origin", origin.encode())]
    if user is not None:
        headers.append((b"cookie", f"sessionid={cookie_of(user)}".encode()))
    return WebsocketCommunicator(application, path, headers=headers)


def run(scenario):
    async_to_sync(scenario)()


def test_anonymous_visitors_and_customers_get_no_workspace_socket(customer):
    sockets = [socket("/ws/workspace/", user) for user in (None, customer.user)]

    async def scenario():
        for refused in sockets:
            assert await refused.connect() == (False, 4403)

    run(scenario)


def test_a_socket_from_another_site_is_refused(agent, settings):
    settings.ALLOWED_HOSTS = ["frontline.example"]
    # The validator reads ALLOWED_HOSTS when the application is built, as at start-up.
    guarded = AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))
    cookie = f"sessionid={cookie_of(agent)}".encode()

    def attempt(origin):
        headers = [(b"host", b"frontline.example"), (b"origin", origin), (b"cookie", cookie)]
        return WebsocketCommunicator(guarded, "/ws/workspace/", headers=headers)

    foreign, own = attempt(b"https://evil.example"), attempt(b"https://frontline.example")

    async def scenario():
        assert not (await foreign.connect())[0]
        assert (await own.connect())[0]
        await own.disconnect()

    run(scenario)


def test_the_inbox_hears_of_changes_to_its_teams_tickets(agent, outsider, team):
    ticket = factories.make_ticket(team=team)
    mine, theirs = socket("/ws/workspace/", agent), socket("/ws/workspace/", outsider)

    async def scenario():
        assert (await mine.connect())[0]
        assert (await theirs.connect())[0]
        await sync_to_async(services.change_priority)(
            ticket, priority=Priority.HIGH, actor=Actor.for_user(agent)
        )
        notice = await mine.receive_json_from(timeout=2)
        assert notice == {
            "type": "ticket.changed",
            "ticket_id": ticket.pk,
            "number": ticket.number,
            "event": "priority_changed",
            "event_id": notice["event_id"],
            "actor_id": agent.pk,
            "internal": True,
        }
        assert await theirs.receive_nothing(timeout=0.3)
        await mine.disconnect()
        await theirs.disconnect()

    run(scenario)


def test_the_new_assignee_hears_of_the_ticket_and_is_notified(agent, outsider, supervisor, team):
    ticket = factories.make_ticket(team=team)
    theirs = socket("/ws/workspace/", outsider)
    changes = services.TicketChanges(team=outsider.teams.get(), assignee=outsider)

    async def scenario():
        assert (await theirs.connect())[0]
        await sync_to_async(services.update_ticket)(
            ticket, changes=changes, actor=Actor.for_user(supervisor)
        )
        received = [await theirs.receive_json_from(timeout=2) for _ in range(3)]
        assert {m["type"] for m in received} == {"ticket.changed", "notification"}
        await theirs.disconnect()

    run(scenario)


def test_only_people_who_see_a_ticket_may_follow_it(
    agent, outsider, customer, other_customer, team
):
    ticket = factories.make_ticket(team=team, customer=customer)
    path = f"/ws/tickets/{ticket.pk}/"
    refused = [socket(path, user) for user in (None, outsider, other_customer.user)]
    refused.append(socket("/ws/tickets/999999/", agent))
    allowed = [socket(path, user) for user in (agent, customer.user)]

    async def scenario():
        for communicator in refused:
            assert await communicator.connect() == (False, 4403)
        for follower in allowed:
            assert (await follower.connect())[0]
            await follower.disconnect()

    run(scenario)


def test_agents_on_a_ticket_see_who_else_is_viewing_and_typing(agent, teammate, team):
    ticket = factories.make_ticket(team=team)
    path = f"/ws/tickets/{ticket.pk}/"
    alice, tom = socket(path, agent), socket(path, teammate)

    async def scenario():
        assert (await alice.connect())[0]
        assert (await tom.connect())[0]
        joined = await alice.receive_json_from(timeout=2)
        assert joined == {"type": "presence", "state": "joined", "user_id": teammate.pk,
                          "name": "Tom Teammate"}  # fmt: skip
        already_here = await tom.receive_json_from(timeout=2)
        assert (already_here["state"], already_here["name"]) == ("viewing", "Alice Agent")
        await tom.send_json_to({"type": "typing"})
        typing = await alice.receive_json_from(timeout=2)
        assert (typing["state"], typing["user_id"]) == ("typing", teammate.pk)
        await tom.disconnect()
        left = await alice.receive_json_from(timeout=2)
        assert left["state"] == "left"
        await alice.disconnect()

    run(scenario)


def test_the_customer_hears_of_replies_but_not_of_internal_notes(agent, customer, team):
    ticket = factories.make_ticket(team=team, customer=customer)
    follower = socket(f"/ws/tickets/{ticket.pk}/", customer.user)
    actor = Actor.for_user(agent)

    async def scenario():
        assert (await follower.connect())[0]
        await sync_to_async(services.add_note)(ticket, body="Internal only", actor=actor)
        assert await follower.receive_nothing(timeout=0.3)
        await sync_to_async(services.reply_to_ticket)(ticket, body="Hello", actor=actor)
        notices = [await follower.receive_json_from(timeout=2) for _ in range(2)]
        assert [n["event"] for n in notices] == ["message_added", "status_changed"]
        assert not any(n["internal"] for n in notices)
        await follower.send_json_to({"type": "typing"})
        assert await follower.receive_nothing(timeout=0.3)
        await follower.disconnect()

    run(scenario)


def test_live_updates_travel_through_redis(agent, team, redis_url, settings):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [redis_url], "prefix": "frontline-test"},
        }
    }
    channel_layers.backends.clear()
    ticket = factories.make_ticket(team=team)
    follower = socket("/ws/workspace/", agent)

    async def scenario():
        assert (await follower.connect())[0]
        await sync_to_async(services.change_priority)(
            ticket, priority=Priority.URGENT, actor=Actor.for_user(agent)
        )
        notice = await follower.receive_json_from(timeout=3)
        assert (notice["ticket_id"], notice["event"]) == (ticket.pk, "priority_changed")
        await follower.disconnect()

    try:
        run(scenario)
    finally:
        channel_layers.backends.clear()


def test_a_bulk_change_reaches_the_inbox_once_per_ticket_after_commit(agent, team):
    tickets = [factories.make_ticket(team=team) for _ in range(3)]
    inbox = socket("/ws/workspace/", agent)
    actor = Actor.for_user(agent)

    def change_all_then_fail_one_more():
        with transaction.atomic():
            for ticket in tickets:
                services.change_priority(ticket, priority=Priority.HIGH, actor=actor)
        try:
            with transaction.atomic():
                services.change_priority(tickets[0], priority=Priority.LOW, actor=actor)
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass

    async def scenario():
        assert (await inbox.connect())[0]
        await sync_to_async(change_all_then_fail_one_more)()
        notices = [await inbox.receive_json_from(timeout=2) for _ in tickets]
        assert sorted(n["ticket_id"] for n in notices) == sorted(t.pk for t in tickets)
        # The rolled-back change never happened, so nobody hears of it.
        assert await inbox.receive_nothing(timeout=0.3)
        await inbox.disconnect()

    run(scenario)
