"""The knowledge gaps page of the workspace (docs/help-centre.md), for whoever oversees
the whole program."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from frontline.accounts.permissions import can_see_knowledge_gaps
from frontline.accounts.web import staff_required, web_actor
from frontline.knowledge.gaps import DEFAULT_PERIOD, PERIODS, knowledge_gaps
from frontline.knowledge.models import SearchScope


def _period(request: HttpRequest) -> int:
    wanted = request.GET.get("days", "")
    return int(wanted) if wanted in {str(p) for p in PERIODS} else DEFAULT_PERIOD


def _scope(request: HttpRequest) -> SearchScope | None:
    wanted = request.GET.get("scope", "")
    return SearchScope(wanted) if wanted in SearchScope.values else None


@require_GET
@staff_required
def gaps(request: HttpRequest) -> HttpResponse:
    user = web_actor(request).user
    if user is None or not can_see_knowledge_gaps(user):
        raise DjangoPermissionDenied("The knowledge gaps report is for the head of support.")
    scope = _scope(request)
    context = {
        "report": knowledge_gaps(days=_period(request), scope=scope),
        "periods": PERIODS,
        "scopes": SearchScope.choices,
        "scope": scope.value if scope else "",
        "section": "knowledge",
    }
    return render(request, "knowledge/gaps.html", context)
