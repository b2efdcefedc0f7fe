"""The API's validation errors name the field that was wrong, nested ones included."""

import pytest


@pytest.fixture
def api(agent, api_as):
    return api_as(agent)


def fields_of(response):
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == body["errors"][0]["field"]
    return [error["field"] for error in body["errors"]]


def test_a_wrong_nested_field_is_named_by_its_path(api):
    response = api.post(
        "/api/v1/tickets",
        {
            "subject": "x",
            "body": "y",
            "customer": {"email": 5},
            "attachments": [{"filename": "a", "content_base64": "aGk="}, {"filename": "b"}],
        },
    )

    assert fields_of(response) == ["customer.email", "attachments.1.content_base64"]


def test_a_nul_character_is_reported_on_the_field_that_holds_it(api):
    customer = api.post(
        "/api/v1/tickets",
        {"subject": "x", "body": "y", "customer": {"email": "c@example.test", "name": "C\x00"}},
    )
    attachment = api.post(
        "/api/v1/tickets",
        {
            "subject": "x",
            "body": "y",
            "customer": {"email": "c@example.test"},
            "attachments": [
                {"filename": "fine", "content_base64": ""},
                {"filename": "bad\x00", "content_base64": ""},
            ],
        },
    )
    custom = api.post(
        "/api/v1/tickets",
        {
            "subject": "x",
            "body": "y",
            "customer": {"email": "c@example.test"},
            "tags": ["ok", "not\x00ok"],
        },
    )

    assert fields_of(customer) == ["customer.name"]
    assert fields_of(attachment) == ["attachments.1.filename"]
    assert fields_of(custom) == ["tags.1"]


def test_fields_named_like_request_parts_keep_their_names(api, ticket_for_agent):
    """``body`` is a field of a reply as well as where Ninja says the payload is."""
    response = api.post(f"/api/v1/tickets/{ticket_for_agent.pk}/replies", {"body": 5})

    assert fields_of(response) == ["body"]


def test_query_and_path_errors_name_the_parameter(api):
    assert fields_of(api.get("/api/v1/tickets", page_size="many")) == ["page_size"]
    assert fields_of(api.get("/api/v1/tickets/0")) == ["ticket_id"]


def test_a_body_that_is_not_an_object_is_an_error_of_the_body(api):
    assert fields_of(api.post("/api/v1/tickets", [1])) == ["body"]


@pytest.fixture
def ticket_for_agent(agent, customer):
    from frontline.testing import factories

    return factories.make_ticket(customer=customer, team=agent.teams.first())
