import base64

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from frontline.core.actors import Actor
from frontline.customers.models import Tier
from frontline.testing import factories
from frontline.tickets import services
from frontline.tickets.models import FieldType, Priority, Status, Ticket


def open_via_api(client, **extra):
    body = {
        "subject": "Invoice shows the wrong VAT",
        "body": "Our invoice for March has 19% VAT instead of 7%.",
        "customer": {"email": "New.Person@Example.test", "name": "New Person"},
        **extra,
    }
    return client.post("/api/v1/tickets", body)


def test_a_program_works_a_ticket_from_open_to_solved(agent, team, api_as):
    client = api_as(agent)

    created = open_via_api(client, priority="high", tags=["billing"])
    assert created.status_code == 201
    ticket = created.json()
    assert ticket["status"] == "new"
    assert ticket["priority"] == "high"
    assert ticket["customer"]["email"] == "new.person@example.test"
    assert ticket["team"] == {"id": team.pk, "name": team.name}
    assert ticket["tags"] == ["billing"]
    path = f"/api/v1/tickets/{ticket['id']}"

    reply = client.post(f"{path}/replies", {"body": "We are checking the invoice."})
    assert reply.status_code == 201
    assert reply.json()["kind"] == "reply"
    assert reply.json()["direction"] == "outbound"
    note = client.post(f"{path}/notes", {"body": "Finance says the rate table is stale."})
    assert note.status_code == 201
    assert note.json()["kind"] == "note"
    assigned = client.patch(path, {"assignee_id": agent.pk})
    assert assigned.json()["assignee"]["id"] == agent.pk
    solved = client.patch(path, {"status": "solved"})
    assert solved.json()["status"] == "solved"

    detail = client.get(path).json()
    assert [m["kind"] for m in detail["messages"]] == ["reply", "reply", "note"]
    assert detail["messages"][0]["direction"] == "inbound"
    events = client.get(f"{path}/events").json()
    assert [e["type"] for e in events["items"]] == [
        "created",
        "message_added",
        "tags_changed",
        "message_added",
        "status_changed",
        "message_added",
        "assigned",
        "status_changed",
    ]
    assert events["items"][-1]["data"] == {"from": "open", "to": "solved"}
    assert events["items"][-1]["actor"]["id"] == agent.pk


def test_list_pages_with_a_cursor_and_keeps_filters(agent, team, api_as):
    for _ in range(5):
        factories.make_ticket(team=team)
    client = api_as(agent)

    first = client.get("/api/v1/tickets", page_size=2, status="new").json()
    assert len(first["items"]) == 2
    assert first["next"].startswith("/api/v1/tickets?")
    assert "status=new" in first["next"]
    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()

    seen = [t["id"] for page in (first, second, third) for t in page["items"]]
    assert len(seen) == len(set(seen)) == 5
    assert third["next"] is None


def test_pages_neither_skip_nor_repeat_tickets_updated_at_the_same_instant(agent, team, api_as):
    tickets = [factories.make_ticket(team=team) for _ in range(7)]
    same = tickets[0].updated_at
    Ticket.objects.filter(pk__in=[t.pk for t in tickets[1:6]]).update(updated_at=same)
    client = api_as(agent)

    seen, path = [], "/api/v1/tickets?page_size=2"
    while path:
        page = client.get(path).json()
        seen += [t["id"] for t in page["items"]]
        path = page["next"]

    assert sorted(seen) == sorted(t.pk for t in tickets)
    assert len(seen) == 7


def test_page_size_is_capped(agent, api_as):
    response = api_as(agent).get("/api/v1/tickets", page_size=1000)

    assert response.status_code == 422
    assert response.json()["field"] == "page_size"


def test_filters_narrow_the_list(agent, team, api_as):
    urgent = factories.make_ticket(team=team, priority=Priority.URGENT, tags=("outage",))
    factories.make_ticket(team=team)
    client = api_as(agent)

    by_priority = client.get("/api/v1/tickets", priority="urgent").json()["items"]
    by_tag = client.get("/api/v1/tickets", tag="outage").json()["items"]
    unassigned = client.get("/api/v1/tickets", assignee_id="none").json()["items"]

    assert [t["id"] for t in by_priority] == [urgent.pk]
    assert [t["id"] for t in by_tag] == [urgent.pk]
    assert len(unassigned) == 2


