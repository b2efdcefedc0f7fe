"""A real server and a real browser for end-to-end tests.

``live_server_url``: ``frontline.asgi`` served by uvicorn (HTTP and WebSocket) on a free
loopback port, in a thread of the test process, against the test database. Tests that use it
also use ``transactional_db``, so what they create is committed and the server sees it.

``browser``: Debian's ``/usr/bin/chromium`` driven by Playwright (sync API). CI must have it
(``.ci/run`` installs it); elsewhere a missing chromium skips the test with the reason.
"""

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def live_server_url(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    import uvicorn

    config = uvicorn.Config(
        "frontline.asgi:application",
        host="127.0.0.1",
        port=_free_port(),
        log_level="warning",
        lifespan="off",
        ws="websockets-sansio",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the live server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{config.port}"
    server.should_exit = server.force_exit = True
    thread.join(timeout=10)
    with django_db_blocker.unblock():
        _close_server_connections()


def _close_server_connections() -> None:
    """Connections the server's threads left open would stop PostgreSQL from dropping the
    test database at the end of the session."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    connection.close()


@pytest.fixture
def browser() -> Iterator[Any]:
    """Per test, and after the test's data fixtures: once Playwright's loop runs in this
    thread, live-update notices sent from it (on commit) cannot reach the server's loop."""
    from frontline.conftest import require_service

    require_service(
        "chromium",
        shutil.which("chromium") is not None and Path(CHROMIUM).exists(),
        "apt-get install chromium",
    )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread, which Django's async-safety
    # check would take for async code around the tests' own ORM calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def new_page(
    browser: Any, transactional_db: None, live_server_url: str, settings: Any
) -> Iterator[Any]:
    """``new_page()`` opens a page in a fresh browser context (its own cookies) at 1280px;
    the pages close before the test database is emptied. The site is at the live server
    then: its pages' sockets come from there, and links in mail point there."""
    settings.SITE_URL = live_server_url
    contexts: list[Any] = []

    def open_page(width: int = 1280, height: int = 860) -> Any:
        context = browser.new_context(
            viewport={"width": width, "height": height}, base_url=live_server_url
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        return page

    yield open_page
    for context in contexts:
        context.close()


def screenshot(page: Any, name: str, tmp_path: Path) -> Path:
    """Save a screenshot as a test artifact; ``FRONTLINE_SCREENSHOTS=1`` writes it to
    ``docs/screenshots/`` instead."""
    folder = SCREENSHOTS if os.environ.get("FRONTLINE_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path))
    return path
