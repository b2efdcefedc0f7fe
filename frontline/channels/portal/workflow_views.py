"""Self-service workflows on the portal ("Where is my order?", "Request a refund"): a
signed-in customer answers step by step; the run ends with an answer ("Yes, solved" / "No,
contact support") or opens a ticket with every answer, so they never repeat themselves.

Visitors see the list and each workflow's page, and sign in to start one: lookups and
tickets need to know whose order and whose request it is. A run is its customer's alone
(another's is a 404, ``workflows.queries.get_run_for``).
"""

import contextlib

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from frontline.accounts.web import customer_required, web_actor
from frontline.channels.portal.help_views import reader
from frontline.core.errors import Conflict, FrontlineError
from frontline.workflows import engine
from frontline.workflows.models import RunStatus, WorkflowRun
from frontline.workflows.presenting import present
from frontline.workflows.queries import get_run_for, self_service_workflows

portal_customer = customer_required("portal:sign-in")


@require_GET
def workflow_list(request: HttpRequest) -> HttpResponse:
    context = {"flows": list(self_service_workflows()), "section": "help"}
    return render(request, "portal/workflows/list.html", context)


@require_GET
def workflow_start_page(request: HttpRequest, slug: str) -> HttpResponse:
    workflow = get_object_or_404(self_service_workflows(), slug=slug)
    context = {"workflow": workflow, "signed_in": reader(request) is not None, "section": "help"}
    return render(request, "portal/workflows/start.html", context)


@require_POST
@portal_customer
def start(request: HttpRequest, slug: str) -> HttpResponse:
    workflow = get_object_or_404(self_service_workflows(), slug=slug)
    run = engine.begin(workflow, actor=web_actor(request))
    return HttpResponseRedirect(reverse("portal:workflow-run", args=[run.pk]))


@require_GET
@portal_customer
def run_page(request: HttpRequest, run_id: int) -> HttpResponse:
    run = get_run_for(web_actor(request), run_id)
    return _page(request, run)


def _page(
    request: HttpRequest, run: WorkflowRun, *, error: str = "", status: int = 200
) -> HttpResponse:
    context = {
        "run": run,
        "view": present(run, for_customer=True) if run.status == RunStatus.ACTIVE else None,
        "step_url": reverse("portal:workflow-step", args=[run.pk]),
        "back_url": reverse("portal:workflow-back", args=[run.pk]),
        "abandon_url": reverse("portal:workflow-stop", args=[run.pk]),
        "error": error,
        "section": "help",
    }
    return render(request, "portal/workflows/run.html", context, status=status)


@require_POST
@portal_customer
def step(request: HttpRequest, run_id: int) -> HttpResponse:
    actor = web_actor(request)
    run = get_run_for(actor, run_id)
    helped = {"yes": True, "no": False}.get(request.POST.get("helped", ""))
    choice = request.POST.get("choice", "")
    reply = engine.Reply(
        choice=int(choice) if choice.isdigit() and len(choice) < 4 else None,
        value=request.POST.get("value"),
        helped=helped,
        confirm=request.POST.get("confirm") == "1",
    )
    try:
        run = engine.answer(run, step_id=request.POST.get("step", ""), reply=reply, actor=actor)
    except Conflict:
        return HttpResponseRedirect(reverse("portal:workflow-run", args=[run.pk]))
    except FrontlineError as error:
        run.refresh_from_db()
        return _page(request, run, error=error.message, status=422)
    if run.opened_ticket is not None:
        number = run.opened_ticket.number
        messages.success(request, f"Thanks — we received your request as #{number}.")
        return HttpResponseRedirect(reverse("portal:ticket", args=[number]))
    return HttpResponseRedirect(reverse("portal:workflow-run", args=[run.pk]))


@require_POST
@portal_customer
def back(request: HttpRequest, run_id: int) -> HttpResponse:
    actor = web_actor(request)
    run = get_run_for(actor, run_id)
    with contextlib.suppress(Conflict):  # at the first step already, or finished
        engine.go_back(run, actor=actor)
    return HttpResponseRedirect(reverse("portal:workflow-run", args=[run.pk]))


@require_POST
@portal_customer
def stop(request: HttpRequest, run_id: int) -> HttpResponse:
    actor = web_actor(request)
    run = get_run_for(actor, run_id)
    with contextlib.suppress(Conflict):  # finished already
        engine.abandon_run(run, actor=actor)
    return HttpResponseRedirect(reverse("portal:workflows"))
