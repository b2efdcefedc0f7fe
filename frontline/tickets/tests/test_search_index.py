"""Tickets in the search index: written in the same transaction as the ticket, rebuilt
from the rows by ``frontline search``, never drifting."""

from datetime import UTC, datetime

import pytest
from django.db import transaction

from frontline import demo
from frontline.accounts.models import Team, User
from frontline.core.actors import Actor
from frontline.core.search import TICKETS, keywords_query, search, stored_documents, sync
from frontline.customers import services as customer_services
from frontline.customers.models import Customer, IdentityKind
from frontline.testing import factories
from frontline.tickets import services
from frontline.tickets.models import Ticket
from frontline.tickets.search import search_tickets
from frontline.tickets.search_index import TICKET_SOURCE, ticket_documents
from frontline.tickets.services import batch

pytestmark = pytest.mark.django_db(transaction=False)

NOW = datetime(2026, 3, 2, 15, 30, tzinfo=UTC)


def _found(actor: Actor, text: str) -> list[int]:
    return [hit.ticket.number for hit in search_tickets(actor, text).hits]


def test_a_ticket_opened_through_the_service_is_found_at_once(agent: User, team: Team) -> None:
    ticket = factories.make_ticket(team=team, subject="Parcel went to Zanzibar", body="Lost box")

    assert _found(Actor.for_user(agent), "zanzibar") == [ticket.number]
    assert _found(Actor.for_user(agent), "lost box") == [ticket.number]


def test_the_document_holds_the_number_names_addresses_and_tags(team: Team) -> None:
    organisation = factories.make_organisation(name="Acme Widgets")
    customer = factories.make_customer(
        name="Ann Ample", email="ann@example.test", organisation=organisation
    )
    ticket = factories.make_ticket(customer=customer, team=team, tags=("refund",))

    (document,) = ticket_documents([ticket.pk])

    assert document.title == "Cannot sign in"
    assert document.body == "The sign-in page says my password is wrong."
    for part in (str(ticket.number), f"#{ticket.number}", "Ann Ample", "ann@example.test"):
        assert part in document.extra
    assert "Acme Widgets" in document.extra
    assert "refund" in document.extra
    assert document.language == "en"


def test_a_reply_and_a_note_are_indexed_notes_for_staff_only(
    agent: User, team: Team, customer: Customer
) -> None:
    ticket = factories.make_ticket(customer=customer, team=team)
    services.reply_to_ticket(ticket, body="Try the tangerine button", actor=Actor.for_user(agent))
    services.add_note(ticket, body="Customer seems to be a walrus", actor=Actor.for_user(agent))

    assert _found(Actor.for_user(agent), "tangerine") == [ticket.number]
    assert _found(Actor.for_user(agent), "walrus") == [ticket.number]
    assert _found(Actor.for_customer(customer), "tangerine") == [ticket.number]
    assert _found(Actor.for_customer(customer), "walrus") == []


def _open_and_fail(customer: Customer, team: Team) -> None:
    with transaction.atomic():
        factories.make_ticket(customer=customer, team=team, subject="Ephemeral quokka")
        raise RuntimeError


def test_a_rolled_back_ticket_leaves_nothing_in_the_index(team: Team) -> None:
    customer = factories.make_customer()
    with pytest.raises(RuntimeError):
        _open_and_fail(customer, team)

    assert search(TICKETS, keywords_query("quokka")).hits == []


def test_subject_tags_and_category_changes_are_reindexed(agent: User, team: Team) -> None:
    actor = Actor.for_user(agent)
    ticket = factories.make_ticket(team=team, subject="Old words")
    services.update_ticket(
        ticket, changes=services.TicketChanges(subject="Brand new heading"), actor=actor
    )
    services.set_tags(ticket, tags=["flamingo"], actor=actor)
    services.set_category(ticket, category=factories.make_category(name="Billing"), actor=actor)

    assert _found(actor, "heading") == [ticket.number]
    assert _found(actor, "old") == []
    assert _found(actor, "flamingo") == [ticket.number]
    assert _found(actor, "billing") == [ticket.number]


