"""Triage rules: validated on save, run on every new ticket through the tickets services,
a broken rule skipped and reported, the rules page and API for supervisors only."""

import json
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.test import Client

from frontline.core.actors import Actor
from frontline.core.errors import PermissionDenied, ValidationFailed
from frontline.customers.models import Tier
from frontline.testing import factories
from frontline.tickets.models import EventType, Priority
from frontline.triage import rules
from frontline.triage.models import RuleFiring, TriageRule

REFUND = {"field": "subject", "op": "contains", "value": "refund"}


def new_rule(supervisor, **fields):
    values: dict[str, Any] = {
        "name": "Refunds",
        "conditions": {"all": [REFUND]},
        "add_tags": ["refund"],
    }
    values.update(fields)
    return rules.create_rule(fields=rules.RuleFields(**values), actor=Actor.for_user(supervisor))


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_matching_rule_sets_category_priority_team_and_tags_as_the_system(
    supervisor, team, other_team, customer
):
    billing = factories.make_category(name="Billing")
    rule = new_rule(
        supervisor,
        set_category_id=billing.pk,
        set_priority="high",
        set_team_id=other_team.pk,
        add_tags=["refund"],
    )

    ticket = factories.make_ticket(
        customer=customer, team=team, subject="Refund please", tags=("vat",)
    )

    ticket.refresh_from_db()
    assert (ticket.category, ticket.priority, ticket.team) == (billing, "high", other_team)
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["refund", "vat"]
    system_events = ticket.events.filter(actor_type="system").values_list("type", flat=True)
    assert {EventType.TEAM_CHANGED, EventType.PRIORITY_CHANGED, EventType.TAGS_CHANGED} <= set(
        system_events
    )
    firing = RuleFiring.objects.get(ticket=ticket)
    assert firing.rule_name == "Refunds"
    assert firing.changes == {
        "priority": "high",
        "team": other_team.name,
        "category": "Billing",
        "tags": ["refund"],
    }
    rule.refresh_from_db()
    assert rule.match_count == 1


def test_rules_test_the_organisation_language_and_sentiment(supervisor, team):
    new_rule(
        supervisor,
        name="Enterprise",
        conditions={"field": "organisation.tier", "op": "eq", "value": "enterprise"},
        set_priority="high",
        add_tags=[],
    )
    new_rule(
        supervisor,
        name="Unhappy",
        conditions={"field": "sentiment_label", "op": "eq", "value": "negative"},
        add_tags=["unhappy"],
    )
    new_rule(
        supervisor,
        name="German",
        conditions={"field": "language", "op": "eq", "value": "de"},
        add_tags=["german"],
    )
    big = factories.make_customer(organisation=factories.make_organisation(tier=Tier.ENTERPRISE))

    angry = factories.make_ticket(
        customer=big,
        subject="Still broken",
        body="This is terrible. Your product is useless and I am furious.",
    )
    german = factories.make_ticket(
        subject="Anmeldung",
        body="Ich kann mich seit gestern nicht mehr anmelden, das Passwort wird abgelehnt.",
    )

    angry.refresh_from_db()
    assert angry.priority == Priority.HIGH
    assert list(angry.tags.values_list("name", flat=True)) == ["unhappy"]
    assert list(german.tags.values_list("name", flat=True)) == ["german"]
    assert german.priority == Priority.NORMAL


def test_stop_processing_ends_the_run_and_order_decides(supervisor):
    new_rule(supervisor, name="First", stop_processing=True, add_tags=["first"])
    new_rule(supervisor, name="Second", add_tags=["second"])

    ticket = factories.make_ticket(subject="Refund")

    assert list(ticket.tags.values_list("name", flat=True)) == ["first"]


def test_the_api_answers_with_what_the_rules_set(supervisor, agent, team, other_team, api_as):
    new_rule(supervisor, set_priority="urgent", add_tags=["refund"])

    created = api_as(agent).post(
        "/api/v1/tickets",
        {"subject": "Refund for March", "body": "Twice charged", "customer": {"email": "a@b.test"}},
    )

    assert created.status_code == 201
    assert created.json()["priority"] == "urgent"
    assert created.json()["tags"] == ["refund"]


