"""The ASGI application: HTTP goes to Django, WebSockets to the Channels consumers.

WebSockets are authenticated by the Django session cookie and accepted only from the hosts
in ALLOWED_HOSTS, which stops other sites from opening a socket with a visitor's cookie.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontline.settings")

# Django must be set up before the consumers (and the models they import) load.
django_application = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.urls import get_resolver  # noqa: E402

from frontline.core.heap import freeze_startup_objects  # noqa: E402
from frontline.ws_urls import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)

# Load every view now rather than on the first request, then freeze what start-up built
# (frontline/core/heap.py): full garbage collections no longer walk it.
get_resolver().url_patterns  # noqa: B018 - importing the URL conf imports the views
freeze_startup_objects()
