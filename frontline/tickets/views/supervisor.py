"""The supervisor view: open work per team and agent, unassigned age, who is online, and
reassignment by dragging a ticket onto an agent (or in bulk from the inbox)."""

import json

from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST

from frontline.accounts.models import Team, User
from frontline.accounts.permissions import sees_all_tickets
from frontline.accounts.web import staff_required, web_actor
from frontline.core.errors import FrontlineError
from frontline.core.web import is_htmx
from frontline.tickets import services, supervision
from frontline.tickets.queries import get_ticket_for


def _ensure_supervisor(request: HttpRequest) -> None:
    user = web_actor(request).user
    if user is None or not sees_all_tickets(user):
        raise DjangoPermissionDenied("The supervisor view is for supervisors.")


@staff_required
def board(request: HttpRequest) -> HttpResponse:
    _ensure_supervisor(request)
    actor = web_actor(request)
    loads = supervision.workload(actor)
    context = {
        "section": "supervisor",
        "loads": loads,
        "unassigned": supervision.unassigned_tickets(actor),
        "assignee_options": _assignee_options(loads),
    }
    template = "tickets/_supervisor_board.html" if is_htmx(request) else "tickets/supervisor.html"
    return render(request, template, context)


def _assignee_options(loads: list[supervision.TeamLoad]) -> SafeString:
    """The agents each waiting ticket's "Assign to…" menu lists, grouped by team, written
    once: in the template, 50 tickets' menus of every member were most of the page's time."""
    groups = [
        format_html(
            '<optgroup label="{}">{}</optgroup>',
            load.team.name,
            format_html_join(
                "",
                '<option value="{}" data-team="{}">{}{}</option>',
                (
                    (a.user.pk, load.team.pk, str(a.user), " ●" if a.online else "")
                    for a in load.agents
                ),
            ),
        )
        for load in loads
        if load.team is not None and load.agents
    ]
    return mark_safe("".join(groups))  # noqa: S308 - each part escaped by format_html


class ReassignForm(forms.Form):
    ticket = forms.IntegerField(min_value=1, max_value=2**63 - 1)
    assignee = forms.IntegerField(min_value=1, max_value=2**63 - 1)
    team = forms.IntegerField(min_value=1, max_value=2**63 - 1, required=False)


@require_POST
@staff_required
def reassign(request: HttpRequest) -> HttpResponse:
    """A ticket dropped on an agent: move it to that agent's team and assign it to them."""
    _ensure_supervisor(request)
    actor = web_actor(request)
    form = ReassignForm(request.POST)
    if not form.is_valid():
        return _answer(request, "Drop a ticket on an agent.", ok=False)
    ticket = get_ticket_for(actor, form.cleaned_data["ticket"])
    assignee = User.objects.filter(pk=form.cleaned_data["assignee"], is_active=True).first()
    team = Team.objects.filter(pk=form.cleaned_data["team"]).first()
    if assignee is None:
        return _answer(request, "That agent is not available.", ok=False)
    changes = services.TicketChanges(team=team, assignee=assignee)
    try:
        services.update_ticket(ticket, changes=changes, actor=actor)
    except FrontlineError as exc:
        return _answer(request, f"#{ticket.number}: {exc.message}", ok=False)
    return _answer(request, f"#{ticket.number} assigned to {assignee}.", ok=True)


def _answer(request: HttpRequest, message: str, *, ok: bool) -> HttpResponse:
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Trigger"] = json.dumps(
            {"tickets-changed": True, "frontline:toast": {"message": message, "ok": ok}}
        )
        return response
    return HttpResponseRedirect(reverse("tickets:supervisor"))