def test_a_broken_rule_is_skipped_and_reported_and_the_ticket_still_opens(supervisor, customer):
    broken = new_rule(supervisor, name="Broken", add_tags=["never"])
    # Stored conditions edited behind the service's back (or a later change of facts).
    TriageRule.objects.filter(pk=broken.pk).update(conditions={"field": "nope", "op": "eq"})
    new_rule(supervisor, name="Works", add_tags=["works"])

    ticket = factories.make_ticket(customer=customer, subject="Refund")

    assert list(ticket.tags.values_list("name", flat=True)) == ["works"]
    broken.refresh_from_db()
    assert "Unknown field 'nope'" in broken.last_error
    assert broken.last_error_at is not None
    page = signed_in(supervisor).get("/triage/").content.decode()
    assert "Unknown field" in page
    assert "Error" in page


def test_a_change_the_ticket_refuses_undoes_only_that_rule(supervisor, customer):
    rule = new_rule(supervisor, name="Bad priority", add_tags=["kept-out"])
    TriageRule.objects.filter(pk=rule.pk).update(set_priority="enormous")
    new_rule(supervisor, name="Works", add_tags=["works"])

    ticket = factories.make_ticket(customer=customer, subject="Refund")

    assert list(ticket.tags.values_list("name", flat=True)) == ["works"]
    assert not RuleFiring.objects.filter(rule=rule).exists()
    rule.refresh_from_db()
    assert "enormous" in rule.last_error


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": " "}, "name", "A rule needs a name."),
        ({"conditions": {"all": [{"field": "subjekt", "op": "eq", "value": "x"}]}},
         "conditions.all[0].field", "Unknown field 'subjekt'"),
        ({"conditions": {"field": "body", "op": "matches", "value": "(a+)+"}},
         "conditions.value", "Nested repetition"),
        ({"conditions": ["not", "an", "object"]}, "conditions", "JSON object"),
        ({"set_priority": "enormous"}, "set_priority", "Priority is one of"),
        ({"set_team_id": 999999}, "set_team_id", "There is no team"),
        ({"add_tags": ["has space"]}, "add_tags", "not a valid tag"),
        ({"add_tags": []}, "actions", "sets a category, priority or team"),
    ],
)  # fmt: skip
def test_validation_names_the_field_at_fault(supervisor, fields, field, message):
    with pytest.raises(ValidationFailed) as refused:
        new_rule(supervisor, **fields)
    assert refused.value.field == field
    assert message in refused.value.message


def test_only_supervisors_and_above_change_rules(agent, supervisor):
    with pytest.raises(PermissionDenied):
        new_rule(agent)
    rule = new_rule(supervisor)
    with pytest.raises(PermissionDenied):
        rules.delete_rule(rule, actor=Actor.for_user(agent))


def test_moving_a_rule_renumbers_them_all(supervisor):
    *_, c = (new_rule(supervisor, name=n) for n in "ABC")

    rules.move_rule(c, position=0, actor=Actor.for_user(supervisor))

    assert list(TriageRule.objects.values_list("name", flat=True)) == ["C", "A", "B"]


def test_with_no_rules_a_new_ticket_costs_one_lookup(customer, django_assert_num_queries):
    """The active rules are read once per ticket; none costs nothing more."""
    from frontline.triage.rules import active_rules

    with django_assert_num_queries(1):
        assert active_rules() == []