def test_unknown_filter_value_names_the_field(agent, api_as):
    response = api_as(agent).get("/api/v1/tickets", status="exploded")

    assert response.status_code == 422
    assert response.json()["field"] == "status"


def test_customer_token_sees_only_their_own_tickets(customer, other_customer, team, api_as):
    mine = factories.make_ticket(customer=customer, team=team)
    theirs = factories.make_ticket(customer=other_customer, team=team)
    client = api_as(customer.user)

    listed = client.get("/api/v1/tickets").json()["items"]

    assert [t["id"] for t in listed] == [mine.pk]
    assert client.get(f"/api/v1/tickets/{theirs.pk}").status_code == 404
    assert client.post(f"/api/v1/tickets/{theirs.pk}/replies", {"body": "hi"}).status_code == 404


def test_customer_never_sees_internal_notes(agent, customer, team, api_as):
    ticket = factories.make_ticket(customer=customer, team=team)
    services.add_note(ticket, body="internal only", actor=Actor.for_user(agent))

    detail = api_as(customer.user).get(f"/api/v1/tickets/{ticket.pk}").json()

    assert [m["kind"] for m in detail["messages"]] == ["reply"]
    assert "internal only" not in str(detail)


def test_customer_opens_a_ticket_for_themself_only(customer, api_as):
    response = open_via_api(api_as(customer.user), priority="urgent")

    assert response.status_code == 201
    ticket = response.json()
    assert ticket["customer"]["id"] == customer.pk
    assert ticket["priority"] == "normal"
    assert ticket["channel"] == "portal"


def test_customer_cannot_change_fields_or_add_notes(customer, team, api_as):
    ticket = factories.make_ticket(customer=customer, team=team)
    client = api_as(customer.user)

    assert client.patch(f"/api/v1/tickets/{ticket.pk}", {"priority": "urgent"}).status_code == 403
    assert client.post(f"/api/v1/tickets/{ticket.pk}/notes", {"body": "x"}).status_code == 403
    assert client.get(f"/api/v1/tickets/{ticket.pk}/events").status_code == 403
    solved = client.patch(f"/api/v1/tickets/{ticket.pk}", {"status": "solved"})
    assert solved.status_code == 200
    assert solved.json()["status"] == "solved"


def test_agent_outside_the_team_is_refused(outsider, team, api_as):
    ticket = factories.make_ticket(team=team)
    client = api_as(outsider)
    path = f"/api/v1/tickets/{ticket.pk}"

    assert client.get(path).status_code == 404
    assert client.patch(path, {"priority": "low"}).status_code == 404
    assert client.post(f"{path}/replies", {"body": "x"}).status_code == 404
    assert client.post(f"{path}/notes", {"body": "x"}).status_code == 404
    assert client.get(f"{path}/events").status_code == 404
    assert client.get("/api/v1/tickets").json()["items"] == []


def test_analyst_reads_but_cannot_write(analyst, team, api_as):
    ticket = factories.make_ticket(team=team)
    client = api_as(analyst)
    path = f"/api/v1/tickets/{ticket.pk}"

    assert client.get(path).status_code == 200
    assert client.patch(path, {"priority": "low"}).status_code == 403
    assert client.post(f"{path}/replies", {"body": "x"}).status_code == 403
    assert open_via_api(client).status_code == 403


def test_anonymous_and_bad_tokens_get_401(team, api_as, client):
    ticket = factories.make_ticket(team=team)

    anonymous = api_as(None).get(f"/api/v1/tickets/{ticket.pk}")
    forged = client.get("/api/v1/tickets", HTTP_AUTHORIZATION="Bearer flt_not-a-real-token")

    assert anonymous.status_code == 401
    assert anonymous.json()["code"] == "not_authenticated"
    assert forged.status_code == 401


def test_revoked_token_stops_working(agent, client):
    from frontline.accounts.services import issue_token, revoke_token

    issued = issue_token(agent)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {issued.secret}"}
    assert client.get("/api/v1/me", **headers).status_code == 200

    revoke_token(issued.token)

    assert client.get("/api/v1/me", **headers).status_code == 401


