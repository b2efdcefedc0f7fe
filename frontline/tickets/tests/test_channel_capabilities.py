"""Service capabilities channels rely on: the visible part of a reply, inline images,
people copied on the customer's side, and merges the system makes."""

import pytest

from frontline.core.actors import Actor
from frontline.core.errors import PermissionDenied
from frontline.testing import factories
from frontline.tickets import queries, services
from frontline.tickets.models import EventType, Status

PIXEL = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def test_reply_keeps_its_visible_text_beside_the_full_body(customer):
    ticket = factories.make_ticket(customer=customer)

    message = services.reply_to_ticket(
        ticket,
        body="Thanks!\n\nOn Monday you wrote:\n> the old text",
        visible_text="Thanks!",
        actor=Actor.for_customer(customer),
    )

    assert message.body_text.startswith("Thanks!\n\nOn Monday")
    assert message.visible_text == "Thanks!"


def test_visible_text_equal_to_the_body_is_not_stored_twice(customer):
    ticket = services.open_ticket(
        customer=customer,
        subject="Hello",
        body="Just this",
        visible_text="Just this",
        actor=Actor.for_customer(customer),
    )

    assert ticket.messages.get().visible_text == ""


def test_inline_images_are_linked_to_their_stored_attachment(customer):
    ticket = services.open_ticket(
        customer=customer,
        subject="Screenshot",
        body="See the picture",
        html='<p>See <img src="cid:shot1@example.test"> and <img src="cid:missing"></p>',
        attachments=[
            services.NewAttachment(
                filename="shot.png",
                content=PIXEL,
                content_type="image/png",
                content_id="<shot1@example.test>",
            )
        ],
        actor=Actor.for_customer(customer),
    )

    message = ticket.messages.get()
    attachment = message.attachments.get()
    assert f'src="/api/v1/tickets/attachments/{attachment.pk}"' in message.body_html
    assert 'src="cid:missing"' in message.body_html


def test_copied_customers_see_the_ticket_and_may_reply(customer, other_customer):
    ticket = factories.make_ticket(customer=customer)

    added = services.add_customer_collaborators(
        ticket, customers=[other_customer, customer], actor=Actor.for_customer(customer)
    )

    assert added == [other_customer]
    event = ticket.events.get(type=EventType.COLLABORATORS_CHANGED)
    assert event.data == {"added_customers": [other_customer.pk]}
    visible = queries.tickets_visible_to(Actor.for_customer(other_customer))
    assert list(visible) == [ticket]
    services.reply_to_ticket(ticket, body="Me too", actor=Actor.for_customer(other_customer))
    assert ticket.messages.count() == 2


def test_adding_a_copied_customer_twice_records_nothing_new(customer, other_customer):
    ticket = factories.make_ticket(customer=customer)
    services.add_customer_collaborators(ticket, customers=[other_customer], actor=Actor.system())

    again = services.add_customer_collaborators(
        ticket, customers=[other_customer], actor=Actor.system()
    )

    assert again == []
    assert ticket.events.filter(type=EventType.COLLABORATORS_CHANGED).count() == 1


def test_a_stranger_cannot_copy_themselves_onto_a_ticket(customer, other_customer):
    ticket = factories.make_ticket(customer=customer)

    with pytest.raises(PermissionDenied):
        services.add_customer_collaborators(
            ticket, customers=[other_customer], actor=Actor.for_customer(other_customer)
        )


def test_an_agent_outside_the_team_cannot_copy_customers(outsider, team, other_customer):
    ticket = factories.make_ticket(team=team)

    with pytest.raises(PermissionDenied):
        services.add_customer_collaborators(
            ticket, customers=[other_customer], actor=Actor.for_user(outsider)
        )


def test_the_system_merges_tickets_a_channel_proved_are_one(customer):
    first = factories.make_ticket(customer=customer)
    second = factories.make_ticket(customer=customer)

    merged = services.merge_tickets(second, into=first, actor=Actor.system())

    second.refresh_from_db()
    assert merged.message_count == 2
    assert (second.status, second.merged_into_id) == (Status.CLOSED, first.pk)


def test_customers_still_cannot_merge(customer):
    first = factories.make_ticket(customer=customer)
    second = factories.make_ticket(customer=customer)

    with pytest.raises(PermissionDenied):
        services.merge_tickets(second, into=first, actor=Actor.for_customer(customer))


def test_the_api_shows_the_visible_text_of_each_message(api_as, customer):
    ticket = factories.make_ticket(customer=customer)
    services.reply_to_ticket(
        ticket,
        body="Thanks!\n\n> old text",
        visible_text="Thanks!",
        actor=Actor.for_customer(customer),
    )

    response = api_as(customer.user).get(f"/api/v1/tickets/{ticket.pk}")

    texts = [m["visible_text"] for m in response.json()["messages"]]
    assert texts == ["The sign-in page says my password is wrong.", "Thanks!"]
