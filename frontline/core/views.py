"""The front door and the health probe."""

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import resolve_url
from django.urls import reverse

from frontline.core.web import web_actor


def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})


def home(request: HttpRequest) -> HttpResponse:
    """Customers go to the portal, staff to their inbox, everyone else to sign in."""
    if not request.user.is_authenticated:
        return HttpResponseRedirect(resolve_url(settings.LOGIN_URL))
    if web_actor(request).is_customer:
        return HttpResponseRedirect(reverse("portal:home"))
    return HttpResponseRedirect(reverse("tickets:inbox"))
