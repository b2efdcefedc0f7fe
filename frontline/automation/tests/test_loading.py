"""The trigger job's ticket load gives what the ORM's ``select_related`` gives."""

from frontline.automation.loading import load_ticket
from frontline.customers.models import Tier
from frontline.testing import factories
from frontline.tickets.models import Ticket

RELATED = ("assignee", "category", "customer", "organisation", "team")


def test_the_load_matches_the_orm_with_its_relations_cached(db, django_assert_num_queries):
    organisation = factories.make_organisation(name="Acme", tier=Tier.ENTERPRISE)
    customer = factories.make_customer(name="Ada Lovelace", organisation=organisation)
    team = factories.make_team(name="Tier 2")
    ticket = factories.make_ticket(customer=customer, team=team, subject="Refund, please")
    Ticket.objects.filter(pk=ticket.pk).update(custom_fields={"order": "A-17"})
    expected = Ticket.objects.select_related(*RELATED).get(pk=ticket.pk)

    with django_assert_num_queries(1):
        loaded = load_ticket(ticket.pk, RELATED)
        assert loaded is not None
        assert loaded.customer.name == "Ada Lovelace"
        assert loaded.organisation is not None
        assert loaded.organisation.tier == Tier.ENTERPRISE
        assert loaded.team is not None
        assert loaded.team.name == "Tier 2"
        assert loaded.assignee is None

    fields = [f.attname for f in Ticket._meta.concrete_fields]
    assert [getattr(loaded, f) for f in fields] == [getattr(expected, f) for f in fields]
    assert loaded.custom_fields == {"order": "A-17"}
    assert loaded.created_at.tzinfo is not None


def test_a_ticket_gone_loads_as_none(db):
    assert load_ticket(987_654, RELATED) is None
    assert load_ticket(987_654, ()) is None
