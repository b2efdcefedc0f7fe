"""The ASGI application: HTTP goes to Django, WebSockets to the Channels consumers.

WebSockets are authenticated by the Django session cookie and accepted only from pages of
this site (``SiteOriginValidator``), which stops other sites from opening a socket with a
visitor's cookie.
"""

import os
from typing import Any
from urllib.parse import ParseResult

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontline.settings")

# Django must be set up before the consumers (and the models they import) load.
django_application = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import OriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402
from django.urls import get_resolver  # noqa: E402

from frontline.core.heap import freeze_startup_objects  # noqa: E402
from frontline.ws_urls import websocket_urlpatterns  # noqa: E402


class SiteOriginValidator(OriginValidator):  # type: ignore[misc]
    """Accept a socket only from the origins this site is served at: ``SITE_URL``,
    ``CSRF_TRUSTED_ORIGINS`` and the hosts ``ALLOWED_HOSTS`` names explicitly. A wildcard
    ``ALLOWED_HOSTS`` (the default ``*``) lets any Host header in, so it cannot say which
    origins are ours. Read at every connection, so settings changed at start-up count."""

    def __init__(self, application: Any) -> None:
        super().__init__(application, [])

    def valid_origin(self, parsed_origin: ParseResult | None) -> bool:
        return parsed_origin is not None and any(
            self.match_allowed_origin(parsed_origin, pattern) for pattern in site_origins()
        )


def site_origins() -> list[str]:
    """Origin patterns in Channels' form (a leading dot matches subdomains)."""
    trusted = [origin.replace("://*.", "://.") for origin in settings.CSRF_TRUSTED_ORIGINS]
    hosts = [host for host in settings.ALLOWED_HOSTS if "*" not in host]
    return [settings.SITE_URL, *trusted, *hosts]


application = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": SiteOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)

# Load every view now rather than on the first request, then freeze what start-up built
# (frontline/core/heap.py): full garbage collections no longer walk it.
get_resolver().url_patterns  # noqa: B018 - importing the URL conf imports the views
freeze_startup_objects()
