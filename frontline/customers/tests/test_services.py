"""Customers, their identities and organisations, and folding two customers into one."""

import pytest

from frontline.core.actors import Actor
from frontline.core.errors import Conflict, InvalidMerge, ValidationFailed
from frontline.customers.models import Customer, IdentityKind, OrganisationDomain
from frontline.customers.services import (
    add_domain,
    add_identity,
    create_customer,
    find_customer,
    get_or_create_customer_by_email,
    get_or_create_customers_by_email,
    merge_customers,
)
from frontline.testing import factories
from frontline.tickets.models import EventType, TicketEvent


def test_create_customer_keeps_primary_email_lowercased(db):
    customer = create_customer(name="  Dana Doe ", email=" Dana.Doe@Example.TEST ")

    identity = customer.identities.get()
    assert (customer.name, identity.kind, identity.value, identity.is_primary) == (
        "Dana Doe",
        IdentityKind.EMAIL,
        "dana.doe@example.test",
        True,
    )


def test_create_customer_refuses_an_address_someone_has(customer):
    with pytest.raises(Conflict):
        create_customer(name="Impostor", email="CARLA@example.test")

    assert Customer.objects.filter(name="Impostor").count() == 0


def test_create_customer_refuses_an_unknown_time_zone(db):
    with pytest.raises(ValidationFailed) as refused:
        create_customer(name="Dana", time_zone="Mars/Olympus")

    assert refused.value.field == "time_zone"


def test_email_lookup_ignores_case(customer):
    assert find_customer(IdentityKind.EMAIL, "Carla@EXAMPLE.test") == customer
    assert get_or_create_customer_by_email("CARLA@example.TEST") == customer
    assert Customer.objects.count() == 1


def test_new_address_joins_the_organisation_of_its_domain(db):
    acme = factories.make_organisation(name="Acme", domains=("acme.test",))

    customer = get_or_create_customer_by_email("wile@ACME.test")

    assert customer.organisation == acme


def test_address_of_an_unknown_domain_has_no_organisation(db):
    factories.make_organisation(name="Acme", domains=("acme.test",))

    assert get_or_create_customer_by_email("wile@acme.test.example").organisation is None


def test_phone_numbers_are_stored_as_digits(customer):
    identity = add_identity(customer, kind=IdentityKind.PHONE, value="+1 (555) 010-0199")

    assert identity.value == "+15550100199"
    assert find_customer(IdentityKind.PHONE, "+1 555 010 0199") == customer


def test_identity_belongs_to_one_customer_per_kind(customer, other_customer):
    add_identity(customer, kind=IdentityKind.CHAT, value="visitor-42")

    with pytest.raises(Conflict):
        add_identity(other_customer, kind=IdentityKind.CHAT, value="visitor-42")
    same_value_other_kind = add_identity(
        other_customer, kind=IdentityKind.SOCIAL, value="visitor-42"
    )

    assert same_value_other_kind.customer == other_customer
    assert find_customer(IdentityKind.CHAT, "visitor-42") == customer


def test_adding_an_address_twice_keeps_one(customer):
    first = add_identity(customer, kind=IdentityKind.EMAIL, value="carla@work.test")
    again = add_identity(customer, kind=IdentityKind.EMAIL, value="Carla@Work.test")

    assert again.pk == first.pk
    assert customer.identities.count() == 2
    assert first.is_primary is False  # the address she signed up with stays primary


def test_merge_moves_identities_tickets_and_records_the_change(
    customer, other_customer, supervisor
):
    add_identity(other_customer, kind=IdentityKind.PHONE, value="+44 20 7946 0000")
    ticket = factories.make_ticket(customer=other_customer)

    survivor = merge_customers(other_customer, into=customer, actor=Actor.for_user(supervisor))

    other_customer.refresh_from_db()
    ticket.refresh_from_db()
    assert survivor == customer
    assert other_customer.merged_into == customer
    assert ticket.customer == customer
    assert sorted(customer.identities.values_list("value", flat=True)) == [
        "+442079460000",
        "carla@example.test",
        "otto@example.test",
    ]
    assert customer.identities.filter(is_primary=True).get().value == "carla@example.test"
    event = TicketEvent.objects.get(ticket=ticket, type=EventType.CUSTOMER_CHANGED)
    assert event.data == {
        "from": other_customer.pk,
        "to": customer.pk,
        "reason": "customer_merged",
    }
    assert event.actor_user == supervisor


def test_merged_customers_address_finds_the_survivor(customer, other_customer):
    merge_customers(other_customer, into=customer, actor=Actor.system())

    assert get_or_create_customer_by_email("otto@example.test") == customer


def test_merge_hands_over_portal_login_when_survivor_has_none(db):
    with_login = factories.make_customer(with_login=True)
    without_login = factories.make_customer()
    login = with_login.user

    merge_customers(with_login, into=without_login, actor=Actor.system())

    without_login.refresh_from_db()
    assert without_login.user == login


def test_merge_into_itself_is_refused(customer):
    with pytest.raises(InvalidMerge):
        merge_customers(customer, into=customer, actor=Actor.system())


def test_merged_customer_cannot_be_merged_again(customer, other_customer, db):
    third = factories.make_customer()
    merge_customers(other_customer, into=customer, actor=Actor.system())

    with pytest.raises(InvalidMerge):
        merge_customers(other_customer, into=third, actor=Actor.system())

    other_customer.refresh_from_db()
    assert other_customer.merged_into == customer


@pytest.mark.parametrize(
    "domain",
    [
        "gmail.com",
        "GoogleMail.com",
        "@outlook.com",
        "hotmail.co.uk",
        "yahoo.co.jp",
        "gmx.de",
        "gmx.net",
        "web.de",
        "mail.ru",
        "yandex.com.tr",
        "qq.com",
        "163.com",
        "proton.me",
        "icloud.com",
    ],
)
def test_a_free_mail_domain_cannot_name_an_organisation(db, domain):
    acme = factories.make_organisation(name="Acme")

    with pytest.raises(ValidationFailed) as refused:
        add_domain(acme, domain=domain)

    assert refused.value.field == "domains"
    assert "free-mail domain" in refused.value.message
    assert not acme.domains.exists()


def test_company_domains_that_resemble_free_mail_are_taken(db):
    acme = factories.make_organisation(name="Acme")

    for domain in ("gmail-tools.com", "livestock.example", "mygmx.de", "yahoo-partners.example"):
        add_domain(acme, domain=domain)

    assert acme.domains.count() == 4


def test_a_free_mail_domain_stored_before_the_check_joins_nobody(db):
    acme = factories.make_organisation(name="Acme")
    OrganisationDomain.objects.create(organisation=acme, domain="gmail.com")

    one = get_or_create_customer_by_email("someone@gmail.com", name="Some One")
    many = get_or_create_customers_by_email([("a@gmail.com", "A"), ("b@gmail.com", "B")])

    assert one.organisation_id is None
    assert [c.organisation_id for c in many.values()] == [None, None]