def test_the_rules_page_lists_creates_previews_and_refuses_associates(supervisor, agent, customer):
    factories.make_ticket(customer=customer, subject="Refund for May")
    factories.make_ticket(customer=customer, subject="Password reset")
    client = signed_in(supervisor)

    created = client.post(
        "/triage/rules/new/",
        {
            "name": "Refunds",
            "conditions": json.dumps(REFUND),
            "add_tags": "refund, money",
            "is_active": "on",
        },
    )
    preview = client.post("/triage/rules/preview/", {"conditions": json.dumps(REFUND)})
    bad = client.post("/triage/rules/new/", {"name": "X", "conditions": "{", "add_tags": "a"})
    listed = client.get("/triage/").content.decode()

    assert created.status_code == 302
    assert TriageRule.objects.get().add_tags == ["money", "refund"]
    assert "1 of 2" in preview.content.decode()
    assert "Refund for May" in preview.content.decode()
    assert bad.status_code == 422
    assert "not valid JSON" in bad.content.decode()
    assert "subject contains &quot;refund&quot;" in listed
    for path in ("/triage/", "/triage/rules/new/"):
        assert signed_in(agent).get(path).status_code == 403
    assert signed_in(agent).post("/triage/rules/preview/", {"conditions": "{}"}).status_code == 403
    assert signed_in(customer.user).get("/triage/").status_code == 403


def test_the_rules_api_creates_reads_changes_and_deletes(supervisor, agent, api_as):
    client = api_as(supervisor)
    body = {"name": "Refunds", "conditions": REFUND, "add_tags": ["refund"], "set_priority": "high"}

    created = client.post("/api/v1/triage/rules", body)
    rule_id = created.json()["id"]
    changed = client.patch(f"/api/v1/triage/rules/{rule_id}", {"is_active": False})
    invalid = client.patch(
        f"/api/v1/triage/rules/{rule_id}", {"conditions": {"field": "x", "op": "eq", "value": 1}}
    )
    listed = client.get("/api/v1/triage/rules").json()

    assert created.status_code == 201
    assert created.json()["summary"] == 'subject contains "refund"'
    assert changed.json()["is_active"] is False
    assert invalid.status_code == 422
    assert invalid.json()["field"] == "conditions.field"
    assert [r["id"] for r in listed["items"]] == [rule_id]
    assert api_as(agent).post("/api/v1/triage/rules", body).status_code == 403
    assert api_as(agent).delete(f"/api/v1/triage/rules/{rule_id}").status_code == 403
    assert client.delete(f"/api/v1/triage/rules/{rule_id}").status_code == 204
    assert not TriageRule.objects.exists()


def test_a_rule_can_test_business_hours_of_an_sla_calendar(supervisor, customer):
    office = factories.make_calendar(name="Office")  # Monday to Friday, 09:00 to 17:00
    new_rule(
        supervisor,
        name="Out of hours",
        conditions={"field": "now", "op": "outside_calendar", "value": office.pk},
        add_tags=["out-of-hours"],
    )
    with pytest.raises(ValidationFailed) as refused:
        new_rule(supervisor, conditions={"field": "now", "op": "within_calendar", "value": 9999})

    with time_machine.travel(datetime(2026, 12, 7, 10, tzinfo=UTC), tick=False):  # Monday
        in_hours = factories.make_ticket(customer=customer)
    with time_machine.travel(datetime(2026, 12, 6, 12, tzinfo=UTC), tick=False):  # Sunday
        sunday = factories.make_ticket(customer=customer)

    assert list(in_hours.tags.values_list("name", flat=True)) == []
    assert list(sunday.tags.values_list("name", flat=True)) == ["out-of-hours"]
    assert refused.value.field == "conditions.value"


def test_the_admin_saves_rules_through_the_service_and_shows_its_refusal(admin_user):
    client = signed_in(admin_user)
    form = {
        "name": "From the admin",
        "description": "",
        "is_active": "on",
        "conditions": json.dumps({"field": "subjekt", "op": "eq", "value": "x"}),
        "set_priority": "high",
        "add_tags": "[]",
        "position": "0",
    }

    refused = client.post("/admin/triage/triagerule/add/", form, follow=True)
    form["conditions"] = json.dumps(REFUND)
    saved = client.post("/admin/triage/triagerule/add/", form)

    assert "Unknown field" in refused.content.decode()
    assert saved.status_code == 302
    rule = TriageRule.objects.get()
    assert (rule.name, rule.set_priority, rule.created_by) == ("From the admin", "high", admin_user)
