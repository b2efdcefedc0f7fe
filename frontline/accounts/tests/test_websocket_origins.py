"""A signed-in session opens a WebSocket only from this site's own pages: SITE_URL,
CSRF_TRUSTED_ORIGINS and explicitly named ALLOWED_HOSTS, never any origin because
ALLOWED_HOSTS is ``*``. Through the real ASGI application, with Channels' communicator."""

import pytest
from asgiref.sync import async_to_sync
from django.test import Client

from frontline.asgi import application
from frontline.testing.websockets import WebsocketCommunicator

pytestmark = pytest.mark.django_db(transaction=True)


def connects(agent, origin, host=b"help.example.com"):
    client = Client()
    client.force_login(agent)
    headers = [
        (b"host", host),
        (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()),
    ]
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    communicator = WebsocketCommunicator(application, "/ws/workspace/", headers=headers)

    async def attempt():
        accepted, _ = await communicator.connect()
        if accepted:
            await communicator.disconnect()
        return accepted

    return async_to_sync(attempt)()


@pytest.fixture
def site(settings):
    settings.SITE_URL = "https://help.example.com"
    settings.ALLOWED_HOSTS = ["*"]
    settings.CSRF_TRUSTED_ORIGINS = []


def test_the_sites_own_pages_open_a_socket(site, agent):
    assert connects(agent, "https://help.example.com")


def test_another_site_is_refused_although_any_host_is_allowed(site, agent):
    assert not connects(agent, "https://evil.example")
    assert not connects(agent, "https://evil.example", host=b"evil.example")
    assert not connects(agent, "http://help.example.com")
    assert not connects(agent, "https://help.example.com:8443")
    assert not connects(agent, "https://help.example.com.evil.example")


def test_a_socket_without_an_origin_is_refused(site, agent):
    assert not connects(agent, None)


def test_trusted_origins_open_a_socket(site, agent, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://desk.example.org", "https://*.example.net"]

    assert connects(agent, "https://desk.example.org")
    assert connects(agent, "https://eu.example.net")
    assert not connects(agent, "http://eu.example.net")
    assert not connects(agent, "https://example.org")


def test_hosts_named_in_allowed_hosts_open_a_socket(site, agent, settings):
    settings.ALLOWED_HOSTS = ["frontline.internal", "*"]

    assert connects(agent, "http://frontline.internal:8000")
    assert not connects(agent, "https://other.internal")