def test_a_merge_moves_the_words_to_the_surviving_ticket(agent: User, team: Team) -> None:
    actor = Actor.for_user(agent)
    source = factories.make_ticket(team=team, subject="First", body="The pelican ate it")
    into = factories.make_ticket(team=team, subject="Second", body="Nothing yet")

    services.merge_tickets(source, into=into, actor=actor)

    assert _found(actor, "pelican") == [into.number]


def test_reindex_and_check_agree_with_the_services(team: Team) -> None:
    tickets = [factories.make_ticket(team=team, subject=f"Ticket {n}") for n in range(3)]
    Ticket.objects.filter(pk=tickets[0].pk).update(subject="Written around the services")

    drift = sync.check(TICKET_SOURCE)
    assert drift.changed == [tickets[0].pk]

    sync.reindex(TICKET_SOURCE)

    assert sync.check(TICKET_SOURCE).clean
    stored = stored_documents(TICKETS, [tickets[0].pk])
    assert stored[tickets[0].pk].title == "Written around the services"


def test_documents_of_a_batch_take_three_queries(
    team: Team, django_assert_num_queries: object
) -> None:
    ids = [factories.make_ticket(team=team).pk for _ in range(5)]

    with django_assert_num_queries(3):  # type: ignore[operator]
        documents = ticket_documents(ids)

    assert [d.object_id for d in documents] == sorted(ids)


def test_customer_and_organisation_changes_reach_their_tickets(agent: User, team: Team) -> None:
    organisation = factories.make_organisation(name="Old Org")
    customer = factories.make_customer(name="Pat Before", organisation=organisation)
    ticket = factories.make_ticket(customer=customer, team=team)
    actor = Actor.for_user(agent)

    customer_services.update_customer(
        customer, fields=customer_services.CustomerFields(name="Pat Zebedee")
    )
    customer_services.add_identity(customer, kind=IdentityKind.PHONE, value="+44 20 7946 0999")
    customer_services.update_organisation(
        organisation, fields=customer_services.OrganisationFields(name="Nimbus Corp")
    )

    assert _found(actor, "zebedee") == [ticket.number]
    assert _found(actor, "nimbus") == [ticket.number]
    assert sync.check(TICKET_SOURCE).clean


def test_no_drift_after_the_demo_writer() -> None:
    demo.create_demo_data(seed=3, tickets=120, now=NOW)

    drift = sync.check(TICKET_SOURCE)
    # The generator's 120 and the live SMS and social conversations the apps' demos add.
    assert drift.checked == Ticket.objects.count() > 120
    assert drift.clean


def test_a_split_moves_the_words_to_the_new_ticket(agent: User, team: Team) -> None:
    actor = Actor.for_user(agent)
    ticket = factories.make_ticket(team=team, subject="Two problems", body="First the modem")
    reply = services.reply_to_ticket(
        ticket, body="Also the aardvark", actor=Actor.for_customer(ticket.customer)
    )

    new = services.split_ticket(ticket, message_ids=[reply.pk], subject="Aardvark", actor=actor)

    assert _found(actor, "aardvark") == [new.number]
    assert _found(actor, "modem") == [ticket.number]
    assert sync.check(TICKET_SOURCE).clean


def test_tickets_opened_in_a_batch_are_indexed_once_each(agent: User, team: Team) -> None:
    customer = factories.make_customer()
    requests = [
        batch.NewRequest(customer=customer, subject=f"Batch {word}", body="Imported", team=team)
        for word in ("walnut", "hazelnut")
    ]

    opened = batch.open_tickets(requests)

    assert _found(Actor.for_user(agent), "hazelnut") == [opened[1].ticket.number]
    assert sync.check(TICKET_SOURCE).clean
