"""The database configuration Frontline ships: on PostgreSQL, a request's connection
outlives the request in a pool, so the next request does not connect again."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.db.backends.postgresql.base import DatabaseWrapper

from frontline import settings as frontline_settings


@pytest.fixture
def unblocked(django_db_blocker: Any) -> Iterator[None]:
    """These tests open their own connections to the server, outside the test database."""
    with django_db_blocker.unblock():
        yield


def _wrapper(monkeypatch: pytest.MonkeyPatch, url: str, pool_size: str) -> DatabaseWrapper:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("DATABASE_POOL_SIZE", pool_size)
    config: dict[str, Any] = frontline_settings._database()
    config.setdefault("TIME_ZONE", None)
    config.setdefault("AUTOCOMMIT", True)
    config.setdefault("ATOMIC_REQUESTS", False)
    config.setdefault("CONN_HEALTH_CHECKS", False)
    return DatabaseWrapper(config, alias=f"pool_check_{pool_size}")


def _server_processes(wrapper: DatabaseWrapper, requests: int) -> list[int]:
    """The PostgreSQL backend each of ``requests`` requests talked to; each request ends as
    Django ends one, by closing its connection."""
    seen = []
    for _ in range(requests):
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            seen.append(cursor.fetchone()[0])
        wrapper.close()
    return seen


def test_requests_reuse_pooled_postgresql_connections(
    monkeypatch: pytest.MonkeyPatch, postgres_url: str, unblocked: None
) -> None:
    wrapper = _wrapper(monkeypatch, postgres_url, "3")
    try:
        processes = _server_processes(wrapper, 8)
    finally:
        wrapper.close_pool()
    assert len(set(processes)) <= 3, processes


def test_pool_size_zero_connects_per_request(
    monkeypatch: pytest.MonkeyPatch, postgres_url: str, unblocked: None
) -> None:
    """For a deployment behind PgBouncer, which pools itself."""
    wrapper = _wrapper(monkeypatch, postgres_url, "0")
    processes = _server_processes(wrapper, 4)
    assert len(set(processes)) == 4, processes
