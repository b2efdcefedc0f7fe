"""Threading helpers: tokens, plus addresses, where a conversation continues."""

from frontline.channels.email import threads
from frontline.core.actors import Actor
from frontline.testing import factories
from frontline.tickets import services as ticket_services
from frontline.tickets.models import Status


def test_the_subject_token_is_added_once():
    assert threads.with_token("Re: Printer", 10001) == "Re: Printer [#10001]"
    assert threads.with_token("Re: Printer [#10001]", 10001) == "Re: Printer [#10001]"


def test_plus_addresses_carry_a_code_only_we_can_make(settings):
    address = threads.plus_address("support@example.test", 10001)
    local, _, domain = address.partition("@")

    assert domain == "example.test"
    assert local.startswith("support+t10001-")
    assert threads.base_address(address) == "support@example.test"
    settings.SECRET_KEY = "another key"
    assert threads.plus_address("support@example.test", 10001) != address


def test_a_conversation_continues_past_merges_and_on_open_follow_ups(customer, agent):
    actor = Actor.for_user(agent)
    first = factories.make_ticket(customer=customer)
    second = factories.make_ticket(customer=customer)
    ticket_services.merge_tickets(first, into=second, actor=Actor.system())
    first.refresh_from_db()

    assert threads.current_ticket(first).pk == second.pk

    ticket_services.change_status(second, status=Status.SOLVED, actor=Actor.system())
    ticket_services.change_status(second, status=Status.CLOSED, actor=Actor.system())
    second.refresh_from_db()
    follow_up = ticket_services.open_ticket(
        customer=customer, subject="Again", body="Still", actor=actor, follow_up_of=second
    )
    assert threads.current_ticket(first).pk == follow_up.pk


def test_the_first_ticket_to_claim_a_message_id_keeps_it(customer):
    first = factories.make_ticket(customer=customer)
    second = factories.make_ticket(customer=customer)

    threads.remember(first, ["a@x", "b@x"])
    threads.remember(second, ["b@x", "c@x"])
    threads.move_refs(first, into=second)

    from frontline.channels.email.models import ThreadRef

    assert dict(ThreadRef.objects.values_list("message_id", "ticket")) == {
        "a@x": second.pk,
        "b@x": second.pk,
        "c@x": second.pk,
    }
