"""Request wrappers: static files under ASGI, the user's time zone, error pages, a strict CSP."""

import zoneinfo
from collections.abc import Callable
from typing import Any

from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from whitenoise.middleware import WhiteNoiseMiddleware  # type: ignore[import-untyped]

from frontline.core.errors import FrontlineError, NotFound, PermissionDenied
from frontline.core.web import stream_async

# Pages run only our own scripts; message HTML sits in sandboxed frames that inherit this
# policy, so even markup the sanitiser missed cannot run script or load remote content.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "frame-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)
# The admin and the API documentation bring their own scripts and styles.
_NO_CSP_PREFIXES = ("/admin/", "/api/")


class UserTimeZoneMiddleware:
    """Show every time in the signed-in user's own time zone; a customer's is the one on
    their customer record (which support keeps up to date), not their login's default."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = _zone(_zone_name(request))
        if zone is not None:
            timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


def _zone_name(request: HttpRequest) -> str:
    user = request.user
    if not user.is_authenticated:
        return ""
    # The reverse one-to-one is cached on the user, so the actor built later reuses it.
    customer = user.customer_profile if getattr(user, "is_customer", False) else None
    return str(customer.time_zone if customer is not None else getattr(user, "time_zone", ""))


def _zone(name: str) -> zoneinfo.ZoneInfo | None:
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


class WebErrorMiddleware:
    """Domain errors that escape an HTML view become the matching error page.

    Views turn the errors they expect into form errors; this catches the rest, such as
    ``NotFound`` from ``get_ticket_for``. The API has its own handlers and never gets here.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(_NO_CSP_PREFIXES):
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not isinstance(exc, FrontlineError):
            return None
        if isinstance(exc, NotFound):
            return render(request, "404.html", status=404)
        status = 403 if isinstance(exc, PermissionDenied) else exc.status
        return render(request, "core/error.html", {"message": exc.message}, status=status)


class StaticFilesMiddleware(WhiteNoiseMiddleware):  # type: ignore[misc]
    """WhiteNoise, streaming files through an async iterator under ASGI.

    WhiteNoise hands Django a file to iterate synchronously; under ASGI (uvicorn, how
    Frontline serves) Django then warns and reads the whole file into memory first.
    """

    @staticmethod
    def serve(static_file: Any, request: HttpRequest) -> Any:
        response = WhiteNoiseMiddleware.serve(static_file, request)
        if response.streaming and isinstance(request, ASGIRequest):
            stream_async(response)
        return response