def test_malformed_json_gets_a_clear_error(agent, client):
    from frontline.accounts.services import issue_token

    response = client.post(
        "/api/v1/tickets",
        "{not json",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {issue_token(agent).secret}",
    )

    assert response.status_code in (400, 422)
    assert set(response.json()) >= {"detail", "code"}


def test_validation_error_names_the_field(agent, api_as):
    response = api_as(agent).post("/api/v1/tickets", {"subject": "", "body": "x"})

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["field"] == "subject"


def test_invalid_transition_is_a_conflict(agent, team, api_as):
    ticket = factories.make_ticket(team=team)

    response = api_as(agent).patch(f"/api/v1/tickets/{ticket.pk}", {"status": "closed"})

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


def test_patch_with_null_assignee_unassigns(agent, team, api_as):
    ticket = factories.make_ticket(team=team)
    client = api_as(agent)
    client.patch(f"/api/v1/tickets/{ticket.pk}", {"assignee_id": agent.pk})

    response = client.patch(f"/api/v1/tickets/{ticket.pk}", {"assignee_id": None})

    assert response.json()["assignee"] is None


def test_failed_patch_changes_nothing(agent, outsider, team, api_as):
    ticket = factories.make_ticket(team=team)

    response = api_as(agent).patch(
        f"/api/v1/tickets/{ticket.pk}", {"priority": "urgent", "assignee_id": outsider.pk}
    )

    assert response.status_code == 422
    ticket.refresh_from_db()
    assert ticket.priority == "normal"


def test_merge_through_the_api(agent, team, api_as):
    source = factories.make_ticket(team=team)
    target = factories.make_ticket(team=team)

    response = api_as(agent).post(f"/api/v1/tickets/{source.pk}/merge", {"into_id": target.pk})

    assert response.status_code == 200
    assert response.json()["message_count"] == 2
    source.refresh_from_db()
    assert source.merged_into_id == target.pk


def test_attachment_upload_and_download_respect_visibility(
    agent, customer, other_customer, team, api_as
):
    ticket = factories.make_ticket(customer=customer, team=team)
    content = b"screenshot bytes"
    reply = api_as(customer.user).post(
        f"/api/v1/tickets/{ticket.pk}/replies",
        {
            "body": "Here is a screenshot",
            "attachments": [
                {"filename": "shot.png", "content_base64": base64.b64encode(content).decode()}
            ],
        },
    )
    url = reply.json()["attachments"][0]["url"]

    download = api_as(agent).get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert api_as(other_customer.user).get(url).status_code == 404


def test_me_describes_the_caller(agent, team, api_as):
    me = api_as(agent).get("/api/v1/me").json()

    assert me == {
        "id": agent.pk,
        "email": agent.email,
        "name": agent.name,
        "role": "associate",
        "teams": [{"id": team.pk, "name": team.name}],
        "customer_id": None,
    }


@pytest.mark.parametrize("tickets", [3, 12])
def test_list_query_count_does_not_grow_with_the_page(agent, team, api_as, tickets):
    for _ in range(tickets):
        factories.make_ticket(team=team, tags=("a", "b"))
    client = api_as(agent)
    client.get("/api/v1/tickets")  # token look-up touches last_used_at once

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/tickets")

    assert len(response.json()["items"]) == tickets
    # Token with its user, the agent's teams and managed organisations, the page, its
    # tags, its customers' addresses.
    assert len(queries) == 5


def test_ticket_read_query_count_does_not_grow_with_messages(agent, team, api_as):
    ticket = factories.make_ticket(team=team)
    actor = Actor.for_user(agent)
    for n in range(19):
        services.reply_to_ticket(ticket, body=f"message {n}", actor=actor)
    client = api_as(agent)
    client.get("/api/v1/me")

    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/tickets/{ticket.pk}")

    assert len(response.json()["messages"]) == 20
    # The ninth query reads the ticket's SLA targets with their calendars, the tenth its
    # tier summary (routing's ``tier`` field), the eleventh its language and sentiment
    # readings (triage's ``triage`` field).
    assert len(queries) == 11


