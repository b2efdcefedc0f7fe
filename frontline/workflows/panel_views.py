"""The ticket page's "Guided workflows" panel: start a workflow, walk it step by step with
htmx (each answer redraws the panel), go back or leave it. Without JavaScript the forms
post and come back to the ticket page."""

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from frontline.accounts.permissions import can_write_tickets
from frontline.accounts.web import staff_required, web_actor
from frontline.core.errors import Conflict, FrontlineError, NotFound
from frontline.tickets.models import Ticket
from frontline.tickets.queries import ensure_can_work, get_ticket_by_number_for
from frontline.workflows import engine
from frontline.workflows.presenting import present
from frontline.workflows.queries import get_run_for, ticket_runs, workflows_for_agents

PANEL = "workflows/_ticket_panel_body.html"


def _panel(request: HttpRequest, ticket: Ticket, *, error: str = "") -> HttpResponse:
    if not request.headers.get("HX-Request"):
        return HttpResponseRedirect(reverse("tickets:ticket", args=[ticket.number]))
    actor = web_actor(request)
    active, finished = ticket_runs(ticket)
    context: dict[str, Any] = {
        "ticket": ticket,
        "view": present(active, for_customer=False) if active else None,
        "finished": finished,
        "may_work": actor.user is not None and can_write_tickets(actor.user),
        "workflows": [] if active else list(workflows_for_agents().only("id", "name")),
        "error": error,
    }
    return render(request, PANEL, context)


@require_GET
@staff_required
def ticket_panel(request: HttpRequest, number: int) -> HttpResponse:
    ticket = get_ticket_by_number_for(web_actor(request), number)
    return _panel(request, ticket)


@require_POST
@staff_required
def start(request: HttpRequest, number: int) -> HttpResponse:
    actor = web_actor(request)
    ticket = get_ticket_by_number_for(actor, number)
    ensure_can_work(actor, ticket)
    workflow = workflows_for_agents().filter(pk=_int(request.POST.get("workflow")) or 0).first()
    if workflow is None:
        return _panel(request, ticket, error="Choose a workflow from the list.")
    try:
        engine.begin(workflow, actor=actor, ticket=ticket)
    except Conflict as error:
        return _panel(request, ticket, error=error.message)
    return _panel(request, ticket)


@require_POST
@staff_required
def step(request: HttpRequest, run_id: int) -> HttpResponse:
    actor = web_actor(request)
    run = get_run_for(actor, run_id)
    ticket = _ticket(run.ticket)
    reply = engine.Reply(
        choice=_int(request.POST.get("choice")),
        value=request.POST.get("value"),
        confirm=request.POST.get("confirm") == "1",
    )
    try:
        engine.answer(run, step_id=request.POST.get("step", ""), reply=reply, actor=actor)
    except FrontlineError as error:
        return _panel(request, ticket, error=error.message)
    return _panel(request, ticket)


@require_POST
@staff_required
def back(request: HttpRequest, run_id: int) -> HttpResponse:
    actor = web_actor(request)
    run = get_run_for(actor, run_id)
    try:
        engine.go_back(run, actor=actor)
    except Conflict as error:
        return _panel(request, _ticket(run.ticket), error=error.message)
    return _panel(request, _ticket(run.ticket))


@require_POST
@staff_required
def abandon(request: HttpRequest, run_id: int) -> HttpResponse:
    actor = web_actor(request)
    run = get_run_for(actor, run_id)
    try:
        engine.abandon_run(run, actor=actor)
    except Conflict as error:
        return _panel(request, _ticket(run.ticket), error=error.message)
    return _panel(request, _ticket(run.ticket))


def _ticket(ticket: Ticket | None) -> Ticket:
    if ticket is None:
        raise NotFound("This workflow run is not on a ticket.")
    return ticket


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() and len(text) < 10 else None


__all__ = ["abandon", "back", "start", "step", "ticket_panel"]
