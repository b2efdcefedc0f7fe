"""Who the API takes a request from: a bearer token is judged alone (a bad one is 401, never
a CSRF refusal, and a session cookie riding along does not rescue it); without one, the
signed-in session with Django's CSRF check on writes."""

import pytest
from django.test import Client

from frontline.accounts.models import Role
from frontline.testing import factories

WRITES = [
    ("POST", "/api/v1/teams", '{"name": "Night shift"}'),
    ("PATCH", "/api/v1/teams/{team}", '{"name": "Renamed"}'),
    ("DELETE", "/api/v1/me/tokens/{token}", "{}"),
]
BAD_TOKENS = ["flt_not-a-real-token", "garbage", ""]


@pytest.fixture
def head(db):
    return factories.make_agent(role=Role.HEAD_OF_SUPPORT, name="Hana Head")


@pytest.fixture
def paths(head, team):
    token = factories.token_for(head)
    token_id = head.api_tokens.get().pk
    return {"team": team.pk, "token": token_id, "secret": token}


def write(client, method, path, body, paths, **headers):
    return client.generic(
        method,
        path.format(**paths),
        body,
        content_type="application/json",
        headers=headers,
    )


@pytest.mark.parametrize("bad", BAD_TOKENS)
@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_a_write_with_a_bad_token_is_401_not_a_csrf_refusal(paths, method, path, body, bad):
    # CSRF enforced as in a real deployment (the test client skips it by default).
    client = Client(enforce_csrf_checks=True)

    response = write(client, method, path, body, paths, Authorization=f"Bearer {bad}")

    assert response.status_code == 401
    assert response.json() == {
        "detail": "Authentication required: send 'Authorization: Bearer <token>'.",
        "code": "not_authenticated",
    }


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_a_session_does_not_rescue_a_bad_token(head, paths, method, path, body):
    client = Client(enforce_csrf_checks=True)
    client.force_login(head)

    response = write(client, method, path, body, paths, Authorization="Bearer flt_wrong")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_a_good_token_writes_without_csrf(head, paths, method, path, body):
    client = Client(enforce_csrf_checks=True)

    response = write(client, method, path, body, paths, Authorization=f"Bearer {paths['secret']}")

    assert response.status_code in (200, 201)


def test_a_session_write_without_a_csrf_token_is_refused(head, paths):
    client = Client(enforce_csrf_checks=True)
    client.force_login(head)

    response = write(client, "POST", "/api/v1/teams", '{"name": "Night shift"}', paths)

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_a_session_write_with_its_csrf_token_goes_through(head, paths):
    client = Client(enforce_csrf_checks=True)
    client.force_login(head)
    client.get("/accounts/preferences/")
    csrf = client.cookies["csrftoken"].value

    response = write(
        client, "POST", "/api/v1/teams", '{"name": "Night shift"}', paths, X_CSRFToken=csrf
    )

    assert response.status_code == 201


def test_a_session_reads_and_a_bad_token_does_not(head, paths):
    client = Client()
    client.force_login(head)

    assert client.get("/api/v1/me").status_code == 200
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer nope"}).status_code == 401
