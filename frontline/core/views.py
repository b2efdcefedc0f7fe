"""Landing pages until the agent workspace and the portal arrive, and the health probe."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@login_required
def portal_home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/portal_home.html")
