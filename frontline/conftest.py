"""Persona fixtures shared by every app's tests.

- ``agent``: associate in ``team``; ``teammate``: another associate in ``team``;
- ``outsider``: associate in ``other_team`` only;
- ``supervisor``, ``analyst``, ``admin_user``;
- ``customer`` (with a portal login) and ``other_customer``.
"""

import os
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from frontline.accounts.models import Role, Team, User
from frontline.customers.models import Customer
from frontline.testing import factories
from frontline.testing.browser import browser, live_server_url, new_page  # noqa: F401


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None, tmp_path_factory: Any
) -> None:
    """On SQLite the test database is a file, not memory, so the browser tests' server
    thread opens its own connections to it (``SQLITE_TEST_NAME`` names it explicitly)."""
    from django.conf import settings

    database: dict[str, Any] = settings.DATABASES["default"]
    test: dict[str, Any] = database.setdefault("TEST", {})
    if str(database["ENGINE"]).endswith("sqlite3") and not test.get("NAME"):
        test["NAME"] = str(tmp_path_factory.mktemp("db") / "test.sqlite3")


@pytest.fixture(autouse=True)
def _test_settings(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    # A deliberately weak hasher: real hashing costs ~0.3 s per user and tests make many.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The site is where the test client talks to; browser tests move it to the live server.
    settings.SITE_URL = "http://testserver"
    # Sign-in throttling counts in the cache: no test inherits another's failures.
    cache.clear()


@pytest.fixture(autouse=True)
def _immediate_jobs() -> Any:
    """Jobs run where they are queued in unit tests; job tests start a real consumer
    (``frontline.testing.worker.running_worker``)."""
    from huey.contrib.djhuey import HUEY

    was = HUEY.immediate
    HUEY.immediate = True
    yield
    HUEY.immediate = was


@pytest.fixture
def team(db: None) -> Team:
    return factories.make_team(name="Tier 1")


@pytest.fixture
def other_team(db: None) -> Team:
    return factories.make_team(name="Billing")


@pytest.fixture
def agent(team: Team) -> User:
    return factories.make_agent(teams=(team,), name="Alice Agent", email="alice@frontline.test")


@pytest.fixture
def teammate(team: Team) -> User:
    return factories.make_agent(teams=(team,), name="Tom Teammate")


@pytest.fixture
def outsider(other_team: Team) -> User:
    return factories.make_agent(teams=(other_team,), name="Olga Outsider")


@pytest.fixture
def supervisor(db: None) -> User:
    return factories.make_agent(role=Role.SUPERVISOR, name="Sam Supervisor")


@pytest.fixture
def analyst(db: None) -> User:
    return factories.make_agent(role=Role.ANALYST, name="Ann Analyst")


@pytest.fixture
def admin_user(db: None) -> User:
    return factories.make_agent(role=Role.ADMIN, name="Ada Admin")


@pytest.fixture
def customer(db: None) -> Customer:
    return factories.make_customer(
        name="Carla Customer", email="carla@example.test", with_login=True
    )


@pytest.fixture
def other_customer(db: None) -> Customer:
    return factories.make_customer(name="Otto Other", email="otto@example.test", with_login=True)


class ApiClient:
    """A test client that speaks JSON with a bearer token."""

    def __init__(self, user: User | None) -> None:
        self._client = Client()
        self._headers = {"Authorization": f"Bearer {factories.token_for(user)}"} if user else {}

    def get(self, path: str, **params: Any) -> Any:
        return self._client.get(path, params, headers=self._headers)

    def post(self, path: str, body: Any = None) -> Any:
        return self._client.post(
            path, body or {}, content_type="application/json", headers=self._headers
        )

    def patch(self, path: str, body: Any) -> Any:
        return self._client.patch(
            path, body, content_type="application/json", headers=self._headers
        )

    def put(self, path: str, body: Any) -> Any:
        return self._client.put(path, body, content_type="application/json", headers=self._headers)

    def delete(self, path: str) -> Any:
        return self._client.delete(path, headers=self._headers)


@pytest.fixture
def api_as() -> Any:
    """``api_as(user)`` returns an ApiClient authenticated as ``user`` (None: anonymous)."""
    return ApiClient


def require_service(name: str, reachable: bool, how: str) -> None:
    """Skip a test whose real server is missing on a developer's machine; fail it in CI.

    CI (``CI=true``) must run every real-server path (PostgreSQL, Redis, Dovecot, chromium),
    so there a missing server is an error, never a quiet skip.
    """
    if reachable:
        return
    message = f"{name} is not available ({how})"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI requires {message}")
    pytest.skip(message)


def _redis_reachable(url: str) -> bool:
    return _reachable(_host_port(url, 6379))


def _reachable(address: tuple[str, int]) -> bool:
    try:
        with socket.create_connection(address, timeout=1):
            return True
    except OSError:
        return False


def _host_port(url: str, default_port: int) -> tuple[str, int]:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or default_port


@pytest.fixture(scope="session")
def redis_url() -> str:
    """A real Redis for the scale-out paths: FRONTLINE_TEST_REDIS or 127.0.0.1:6379/15."""
    url = os.environ.get("FRONTLINE_TEST_REDIS", "redis://127.0.0.1:6379/15")
    require_service("Redis", _redis_reachable(url), f"no server at {url}")
    return url


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """A real PostgreSQL server, whatever database the run itself is on:
    FRONTLINE_TEST_POSTGRES or 127.0.0.1:5432/test, as scripts/test uses."""
    url = os.environ.get("FRONTLINE_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/test")
    require_service("PostgreSQL", _reachable(_host_port(url, 5432)), f"no server at {url}")
    return url


@pytest.fixture(params=["sqlite", "redis"])
def job_queue(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Any]:
    """A real queue for the tests of jobs, once on a SQLite file and once on Redis (required
    in CI): hand it to ``frontline.testing.worker.running_worker``."""
    from frontline.testing.worker import disconnect, redis_queue, sqlite_queue

    if request.param == "redis":
        storage = redis_queue(request.getfixturevalue("redis_url"))
        yield storage
        disconnect(storage)
    else:
        yield sqlite_queue(tmp_path)
