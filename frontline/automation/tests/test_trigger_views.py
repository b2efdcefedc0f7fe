"""The Automation page: triggers listed in order, created and edited with field errors,
dry-run inline, reordered, disabled; refused to everyone but configurators."""

import json

import pytest

from frontline.accounts.models import Role
from frontline.automation.models import Trigger
from frontline.testing import factories
from frontline.triage.tests.test_rules import signed_in

VIP = {"field": "customer.is_vip", "op": "eq", "value": True}
TAG = [{"type": "add_tags", "tags": ["vip"]}]
# Session, user, the triggers, the recent firings with their tickets, the time rules and
# the workspace header (notifications, navigation).
PAGE_QUERIES = 6


@pytest.fixture
def head(db):
    return factories.make_agent(role=Role.HEAD_OF_SUPPORT)


def test_the_page_creates_lists_dry_runs_reorders_and_disables_triggers(head):
    factories.make_ticket(customer=factories.make_customer(is_vip=True), subject="Gold customer")
    factories.make_ticket(subject="Ordinary")
    client = signed_in(head)
    form = {"name": "VIP tag", "events": ["created"], "conditions": json.dumps(VIP),
            "actions": json.dumps(TAG), "is_active": "on"}  # fmt: skip

    created = client.post("/automation/triggers/new/", form)
    client.post("/automation/triggers/new/", form | {"name": "Second", "conditions": ""})
    bad = client.post("/automation/triggers/new/", form | {"name": "X", "actions": "[{"})
    unknown = client.post("/automation/triggers/new/", form | {"name": "Y", "events": ["nope"]})
    dry = client.post(
        "/automation/triggers/dry-run/",
        {"conditions": json.dumps(VIP), "events": ["created"], "last": "10"},
    )
    second = Trigger.objects.get(name="Second")
    client.post(f"/automation/triggers/{second.pk}/move/", {"direction": "up"})
    client.post(f"/automation/triggers/{second.pk}/toggle/")
    listed = client.get("/automation/").content.decode()

    assert created.status_code == 302
    assert Trigger.objects.get(name="VIP tag").actions == TAG
    assert (bad.status_code, unknown.status_code) == (422, 422)
    assert "Not valid JSON" in bad.content.decode()
    assert "1 of 2" in dry.content.decode()
    assert "Gold customer" in dry.content.decode()
    assert [t.name for t in Trigger.objects.order_by("position")] == ["Second", "VIP tag"]
    assert not Trigger.objects.get(name="Second").is_active
    assert "customer.is_vip is true" in listed
    assert "Time rules" in listed


@pytest.mark.parametrize("who", ["agent", "supervisor", "analyst"])
def test_the_page_is_refused_to_all_but_configurators(who, request, head):
    trigger = factories.make_trigger(events=["created"], actions=TAG)
    client = signed_in(request.getfixturevalue(who))

    assert client.get("/automation/").status_code == 403
    assert client.get("/automation/triggers/new/").status_code == 403
    assert client.get(f"/automation/triggers/{trigger.pk}/").status_code == 403
    assert client.post(f"/automation/triggers/{trigger.pk}/toggle/").status_code == 403
    assert client.post(f"/automation/triggers/{trigger.pk}/delete/").status_code == 403
    assert client.post("/automation/triggers/dry-run/", {"conditions": "{}"}).status_code == 403
    assert Trigger.objects.filter(pk=trigger.pk, is_active=True).exists()


def test_customers_are_refused(customer):
    assert signed_in(customer.user).get("/automation/").status_code in (302, 403)


def _triggers_with_firings(first: int, count: int) -> None:
    ticket = factories.make_ticket()
    for n in range(first, first + count):
        trigger = factories.make_trigger(
            name=f"Pinned {n}", events=["updated"], actions=TAG, conditions=VIP
        )
        trigger.firings.create(
            trigger_name=trigger.name, ticket=ticket, event="updated", depth=1,
            summary=f"rule 'Pinned {n}' fired", created_at=ticket.created_at,
        )  # fmt: skip


def test_the_page_reads_a_fixed_number_of_queries_however_many_triggers(
    head, django_assert_num_queries
):
    client = signed_in(head)
    _triggers_with_firings(0, 2)
    client.get("/automation/")  # sessions and caches warm
    with django_assert_num_queries(PAGE_QUERIES):
        few = client.get("/automation/")
    _triggers_with_firings(2, 25)
    with django_assert_num_queries(PAGE_QUERIES):
        many = client.get("/automation/")

    assert few.status_code == many.status_code == 200
    assert "Pinned 26" in many.content.decode()
