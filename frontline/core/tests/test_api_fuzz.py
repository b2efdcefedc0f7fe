"""Every API operation fuzzed against the OpenAPI schema it publishes.

Schemathesis generates valid and invalid requests for each operation and checks that the
answer is never a 5xx, that its status code is documented, and that its body matches the
documented schema. Requests run in-process (WSGI) as an admin, who can reach every route.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from frontline.testing import factories
from frontline.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def _keep_test_connection():
    """Calling the WSGI app directly fires request_finished, whose handler closes the
    database connection and with it the test's transaction; Django's test client
    disconnects it the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def admin_token(db, _keep_test_connection, admin_user, agent, customer, team):
    factories.make_ticket(customer=customer, team=team)
    return factories.token_for(admin_user)


@schema.parametrize()
@settings(
    max_examples=int(__import__("os").environ.get("FUZZ_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_schema(case, admin_token):
    # Positive-data acceptance is left out: cursors are opaque tokens the API issues, so a
    # well-formed but made-up cursor is rightly refused with 422.
    case.call_and_validate(
        headers={"Authorization": f"Bearer {admin_token}"},
        excluded_checks=[positive_data_acceptance],
    )
