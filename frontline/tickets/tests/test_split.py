"""Splitting a ticket: the service, its API endpoint and the ticket page's action."""

import pytest
from django.test import Client

from frontline.core.actors import Actor
from frontline.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from frontline.testing import factories
from frontline.tickets import services
from frontline.tickets.models import EventType, Priority, Status


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def thread(team, customer, agent):
    """A ticket of the team whose customer asked a second, unrelated question: the request,
    the agent's answer, then the new question with a screenshot and the agent's note on it."""
    ticket = factories.make_ticket(
        team=team,
        customer=customer,
        subject="Card reader offline",
        body="The card reader in shop 4 is offline.",
        priority=Priority.HIGH,
    )
    actor = Actor.for_user(agent)
    answer = services.reply_to_ticket(ticket, body="Please restart it.", actor=actor)
    question = services.reply_to_ticket(
        ticket,
        body="Also: how do I export last month's invoices?\nThanks, Carla",
        actor=Actor.for_customer(customer),
        attachments=[services.NewAttachment(filename="invoices.png", content=b"\x89PNG")],
    )
    note = services.add_note(ticket, body="Billing question, not ours.", actor=actor)
    ticket.refresh_from_db()
    return {"ticket": ticket, "answer": answer, "question": question, "note": note}


def test_split_moves_messages_and_their_attachments_to_a_new_ticket(thread, agent, team):
    ticket, question, note = thread["ticket"], thread["question"], thread["note"]

    new = services.split_ticket(
        ticket, message_ids=[question.pk, note.pk], subject="", actor=Actor.for_user(agent)
    )

    ticket.refresh_from_db()
    assert new.subject == "Also: how do I export last month's invoices?"
    assert (new.customer_id, new.team, new.priority) == (ticket.customer_id, team, Priority.HIGH)
    assert (new.channel, new.status) == (ticket.channel, Status.NEW)
    assert list(new.messages.order_by("created_at", "id")) == [question, note]
    assert new.messages.get(pk=question.pk).attachments.get().filename == "invoices.png"
    assert (new.message_count, new.last_message_at) == (2, note.created_at)
    assert list(ticket.messages.order_by("created_at", "id")) == [
        ticket.messages.earliest("created_at"),
        thread["answer"],
    ]
    assert (ticket.message_count, ticket.last_message_at) == (2, thread["answer"].created_at)


def test_split_records_the_split_on_both_tickets(thread, agent):
    ticket, question = thread["ticket"], thread["question"]

    new = services.split_ticket(
        ticket, message_ids=[question.pk], subject="Invoice export", actor=Actor.for_user(agent)
    )

    into = ticket.events.get(type=EventType.SPLIT_INTO)
    came_from = new.events.get(type=EventType.SPLIT_FROM)
    assert new.subject == "Invoice export"
    assert into.data == {"into_id": new.pk, "into_number": new.number, "message_ids": [question.pk]}
    assert came_from.data == {
        "from_id": ticket.pk,
        "from_number": ticket.number,
        "message_ids": [question.pk],
    }
    assert (into.actor_user, came_from.actor_user) == (agent, agent)
    assert list(new.events.values_list("type", flat=True)) == ["created", "split_from"]


def test_at_least_one_message_stays_and_only_the_tickets_own_move(thread, agent, team):
    ticket = thread["ticket"]
    everything = list(ticket.messages.values_list("pk", flat=True))
    elsewhere = factories.make_ticket(team=team).messages.get()
    actor = Actor.for_user(agent)

    with pytest.raises(ValidationFailed, match="At least one message stays"):
        services.split_ticket(ticket, message_ids=everything, subject="", actor=actor)
    with pytest.raises(ValidationFailed, match=f"Message {elsewhere.pk} is not on ticket"):
        services.split_ticket(ticket, message_ids=[elsewhere.pk], subject="", actor=actor)
    with pytest.raises(ValidationFailed, match="Choose the messages"):
        services.split_ticket(ticket, message_ids=[], subject="", actor=actor)
    assert ticket.messages.count() == 4
    assert elsewhere.ticket.messages.count() == 1


def test_merged_and_closed_tickets_are_not_split(thread, agent, team):
    ticket, question = thread["ticket"], thread["question"]
    actor = Actor.for_user(agent)
    closed = factories.make_ticket(team=team)
    reply = services.reply_to_ticket(closed, body="Done.", actor=actor)
    services.change_status(closed, status=Status.SOLVED, actor=actor)
    services.change_status(closed, status=Status.CLOSED, actor=actor)
    services.merge_tickets(ticket, into=factories.make_ticket(team=team), actor=actor)

    with pytest.raises(InvalidTransition, match="was merged into another ticket"):
        services.split_ticket(ticket, message_ids=[question.pk], subject="", actor=actor)
    with pytest.raises(InvalidTransition, match="is closed"):
        services.split_ticket(closed, message_ids=[reply.pk], subject="", actor=actor)


