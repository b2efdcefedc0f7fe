"""The customers API: customers, their addresses and tickets, organisations."""

from string import Template

import pytest
from django.test import Client

from frontline.accounts.models import Role
from frontline.core.actors import Actor
from frontline.customers.models import (
    Customer,
    Identity,
    IdentityKind,
    Organisation,
    OrganisationDomain,
)
from frontline.customers.services import add_identity, merge_customers
from frontline.testing import factories
from frontline.tickets.models import Ticket

API = "/api/v1"


def test_customers_are_listed_by_name(api_as, analyst, customer, other_customer):
    response = api_as(analyst).get(f"{API}/customers")

    assert response.status_code == 200
    items = response.json()["items"]
    assert [(c["name"], c["email"]) for c in items] == [
        ("Carla Customer", "carla@example.test"),
        ("Otto Other", "otto@example.test"),
    ]


def test_customers_are_found_by_email_whatever_its_case(api_as, agent, customer, other_customer):
    response = api_as(agent).get(f"{API}/customers", email="OTTO@Example.test")

    assert [c["id"] for c in response.json()["items"]] == [other_customer.pk]


def test_customers_are_searched_by_name_and_by_any_address(api_as, agent, customer, other_customer):
    client = api_as(agent)
    factories.make_customer(name="Zed", email="zed@example.test")
    add_identity(customer, kind=IdentityKind.PHONE, value="+1 555 0100 999")

    by_name = client.get(f"{API}/customers", q="otto").json()["items"]
    by_phone = client.get(f"{API}/customers", q="5550100").json()["items"]

    assert [c["name"] for c in by_name] == ["Otto Other"]
    assert [c["name"] for c in by_phone] == ["Carla Customer"]


def test_customers_are_filtered_by_organisation(api_as, agent, customer):
    acme = factories.make_organisation(name="Acme")
    member = factories.make_customer(name="Wile", organisation=acme)

    response = api_as(agent).get(f"{API}/customers", organisation_id=acme.pk)

    assert [c["id"] for c in response.json()["items"]] == [member.pk]
    assert response.json()["items"][0]["organisation"] == {"id": acme.pk, "name": "Acme"}


def test_merged_customers_leave_the_list(api_as, agent, customer, other_customer):
    merge_customers(other_customer, into=customer, actor=Actor.system())

    response = api_as(agent).get(f"{API}/customers")

    assert [c["id"] for c in response.json()["items"]] == [customer.pk]


def test_customer_list_pages_without_repeats(api_as, agent, customer, other_customer):
    factories.make_customer(name="Bob")
    client = api_as(agent)

    first = client.get(f"{API}/customers", page_size=2).json()
    second = client.get(first["next"]).json()

    assert [c["name"] for c in first["items"] + second["items"]] == [
        "Bob",
        "Carla Customer",
        "Otto Other",
    ]
    assert second["next"] is None


def test_customer_list_query_count_does_not_grow_with_rows(
    api_as, agent, django_assert_num_queries
):
    client = api_as(agent)
    client.get(f"{API}/me")  # the token's first use records last_used_at
    acme = factories.make_organisation()
    for _ in range(6):
        factories.make_customer(organisation=acme)

    # token, page of customers with organisations, their identities
    with django_assert_num_queries(3):
        response = client.get(f"{API}/customers")

    assert len(response.json()["items"]) == 6