def test_customer_list_query_count(customer, team, api_as):
    for _ in range(6):
        factories.make_ticket(customer=customer, team=team)
    client = api_as(customer.user)
    client.get("/api/v1/me")

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/tickets")

    assert len(response.json()["items"]) == 6
    # token, customer, copied-ticket ids, tickets, tags, identities
    assert len(queries) == 6


def test_body_must_be_an_object_with_known_fields(agent, team, api_as):
    ticket = factories.make_ticket(team=team)
    client = api_as(agent)

    as_list = client.patch(f"/api/v1/tickets/{ticket.pk}", [None, None])
    misspelt = client.patch(f"/api/v1/tickets/{ticket.pk}", {"priorty": "urgent"})

    assert as_list.status_code == 422
    assert misspelt.status_code == 422
    assert misspelt.json()["field"] == "priorty"


def test_ids_beyond_64_bits_are_refused_not_crashed(agent, api_as):
    response = api_as(agent).get("/api/v1/tickets", organisation_id=2**70)

    assert response.status_code == 422
    assert response.json()["field"] == "organisation_id"


def test_opening_answers_the_ticket_as_a_later_read_shows_it(agent, team, api_as):
    organisation = factories.make_organisation(name="Northwind", tier=Tier.ENTERPRISE)
    customer = factories.make_customer(email="ann@northwind.test", organisation=organisation)
    category = factories.make_category(name="Billing")
    factories.make_custom_field(key="order_ref")
    factories.make_custom_field(key="amount", field_type=FieldType.NUMBER)
    client = api_as(agent)

    created = open_via_api(
        client,
        customer={"email": "ann@northwind.test"},
        priority="urgent",
        category=category.slug,
        tags=["VAT", "refund"],
        custom_fields={"order_ref": "A-17", "amount": 12.5},
    )

    assert created.status_code == 201
    read = client.get(f"/api/v1/tickets/{created.json()['id']}").json()
    listed = client.get("/api/v1/tickets").json()["items"]
    assert created.json() == {key: read[key] for key in created.json()}
    assert [created.json()] == listed
    assert created.json()["customer"] == {
        "id": customer.pk,
        "name": customer.name,
        "email": "ann@northwind.test",
    }
    assert created.json()["organisation"] == {"id": organisation.pk, "name": "Northwind"}
    assert created.json()["message_count"] == 1


def test_opening_a_ticket_takes_a_fixed_number_of_queries(agent, team, api_as):
    organisation = factories.make_organisation(tier=Tier.ENTERPRISE)
    factories.make_customer(email="ann@northwind.test", organisation=organisation)
    client = api_as(agent)
    open_via_api(client, customer={"email": "ann@northwind.test"})  # token touched once

    with CaptureQueriesContext(connection) as queries:
        response = open_via_api(client, customer={"email": "ann@northwind.test"})

    assert response.status_code == 201
    assert response.json()["organisation"]["id"] == organisation.pk
    # Before the transaction: the token with its user, the customer by address, the agent's
    # first team. Inside (a savepoint here, BEGIN and COMMIT in a request): the ticket number,
    # ticket, event; SLA: config token, the organisation's tier, summary, targets, history;
    # message, event; triage: the message read back, its language and sentiment, the
    # active rules (none here). Then the tags and addresses. The search document: the
    # ticket, its messages, its tags and addresses; written in one statement on PostgreSQL,
    # a delete and an insert on SQLite's FTS5.
    index_writes = 1 if connection.vendor == "postgresql" else 2
    assert len(queries) == 20 + 3 + index_writes


def test_times_in_filters_are_read_in_utc_whatever_their_offset(agent, team, customer, api_as):
    factories.make_ticket(customer=customer, team=team)
    client = api_as(agent)

    # An offset Python reads but PostgreSQL refuses answered 500 there.
    far = client.get("/api/v1/tickets", updated_since="2450-02-24T14:12:41-18:20")
    near = client.get("/api/v1/tickets", updated_since="2000-01-01T00:00:00-18:20")
    past_the_end = client.get("/api/v1/tickets", updated_since="9999-12-31T23:00:00-10:00")

    assert (far.status_code, far.json()["items"]) == (200, [])
    assert near.status_code == 200
    assert len(near.json()["items"]) == 1
    assert past_the_end.status_code == 422
    assert past_the_end.json()["field"] == "updated_since"
