"""Bulk actions from the inbox: one ``update_ticket`` per selected ticket."""

import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from frontline.accounts.models import User
from frontline.accounts.web import staff_required, web_actor
from frontline.core.actors import Actor
from frontline.core.web import is_htmx
from frontline.tickets import services
from frontline.tickets.forms import BulkForm
from frontline.tickets.models import Priority, Status
from frontline.tickets.queries import tickets_visible_to
from frontline.tickets.views.common import Choices, workspace_choices


@require_POST
@staff_required
def bulk_update(request: HttpRequest) -> HttpResponse:
    actor = web_actor(request)
    choices = workspace_choices()
    form = BulkForm(request.POST, teams=choices.teams, agents=choices.agents)
    if not form.is_valid():
        message = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return _answer(request, message or "Nothing was changed.", ok=False)
    tickets = tickets_visible_to(actor).filter(pk__in=form.cleaned_data["ticket"])
    result = services.bulk_update_tickets(
        tickets.order_by("pk"),
        changes=_changes(form, actor, choices),
        add_tags=[form.cleaned_data["add_tag"]] if form.cleaned_data["add_tag"] else [],
        actor=actor,
    )
    message = f"Updated {len(result.updated)} ticket{'s' if len(result.updated) != 1 else ''}."
    if result.failed:
        reasons = "; ".join(f"#{t.number}: {exc.message}" for t, exc in result.failed[:5])
        message += f" {len(result.failed)} could not be changed: {reasons}"
    return _answer(request, message, ok=not result.failed)


def _changes(form: BulkForm, actor: Actor, choices: Choices) -> services.TicketChanges:
    data = form.cleaned_data
    teams = {str(t.pk): t for t in choices.teams}
    return services.TicketChanges(
        status=Status(data["status"]) if data["status"] else None,
        priority=Priority(data["priority"]) if data["priority"] else None,
        team=teams.get(data["team"]),
        assignee=_assignee(data["assignee"], actor, choices.agents),
        unassign=data["assignee"] == "none",
    )


def _assignee(value: str, actor: Actor, agents: list[User]) -> User | None:
    if value == "me":
        return actor.user
    return next((u for u in agents if str(u.pk) == value), None)


def _answer(request: HttpRequest, message: str, *, ok: bool) -> HttpResponse:
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Trigger"] = json.dumps(
            {"tickets-changed": True, "frontline:toast": {"message": message, "ok": ok}}
        )
        return response
    messages.add_message(request, messages.SUCCESS if ok else messages.ERROR, message)
    back = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})
    return HttpResponseRedirect(back if safe and back else "/inbox/")