def test_those_who_may_not_work_the_ticket_cannot_split_it(thread, outsider, analyst, customer):
    ticket, question = thread["ticket"], thread["question"]

    for actor in (Actor.for_user(outsider), Actor.for_user(analyst), Actor.for_customer(customer)):
        with pytest.raises(PermissionDenied):
            services.split_ticket(ticket, message_ids=[question.pk], subject="", actor=actor)
    assert ticket.messages.count() == 4


def test_the_api_splits_and_answers_the_new_ticket(thread, agent, api_as):
    ticket, question = thread["ticket"], thread["question"]

    response = api_as(agent).post(
        f"/api/v1/tickets/{ticket.pk}/split",
        {"message_ids": [question.pk], "subject": "Invoice export"},
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["subject"], body["priority"], body["message_count"]) == (
        "Invoice export",
        "high",
        1,
    )
    assert body["customer"]["email"] == "carla@example.test"
    assert body["id"] != ticket.pk
    events = api_as(agent).get(f"/api/v1/tickets/{ticket.pk}/events").json()["items"]
    assert events[-1]["type"] == "split_into"


def test_the_api_refuses_a_split_that_would_empty_the_ticket(thread, agent, api_as):
    ticket = thread["ticket"]
    everything = list(ticket.messages.values_list("pk", flat=True))

    response = api_as(agent).post(f"/api/v1/tickets/{ticket.pk}/split", {"message_ids": everything})

    assert (response.status_code, response.json()["field"]) == (422, "message_ids")


def test_the_api_refuses_the_split_to_outsiders_analysts_and_customers(
    thread, api_as, outsider, analyst, customer
):
    ticket, question = thread["ticket"], thread["question"]
    path, body = f"/api/v1/tickets/{ticket.pk}/split", {"message_ids": [question.pk]}

    assert api_as(None).post(path, body).status_code == 401
    assert api_as(outsider).post(path, body).status_code == 404
    assert api_as(analyst).post(path, body).status_code == 403
    assert api_as(customer.user).post(path, body).status_code == 403
    assert ticket.messages.count() == 4


def test_the_ticket_page_splits_the_messages_chosen_and_goes_to_the_new_ticket(thread, agent):
    ticket, question = thread["ticket"], thread["question"]
    client = signed_in(agent)
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert "Split into new ticket" in page
    assert f'name="messages" value="{question.pk}"' in page

    response = client.post(
        f"/tickets/{ticket.number}/split/", {"messages": [question.pk], "subject": ""}
    )

    new = ticket.customer.tickets.exclude(pk=ticket.pk).get()
    assert response.status_code == 302
    assert response["Location"] == f"/tickets/{new.number}/"
    new_timeline = client.get(f"/tickets/{new.number}/timeline/").content.decode()
    old_timeline = client.get(f"/tickets/{ticket.number}/timeline/").content.decode()
    assert "how do I export last month" in new_timeline
    assert "invoices.png" in new_timeline
    assert f"split this ticket from #{ticket.number}" in new_timeline
    assert f"split 1 message into #{new.number}" in old_timeline
    assert "how do I export last month" not in old_timeline
    assert "Please restart it." in old_timeline


def test_the_ticket_page_shows_why_a_split_was_refused(thread, agent):
    ticket = thread["ticket"]
    everything = list(ticket.messages.values_list("pk", flat=True))

    response = signed_in(agent).post(f"/tickets/{ticket.number}/split/", {"messages": everything})

    assert response.status_code == 200
    assert "At least one message stays on the ticket" in response.content.decode()
    assert ticket.messages.count() == 4


def test_the_split_action_is_refused_to_outsiders_analysts_and_customers(
    thread, outsider, analyst, customer
):
    ticket, question = thread["ticket"], thread["question"]
    path, form = f"/tickets/{ticket.number}/split/", {"messages": [question.pk]}

    assert Client().post(path, form)["Location"].startswith("/accounts/sign-in/")
    assert signed_in(outsider).post(path, form).status_code == 404
    assert signed_in(customer.user).post(path, form).status_code == 403
    refused = signed_in(analyst).post(path, form)
    assert "You may not change this ticket." in refused.content.decode()
    assert ticket.messages.count() == 4
    assert ticket.customer.tickets.count() == 1