def test_agent_adds_customer_who_joins_organisation_by_domain(api_as, agent):
    acme = factories.make_organisation(name="Acme", domains=("acme.test",))

    response = api_as(agent).post(
        f"{API}/customers",
        {
            "name": "Wile E. Coyote",
            "email": "Wile@ACME.test",
            "language": "en-GB",
            "time_zone": "America/Phoenix",
            "is_vip": True,
            "custom_attributes": {"plan": "gold", "seats": 12},
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["email"] == "wile@acme.test"
    assert body["organisation"] == {"id": acme.pk, "name": "Acme"}
    assert (body["is_vip"], body["custom_attributes"]) == (True, {"plan": "gold", "seats": 12})
    assert body["identities"][0] | {"id": 0} == {
        "id": 0,
        "kind": "email",
        "value": "wile@acme.test",
        "is_primary": True,
        "is_flagged": False,
    }


def test_second_customer_with_the_same_address_conflicts(api_as, agent, customer):
    response = api_as(agent).post(
        f"{API}/customers", {"name": "Carla again", "email": "carla@EXAMPLE.test"}
    )

    assert response.status_code == 409
    assert response.json()["field"] == "email"
    assert Customer.objects.count() == 1


def test_customer_time_zone_must_exist(api_as, agent):
    response = api_as(agent).post(f"{API}/customers", {"name": "X", "time_zone": "Mars/Base"})

    assert response.status_code == 422
    assert response.json()["field"] == "time_zone"


def test_customer_of_unknown_organisation_is_not_created(api_as, agent):
    response = api_as(agent).post(f"{API}/customers", {"name": "X", "organisation_id": 999999})

    assert response.status_code == 404
    assert response.json()["field"] == "organisation_id"
    assert not Customer.objects.filter(name="X").exists()


def test_customer_detail_shows_only_tickets_the_caller_may_see(
    api_as, agent, supervisor, customer, team, other_team
):
    mine = factories.make_ticket(customer=customer, team=team, subject="Mine")
    factories.make_ticket(customer=customer, team=other_team, subject="Billing's")

    as_agent = api_as(agent).get(f"{API}/customers/{customer.pk}").json()
    as_supervisor = api_as(supervisor).get(f"{API}/customers/{customer.pk}").json()

    assert as_agent["tickets"] == [
        {
            "id": mine.pk,
            "number": mine.number,
            "subject": "Mine",
            "status": "new",
            "priority": "normal",
            "updated_at": as_agent["tickets"][0]["updated_at"],
        }
    ]
    assert [t["subject"] for t in as_supervisor["tickets"]] == ["Billing's", "Mine"]


def test_customer_detail_shows_the_50_latest_tickets(api_as, supervisor, customer):
    tickets = [factories.make_ticket(customer=customer) for _ in range(51)]

    response = api_as(supervisor).get(f"{API}/customers/{customer.pk}")

    shown = [t["id"] for t in response.json()["tickets"]]
    assert shown == [t.pk for t in reversed(tickets)][:50]


def test_unknown_customer_is_404(api_as, agent):
    response = api_as(agent).get(f"{API}/customers/999999")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_agent_changes_customer(api_as, agent, customer):
    acme = factories.make_organisation(name="Acme")

    response = api_as(agent).patch(
        f"{API}/customers/{customer.pk}",
        {"name": " Carla C. ", "is_vip": True, "organisation_id": acme.pk, "language": "de"},
    )

    assert response.status_code == 200
    customer.refresh_from_db()
    assert (customer.name, customer.is_vip, customer.organisation, customer.language) == (
        "Carla C.",
        True,
        acme,
        "de",
    )


def test_fields_left_out_of_a_change_stay(api_as, agent, customer):
    api_as(agent).patch(f"{API}/customers/{customer.pk}", {"custom_attributes": {"plan": "gold"}})

    response = api_as(agent).patch(f"{API}/customers/{customer.pk}", {"is_vip": True})

    assert response.json()["custom_attributes"] == {"plan": "gold"}
    assert response.json()["name"] == "Carla Customer"


def test_merged_customer_is_readable_but_not_changeable(api_as, agent, customer, other_customer):
    merge_customers(other_customer, into=customer, actor=Actor.system())
    client = api_as(agent)

    read = client.get(f"{API}/customers/{other_customer.pk}")
    changed = client.patch(f"{API}/customers/{other_customer.pk}", {"name": "Ghost"})

    assert read.status_code == 200
    assert read.json()["merged_into_id"] == customer.pk
    assert changed.status_code == 409
    assert Customer.objects.get(pk=other_customer.pk).name == "Otto Other"


def test_agent_adds_an_address(api_as, agent, customer):
    response = api_as(agent).post(
        f"{API}/customers/{customer.pk}/identities", {"kind": "email", "value": "Carla@Work.TEST"}
    )

    assert response.status_code == 201
    assert [(i["value"], i["is_primary"]) for i in response.json()["identities"]] == [
        ("carla@example.test", True),
        ("carla@work.test", False),
    ]


def test_address_of_another_customer_conflicts(api_as, agent, customer, other_customer):
    response = api_as(agent).post(
        f"{API}/customers/{customer.pk}/identities", {"kind": "email", "value": "otto@example.test"}
    )

    assert response.status_code == 409
    assert Identity.objects.get(value="otto@example.test").customer == other_customer


def test_malformed_email_identity_is_refused(api_as, agent, customer):
    response = api_as(agent).post(
        f"{API}/customers/{customer.pk}/identities", {"kind": "email", "value": "carla at work"}
    )

    assert response.status_code == 422
    assert customer.identities.count() == 1


def test_agent_removes_an_address(api_as, agent, customer):
    identity = customer.identities.get()

    response = api_as(agent).delete(f"{API}/customers/{customer.pk}/identities/{identity.pk}")

    assert response.status_code == 200
    assert response.json()["identities"] == []
    assert response.json()["email"] is None


def test_address_of_another_customer_cannot_be_removed_through_this_one(
    api_as, agent, customer, other_customer
):
    identity = other_customer.identities.get()

    response = api_as(agent).delete(f"{API}/customers/{customer.pk}/identities/{identity.pk}")

    assert response.status_code == 404
    assert Identity.objects.filter(pk=identity.pk).exists()


def test_merge_returns_the_survivor_with_everything(
    api_as, supervisor, customer, other_customer, team
):
    ticket = factories.make_ticket(customer=other_customer, team=team)

    response = api_as(supervisor).post(
        f"{API}/customers/{other_customer.pk}/merge", {"into_id": customer.pk}
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == customer.pk
    assert sorted(i["value"] for i in body["identities"]) == [
        "carla@example.test",
        "otto@example.test",
    ]
    assert [t["id"] for t in body["tickets"]] == [ticket.pk]
    merged = api_as(supervisor).get(f"{API}/customers/{other_customer.pk}").json()
    assert (merged["merged_into_id"], merged["tickets"]) == (customer.pk, [])


def test_merging_twice_conflicts(api_as, agent, customer, other_customer):
    client = api_as(agent)
    client.post(f"{API}/customers/{other_customer.pk}/merge", {"into_id": customer.pk})

    response = client.post(f"{API}/customers/{other_customer.pk}/merge", {"into_id": customer.pk})

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_merge"


def test_merge_into_unknown_customer_is_404(api_as, agent, customer):
    response = api_as(agent).post(f"{API}/customers/{customer.pk}/merge", {"into_id": 999999})

    assert response.status_code == 404
    assert Customer.objects.get(pk=customer.pk).merged_into is None


def test_organisations_are_listed_and_searched_by_domain(api_as, analyst):
    factories.make_organisation(name="Globex", domains=("globex.test",))
    factories.make_organisation(name="Acme", domains=("acme.test", "acme-corp.test"))
    client = api_as(analyst)

    everything = client.get(f"{API}/organisations").json()["items"]
    by_domain = client.get(f"{API}/organisations", q="acme-corp").json()["items"]

    assert [o["name"] for o in everything] == ["Acme", "Globex"]
    assert everything[0]["domains"] == ["acme-corp.test", "acme.test"]
    assert [o["name"] for o in by_domain] == ["Acme"]


def test_agent_adds_organisation_with_account_manager(api_as, agent, supervisor):
    response = api_as(agent).post(
        f"{API}/organisations",
        {
            "name": "Initech",
            "tier": "enterprise",
            "domains": ["initech.test", "@Initech.example"],
            "account_manager_id": supervisor.pk,
            "shared_tickets": True,
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["domains"] == ["initech.example", "initech.test"]
    assert body["account_manager"]["id"] == supervisor.pk
    assert (body["tier"], body["shared_tickets"], body["customer_count"]) == (
        "enterprise",
        True,
        0,
    )


def test_organisation_names_are_unique_regardless_of_case(api_as, agent):
    factories.make_organisation(name="Acme")

    response = api_as(agent).post(f"{API}/organisations", {"name": "ACME"})

    assert response.status_code == 409
    assert Organisation.objects.count() == 1


def test_domain_of_another_organisation_conflicts(api_as, agent):
    factories.make_organisation(name="Acme", domains=("acme.test",))

    response = api_as(agent).post(
        f"{API}/organisations", {"name": "Copy", "domains": ["acme.test"]}
    )

    assert response.status_code == 409
    assert not Organisation.objects.filter(name="Copy").exists()


def test_customer_cannot_be_an_account_manager(api_as, agent, customer):
    response = api_as(agent).post(
        f"{API}/organisations", {"name": "Acme", "account_manager_id": customer.user.pk}
    )

    assert response.status_code == 404
    assert response.json()["field"] == "account_manager_id"


def test_organisation_detail_counts_its_current_customers(api_as, agent):
    acme = factories.make_organisation(name="Acme")
    kept = factories.make_customer(organisation=acme)
    folded = factories.make_customer(organisation=acme)
    merge_customers(folded, into=kept, actor=Actor.system())

    response = api_as(agent).get(f"{API}/organisations/{acme.pk}")

    assert response.status_code == 200
    assert response.json()["customer_count"] == 1


def test_account_manager_is_removed_with_null(api_as, agent, supervisor):
    acme = factories.make_organisation(name="Acme", account_manager=supervisor)

    response = api_as(agent).patch(
        f"{API}/organisations/{acme.pk}", {"account_manager_id": None, "tier": "premium"}
    )

    assert response.status_code == 200
    acme.refresh_from_db()
    assert (acme.account_manager, acme.tier) == (None, "premium")


def test_added_domain_brings_in_new_customers(api_as, agent):
    acme = factories.make_organisation(name="Acme")
    client = api_as(agent)

    added = client.post(f"{API}/organisations/{acme.pk}/domains", {"domain": "ACME.test"})
    created = client.post(f"{API}/customers", {"name": "Road Runner", "email": "rr@acme.test"})

    assert added.status_code == 201
    assert added.json()["domains"] == ["acme.test"]
    assert created.json()["organisation"]["id"] == acme.pk


def test_unknown_organisation_is_404(api_as, agent):
    response = api_as(agent).patch(f"{API}/organisations/999999", {"tier": "premium"})

    assert response.status_code == 404


@pytest.fixture
def ids(customer, other_customer):
    acme = factories.make_organisation(name="Acme")
    return {
        "customer": customer.pk,
        "other": other_customer.pk,
        "identity": customer.identities.get().pk,
        "organisation": acme.pk,
    }


def send(user, method, path, body, ids):
    """One request with a JSON body (ignored on reads) as ``user``; ``$name`` takes an id."""
    client = Client(HTTP_AUTHORIZATION=f"Bearer {factories.token_for(user)}")
    return _send(client, method, path, body, ids)


def send_anonymously(method, path, body, ids):
    return _send(Client(), method, path, body, ids)


def _send(client, method, path, body, ids):
    return client.generic(
        method,
        API + Template(path).substitute(ids),
        Template(body).substitute(ids),
        content_type="application/json",
    )


READS = [
    ("GET", "/customers", "{}"),
    ("GET", "/customers/$customer", "{}"),
    ("GET", "/organisations", "{}"),
    ("GET", "/organisations/$organisation", "{}"),
]
WRITES = [
    ("POST", "/customers", '{"name": "New", "email": "new@example.test"}'),
    ("PATCH", "/customers/$customer", '{"name": "Renamed"}'),
    ("POST", "/customers/$customer/identities", '{"kind": "phone", "value": "+1 555 0100"}'),
    ("DELETE", "/customers/$customer/identities/$identity", "{}"),
    ("POST", "/customers/$other/merge", '{"into_id": $customer}'),
    ("POST", "/organisations", '{"name": "Globex"}'),
    ("PATCH", "/organisations/$organisation", '{"tier": "premium"}'),
    ("POST", "/organisations/$organisation/domains", '{"domain": "acme.test"}'),
]


def _snapshot():
    return (
        list(Customer.objects.values_list("name", "merged_into_id", "organisation_id")),
        list(Identity.objects.values_list("customer_id", "value")),
        list(Organisation.objects.values_list("name", "tier")),
        list(OrganisationDomain.objects.values_list("domain")),
        list(Ticket.objects.values_list("customer_id")),
    )


@pytest.mark.parametrize(("method", "path", "body"), READS + WRITES)
def test_anonymous_callers_are_refused(ids, method, path, body):
    before = _snapshot()

    response = send_anonymously(method, path, body, ids)

    assert response.status_code == 401
    assert _snapshot() == before


@pytest.mark.parametrize(("method", "path", "body"), READS + WRITES)
def test_customers_are_refused(customer, ids, method, path, body):
    before = _snapshot()

    response = send(customer.user, method, path, body, ids)

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert _snapshot() == before


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_analysts_only_read(analyst, ids, method, path, body):
    before = _snapshot()

    response = send(analyst, method, path, body, ids)

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert _snapshot() == before


@pytest.mark.parametrize(("method", "path", "body"), READS)
def test_every_staff_role_reads(ids, method, path, body):
    caller = factories.make_agent(role=Role.ROTATION)

    response = send(caller, method, path, body, ids)

    assert response.status_code == 200


def test_a_free_mail_domain_is_refused_by_the_api_and_the_admin(api_as, agent):
    from frontline.customers.admin import DomainForm

    acme = factories.make_organisation(name="Acme")

    added = api_as(agent).post(f"{API}/organisations/{acme.pk}/domains", {"domain": "gmail.com"})
    created = api_as(agent).post(
        f"{API}/organisations", {"name": "Initech", "domains": ["initech.test", "Hotmail.com"]}
    )
    form = DomainForm(data={"domain": "yandex.ru"})

    assert (added.status_code, added.json()["field"]) == (422, "domains")
    assert "gmail.com is a free-mail domain" in added.json()["detail"]
    assert created.status_code == 422
    assert not Organisation.objects.filter(name="Initech").exists()
    assert not form.is_valid()
    assert "free-mail domain" in form.errors["domain"][0]


def test_person_email_is_null_for_a_customer_without_one_and_openapi_says_so(api_as, agent):
    from frontline.api import api
    from frontline.customers.services import create_customer

    phone_only = create_customer(name="Phone Only")
    ticket = factories.make_ticket(customer=phone_only, team=agent.teams.first())

    read = api_as(agent).get(f"/api/v1/tickets/{ticket.pk}").json()
    person = api.get_openapi_schema()["components"]["schemas"]["PersonOut"]

    assert read["customer"]["email"] is None
    assert {"type": "null"} in person["properties"]["email"]["anyOf"]
