"""The Django admin of organisations and customers saves through ``customers.services``:
what the services refuse is refused here, and nobody is deleted."""

import pytest
from django.test import Client
from django.urls import reverse

from frontline.customers.models import Customer, Identity, Organisation, OrganisationDomain
from frontline.testing import factories


@pytest.fixture
def admin_client(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


def organisation_form(organisation, **changes):
    form = {
        "name": organisation.name,
        "tier": organisation.tier,
        "notes": "",
        "custom_attributes": "{}",
        "domains-TOTAL_FORMS": "0",
        "domains-INITIAL_FORMS": "0",
    }
    form.update(changes)
    return form


def customer_form(customer, **changes):
    form = {
        "name": customer.name,
        "language": customer.language,
        "time_zone": customer.time_zone,
        "custom_attributes": "{}",
        "identities-TOTAL_FORMS": "0",
        "identities-INITIAL_FORMS": "0",
    }
    if customer.organisation_id:
        form["organisation"] = str(customer.organisation_id)
    form.update(changes)
    return form


def test_a_domain_of_another_organisation_is_refused(admin_client):
    factories.make_organisation(name="Acme", domains=("acme.test",))
    globex = factories.make_organisation(name="Globex")
    url = reverse("admin:customers_organisation_change", args=[globex.pk])

    response = admin_client.post(
        url,
        organisation_form(
            globex,
            notes="Changed with the refused domain",
            **{"domains-TOTAL_FORMS": "1", "domains-0-domain": "ACME.test"},
        ),
        follow=True,
    )

    assert "acme.test belongs to another organisation." in response.content.decode()
    globex.refresh_from_db()
    assert globex.notes == ""
    assert not globex.domains.exists()


def test_domains_are_added_and_removed_through_the_service(admin_client):
    acme = factories.make_organisation(name="Acme", domains=("acme.test",))
    old = acme.domains.get()
    url = reverse("admin:customers_organisation_change", args=[acme.pk])

    response = admin_client.post(
        url,
        organisation_form(
            acme,
            **{
                "domains-TOTAL_FORMS": "2",
                "domains-INITIAL_FORMS": "1",
                "domains-0-id": str(old.pk),
                "domains-0-organisation": str(acme.pk),
                "domains-0-DELETE": "on",
                "domains-1-domain": "@Acme.Example",
            },
        ),
    )

    assert response.status_code == 302
    assert list(acme.domains.values_list("domain", flat=True)) == ["acme.example"]


def test_a_new_organisation_is_created_through_the_service(admin_client, agent):
    factories.make_organisation(name="Acme")

    clash = admin_client.post(
        reverse("admin:customers_organisation_add"),
        {
            "name": "ACME",
            "tier": "standard",
            "notes": "",
            "custom_attributes": "{}",
            "domains-TOTAL_FORMS": "0",
            "domains-INITIAL_FORMS": "0",
        },
        follow=True,
    )

    assert "An organisation named &#x27;ACME&#x27; exists." in clash.content.decode()
    assert Organisation.objects.filter(name__iexact="acme").count() == 1


def test_an_identity_added_here_is_found_when_that_person_writes_in(admin_client, customer):
    url = reverse("admin:customers_customer_change", args=[customer.pk])

    response = admin_client.post(
        url,
        customer_form(
            customer,
            **{
                "identities-TOTAL_FORMS": "1",
                "identities-0-kind": "phone",
                "identities-0-value": "+49 (30) 1234-567",
            },
        ),
    )

    assert response.status_code == 302
    phone = Identity.objects.get(customer=customer, kind="phone")
    assert (phone.value, phone.is_primary) == ("+49301234567", True)


def test_an_address_of_another_customer_is_refused(admin_client, customer, other_customer):
    url = reverse("admin:customers_customer_change", args=[customer.pk])

    response = admin_client.post(
        url,
        customer_form(
            customer,
            name="Renamed with the refused address",
            **{
                "identities-TOTAL_FORMS": "1",
                "identities-0-kind": "email",
                "identities-0-value": "OTTO@example.test",
            },
        ),
        follow=True,
    )

    assert "belongs to another customer; merge them instead." in response.content.decode()
    customer.refresh_from_db()
    assert customer.name == "Carla Customer"


def test_a_customers_organisation_can_be_cleared(admin_client):
    acme = factories.make_organisation(name="Acme")
    member = factories.make_customer(name="Mia Member", organisation=acme)
    url = reverse("admin:customers_customer_change", args=[member.pk])
    form = customer_form(member, is_vip="on")
    del form["organisation"]

    response = admin_client.post(url, form)

    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.organisation, member.is_vip) == (None, True)


def test_a_customer_created_here_gets_the_services_checks(admin_client):
    response = admin_client.post(
        reverse("admin:customers_customer_add"),
        {
            "name": "Nina New",
            "language": "de",
            "time_zone": "Europe/Berlin",
            "custom_attributes": "{}",
            "identities-TOTAL_FORMS": "1",
            "identities-INITIAL_FORMS": "0",
            "identities-0-kind": "email",
            "identities-0-value": "Nina@Example.test",
        },
    )

    assert response.status_code == 302
    nina = Customer.objects.get(name="Nina New")
    assert list(nina.identities.values_list("value", "is_primary")) == [("nina@example.test", True)]


def test_customers_and_organisations_are_not_deleted_here(admin_client, customer):
    acme = factories.make_organisation(name="Acme", domains=("acme.test",))

    customer_delete = admin_client.post(
        reverse("admin:customers_customer_delete", args=[customer.pk]), {"post": "yes"}
    )
    organisation_delete = admin_client.post(
        reverse("admin:customers_organisation_delete", args=[acme.pk]), {"post": "yes"}
    )

    assert (customer_delete.status_code, organisation_delete.status_code) == (403, 403)
    assert Customer.objects.filter(pk=customer.pk).exists()
    assert OrganisationDomain.objects.filter(organisation=acme).exists()


def test_agents_are_sent_to_the_admin_login(agent, customer):
    client = Client()
    client.force_login(agent)

    response = client.post(
        reverse("admin:customers_customer_change", args=[customer.pk]), {"name": "X"}
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    customer.refresh_from_db()
    assert customer.name == "Carla Customer"
