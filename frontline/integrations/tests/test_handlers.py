"""Ticket events become deliveries: written with the change, sent only after it commits,
never in the way of the change, and free when nobody listens."""

import pytest
from django.db import transaction

from frontline.core.actors import Actor
from frontline.integrations import handlers, webhooks
from frontline.integrations.models import DeliveryStatus, WebhookDelivery
from frontline.testing import factories
from frontline.testing.http_server import LocalHttpServer
from frontline.tickets import services
from frontline.tickets.models import Priority, Status, Ticket


def _event(ticket):
    return ticket.events.order_by("-id").first()


def test_a_ticket_change_is_sent_only_once_it_commits(
    make_webhook, team, agent, django_capture_on_commit_callbacks
):
    ticket = factories.make_ticket(team=team)
    with LocalHttpServer() as server:
        make_webhook(server.url("/hook"), events=["ticket.status_changed"])
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.change_status(ticket, status=Status.OPEN, actor=Actor.for_user(agent))
        assert server.requests == []
        delivery = WebhookDelivery.objects.get()
        assert (delivery.event_type, delivery.status) == ("ticket.status_changed", "pending")
        for callback in callbacks:
            callback()

    assert [r.json()["event"] for r in server.requests] == ["ticket.status_changed"]
    sent = server.requests[0].json()
    assert sent["data"]["changes"] == {"from": "new", "to": "open"}
    assert sent["data"]["actor_id"] == agent.pk
    assert sent["ticket"]["status"] == "open"
    event = ticket.events.get(type="status_changed")
    assert sent["created_at"] == event.created_at.isoformat()
    assert sent["data"]["event_id"] == event.pk
    assert WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED


def test_a_change_rolled_back_sends_nothing(make_webhook, team, agent):
    ticket = factories.make_ticket(team=team)
    make_webhook("http://127.0.0.1:9/never", events=["ticket.*"])
    written = []

    def change_then_fail():
        with transaction.atomic():
            services.change_status(ticket, status=Status.OPEN, actor=Actor.for_user(agent))
            written.append(WebhookDelivery.objects.count())
            raise RuntimeError("the request failed after the change")

    with pytest.raises(RuntimeError):
        change_then_fail()

    assert written == [1]
    assert WebhookDelivery.objects.count() == 0


@pytest.mark.parametrize("answer", [500, None])
def test_a_failing_endpoint_never_blocks_the_ticket_change(
    make_webhook, team, agent, api_as, answer, django_capture_on_commit_callbacks
):
    ticket = factories.make_ticket(team=team)
    with LocalHttpServer(default_status=answer or 200) as server:
        url = server.url("/broken")
        if answer is None:
            server.__exit__(None, None, None)  # nobody listens any more: connection refused
        make_webhook(url, events=["ticket.*"])
        with django_capture_on_commit_callbacks(execute=True):
            response = api_as(agent).patch(f"/api/v1/tickets/{ticket.pk}", {"priority": "urgent"})
        if answer is not None:
            server.__exit__(None, None, None)

    assert response.status_code == 200
    assert Ticket.objects.get(pk=ticket.pk).priority == Priority.URGENT
    delivery = WebhookDelivery.objects.get(event_type="ticket.priority_changed")
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.RETRYING, 1)


def test_only_the_events_a_subscription_names_are_sent(make_webhook, team, agent):
    ticket = factories.make_ticket(team=team)
    statuses = make_webhook("http://127.0.0.1:9/a", events=["ticket.status_changed"], name="A")
    every = make_webhook("http://127.0.0.1:9/b", events=["ticket.*"], name="B")
    make_webhook("http://127.0.0.1:9/c", events=["sla.breached"], name="C")
    actor = Actor.for_user(agent)
    services.change_status(ticket, status=Status.OPEN, actor=actor)
    services.reply_to_ticket(ticket, body="On it", actor=actor)

    sent = sorted(WebhookDelivery.objects.values_list("subscription__name", "event_type"))
    assert ("A", "ticket.status_changed") in sent
    assert ("B", "ticket.status_changed") in sent
    assert ("B", "ticket.message_added") in sent
    assert {name for name, _ in sent} == {"A", "B"}
    assert statuses.deliveries.count() == 1
    assert every.deliveries.count() == len(sent) - 1


def test_sla_and_survey_events_are_delivered_with_their_data(make_webhook, team):
    ticket = factories.make_ticket(team=team)
    make_webhook("http://127.0.0.1:9/sla", events=["sla.breached", "survey.answered"])
    handlers.on_sla_breached(ticket=ticket, target={"target": "first_response", "due": "soon"})
    handlers.on_sla_warned(ticket=ticket, target={"target": "resolution"})
    handlers.on_survey_answered(ticket=ticket, response={"score": 5})

    sent = {d.event_type: d.payload for d in WebhookDelivery.objects.all()}
    assert set(sent) == {"sla.breached", "survey.answered"}
    assert sent["sla.breached"]["data"]["target"]["target"] == "first_response"
    assert sent["sla.breached"]["ticket"]["id"] == ticket.pk
    assert sent["survey.answered"]["data"] == {"response": {"score": 5}}


def test_nobody_listening_costs_a_ticket_event_no_query(
    make_webhook, team, django_assert_num_queries
):
    ticket = factories.make_ticket(team=team)
    event = _event(ticket)
    handlers.on_ticket_event(event=event, ticket=ticket)  # this process reads them once
    with django_assert_num_queries(0):
        handlers.on_ticket_event(event=event, ticket=ticket)

    make_webhook("http://127.0.0.1:9/sla", events=["sla.breached"])
    handlers.on_ticket_event(event=event, ticket=ticket)
    with django_assert_num_queries(0):
        handlers.on_ticket_event(event=event, ticket=ticket)


def test_a_listening_subscription_costs_its_payload_and_one_insert(
    make_webhook, team, django_assert_num_queries
):
    ticket = Ticket.objects.select_related("customer", "team", "assignee").get(
        pk=factories.make_ticket(team=team).pk
    )
    event = _event(ticket)
    for name in ("A", "B", "C"):
        make_webhook("http://127.0.0.1:9/all", events=["ticket.*"], name=name)
    webhooks.listeners()
    # The customer's address, the tags, and one insert for the three deliveries.
    with django_assert_num_queries(3):
        handlers.on_ticket_event(event=event, ticket=ticket)
    assert WebhookDelivery.objects.count() == 3
