"""The front door and the health probe."""

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import resolve_url
from django.urls import reverse


def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})


def home(request: HttpRequest) -> HttpResponse:
    """Customers go to the portal, staff to their inbox, everyone else to sign in."""
    if not request.user.is_authenticated:
        return HttpResponseRedirect(resolve_url(settings.LOGIN_URL))
    # Read off the user rather than through an actor: core imports no app.
    if getattr(request.user, "is_customer", False):
        return HttpResponseRedirect(reverse("portal:home"))
    return HttpResponseRedirect(reverse("tickets:inbox"))
