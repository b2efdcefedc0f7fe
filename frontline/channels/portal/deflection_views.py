"""Suggestions on the portal's request form, and "did this answer your question?" after
reading one (docs/help-centre.md, Deflection)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from frontline.accounts.web import web_actor
from frontline.channels.portal import self_service
from frontline.channels.portal.views import portal_customer
from frontline.core.errors import Conflict
from frontline.knowledge import feedback
from frontline.knowledge.models import SearchScope
from frontline.knowledge.queries import search_articles

SUGGESTIONS = 5
MAX_TEXT_CHARS = 1000
MIN_TEXT_CHARS = 3


@require_GET
@portal_customer
def suggestions(request: HttpRequest) -> HttpResponse:
    """Articles matching the request being typed (the form's subject and description); the
    draft is kept so that "No, back to my request" finds it again."""
    draft = {name: request.GET.get(name, "") for name in self_service.DRAFT_FIELDS}
    self_service.keep_draft(request, draft)
    text = " ".join(" ".join(draft.values()).split())[:MAX_TEXT_CHARS]
    hits = []
    if len(text) >= MIN_TEXT_CHARS:
        hits = search_articles(
            web_actor(request),
            text,
            limit=SUGGESTIONS,
            natural=True,
            prefix=True,
            record=SearchScope.PORTAL,
        ).hits
    query = urlencode({"from": "request", "q": draft["subject"][:200] or text[:200]})
    return render(request, "portal/_suggestions.html", {"hits": hits, "query": query})


@require_POST
@portal_customer
def answer(request: HttpRequest, deflection_id: int) -> HttpResponse:
    if not self_service.owns_deflection(request, deflection_id):
        raise Http404("No such suggestion.")
    deflection = feedback.get_deflection_for(web_actor(request), deflection_id)
    answered = request.POST.get("answered") == "yes"
    try:
        feedback.answer_deflection(deflection, answered=answered)
    except Conflict as exc:
        messages.info(request, exc.message)
        return HttpResponseRedirect(reverse("portal:home"))
    if answered:
        self_service.forget_request(request)  # answered: no request left to send
        messages.success(request, "Glad it helped.")
        return HttpResponseRedirect(reverse("portal:home"))
    return HttpResponseRedirect(reverse("portal:new-ticket"))
