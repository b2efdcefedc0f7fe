"""The ticket page: conversation, composers, side panel, customer 360, and their actions."""

import json
from typing import Any

from django.db import transaction
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
    QueryDict,
)
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from frontline.accounts.queries import colleagues_matching
from frontline.accounts.web import staff_required, web_actor
from frontline.core.actors import Actor
from frontline.core.errors import FrontlineError
from frontline.core.web import add_domain_error, download, is_htmx
from frontline.tickets import contributions, inbox, services
from frontline.tickets.customer360 import customer_360
from frontline.tickets.forms import (
    CollaboratorForm,
    CustomFieldsForm,
    InboxFilterForm,
    MergeForm,
    NoteForm,
    ParentForm,
    PropertiesForm,
    ReplyForm,
    SplitForm,
    attachments_from,
    custom_field_initial,
)
from frontline.tickets.mentions import handle_for
from frontline.tickets.models import Category, CustomField, Priority, Status, Ticket
from frontline.tickets.queries import (
    get_attachment_for,
    get_ticket_by_number_for,
    messages_visible_to,
    reply_recipients,
    tags_and_collaborators,
    ticket_identities,
)
from frontline.tickets.timeline import Entry, Names, last_message_id, timeline_for
from frontline.tickets.views.common import (
    Choices,
    active_categories,
    attach_known,
    users_by_id,
    workspace_choices,
)
from frontline.tickets.views.inbox import filter_params, view_query

# Service field names that differ from the form's.
FIELD_NAMES = {
    "assignee_id": "assignee",
    "team_id": "team",
    "into_id": "into",
    "parent_id": "parent",
}


@staff_required
def ticket_page(request: HttpRequest, number: int) -> HttpResponse:
    actor = web_actor(request)
    ticket = get_ticket_by_number_for(actor, number, related=("customer", "organisation"))
    return render(request, "tickets/ticket.html", _page_context(request, actor, ticket))


@staff_required
def ticket_timeline(request: HttpRequest, number: int) -> HttpResponse:
    actor = web_actor(request)
    ticket = get_ticket_by_number_for(actor, number)
    return render(request, "tickets/_timeline.html", _timeline_context(actor, ticket))


@staff_required
def ticket_panel(request: HttpRequest, number: int) -> HttpResponse:
    actor = web_actor(request)
    ticket = get_ticket_by_number_for(actor, number)
    return render(request, "tickets/_panel_refresh.html", _panel_context(ticket))


def _page_context(
    request: HttpRequest, actor: Actor, ticket: Ticket, **forms: Any
) -> dict[str, Any]:
    choices, categories = workspace_choices(), active_categories()
    attach_known([ticket], choices, categories)
    identities = ticket_identities(ticket)
    known = Names(
        users={u.pk: str(u) for u in choices.agents},
        teams={t.pk: t.name for t in choices.teams},
        categories={c.pk: c.name for c in categories},
        tickets={},
    )
    context = {
        "ticket_panels": contributions.ticket_panels(),
        "section": "inbox",
        **_timeline_context(actor, ticket, known=known),
        **_panel_context(ticket, choices=choices, categories=categories, **forms),
        "c360": customer_360(actor, ticket, identities),
        "recipients": reply_recipients(ticket, identities),
        "reply_form": forms.get("reply_form") or ReplyForm(),
        "note_form": forms.get("note_form") or NoteForm(),
        **_navigation(request, actor, ticket, choices),
    }
    context["reply_form"].initial.setdefault("seen", context["seen"])
    context["split_form"] = forms.get("split_form") or SplitForm(
        messages=_split_choices(context["entries"])
    )
    return context


def _split_choices(entries: list[Entry]) -> list[tuple[str, Any]]:
    return [(e.who, e.message) for e in entries if e.message is not None]


def _timeline_context(actor: Actor, ticket: Ticket, known: Names | None = None) -> dict[str, Any]:
    entries = timeline_for(actor, ticket, known=known)
    return {"ticket": ticket, "entries": entries, "seen": last_message_id(entries)}


def _panel_context(
    ticket: Ticket,
    *,
    choices: Choices | None = None,
    categories: list[Category] | None = None,
    **forms: Any,
) -> dict[str, Any]:
    choices = choices or workspace_choices()
    tags, sharing = tags_and_collaborators(ticket)
    return {
        "ticket": ticket,
        "tags": tags,
        "collaborators": users_by_id(sharing, choices),
        "parent_number": _parent_number(ticket),
        "children": list(ticket.children.order_by("number").values_list("number", flat=True)[:20]),
        "properties_form": forms.get("properties_form")
        or _properties_form(ticket, choices, tags=tags, categories=categories),
        "collaborator_form": forms.get("collaborator_form")
        or CollaboratorForm(agents=choices.agents),
        "merge_form": forms.get("merge_form") or MergeForm(),
        "parent_form": forms.get("parent_form") or ParentForm(),
        "custom_fields_form": forms.get("custom_fields_form") or _custom_fields_form(ticket),
    }


def _custom_fields_form(ticket: Ticket, data: Any = None) -> CustomFieldsForm:
    definitions = list(CustomField.objects.filter(is_active=True).order_by("label", "id"))
    return CustomFieldsForm(
        data,
        definitions=definitions,
        initial=custom_field_initial(definitions, ticket.custom_fields),
    )


def _parent_number(ticket: Ticket) -> int | None:
    if ticket.parent_id is None:
        return None
    return Ticket.objects.filter(pk=ticket.parent_id).values_list("number", flat=True).first()


def _properties_form(
    ticket: Ticket,
    choices: Choices,
    *,
    tags: list[str],
    data: Any = None,
    categories: list[Category] | None = None,
) -> PropertiesForm:
    return PropertiesForm(
        data,
        teams=choices.teams,
        agents=choices.agents,
        categories=active_categories() if categories is None else categories,
        initial={
            "status": ticket.status,
            "priority": ticket.priority,
            "category": ticket.category_id or "",
            "team": ticket.team_id or "",
            "assignee": ticket.assignee_id or "",
            "tags": " ".join(tags),
        },
    )


def _navigation(
    request: HttpRequest, actor: Actor, ticket: Ticket, choices: Choices
) -> dict[str, Any]:
    """Previous and next ticket in the inbox view the agent came from (``?view=``, and for
    the unsaved filter view its filters)."""
    key = request.GET.get("view", "")
    view = _came_from(request, actor, key, choices) if key else None
    if view is None:
        return {"view": None, "previous_number": None, "next_number": None}
    previous, following = inbox.neighbours(inbox.scope_for(actor), view, ticket)
    back = reverse("tickets:view", args=[view.key])
    if view.key == inbox.FILTER_VIEW:
        back += "?" + filter_params(request.GET).urlencode()
    return {
        "view": view,
        "view_query": view_query(view.key, request.GET),
        "back_url": back,
        "previous_number": previous,
        "next_number": following,
    }


def _came_from(
    request: HttpRequest, actor: Actor, key: str, choices: Choices
) -> inbox.InboxView | None:
    if key != inbox.FILTER_VIEW:
        return inbox.view_named(actor, key)
    form = InboxFilterForm(request.GET, teams=choices.teams, agents=choices.agents)
    if not form.is_valid():
        return None
    return inbox.filter_view(form.filters(), form.sort_order())


@require_POST
@staff_required
def reply(request: HttpRequest, number: int) -> HttpResponse:
    actor = web_actor(request)
    ticket = get_ticket_by_number_for(actor, number)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid() and not _warn_if_new_messages(form, actor, ticket):
        status = form.cleaned_data["status"]
        try:
            with transaction.atomic():
                message = services.reply_to_ticket(
                    ticket,
                    body=form.cleaned_data["body"],
                    attachments=attachments_from(form.cleaned_data["attachments"]),
                    status=Status(status) if status else None,
                    actor=actor,
                )
                for action in contributions.reply_actions():
                    action.after_reply(request.POST, ticket=ticket, message=message, actor=actor)
            return _after_write(request, actor, ticket.number)
        except FrontlineError as exc:
            add_domain_error(form, exc)
    return _composer(request, actor, ticket, reply_form=form, mode="reply")


def _warn_if_new_messages(form: ReplyForm, actor: Actor, ticket: Ticket) -> bool:
    """Hold a reply once when someone else wrote on the ticket after the agent loaded it."""
    seen = form.cleaned_data.get("seen")
    if seen is None:  # not sent from the ticket page: nothing to compare with
        return False
    newer = messages_visible_to(actor, ticket).filter(pk__gt=seen).exclude(author_user=actor.user)
    latest = newer.order_by("-pk").values_list("pk", flat=True).first()
    if latest is None or form.cleaned_data.get("confirm"):
        return False
    data = form.data.copy() if isinstance(form.data, QueryDict) else QueryDict(mutable=True)
    data["seen"], data["confirm"] = str(latest), "on"
    form.data = data
    form.add_error(
        None,
        "A new message arrived since you opened this ticket. Read it above; send again "
        "to reply anyway (re-attach any files).",
    )
    return True


@require_POST
@staff_required
def note(request: HttpRequest, number: int) -> HttpResponse:
    actor = web_actor(request)
    ticket = get_ticket_by_number_for(actor, number)
    form = NoteForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_note(
                ticket,
                body=form.cleaned_data["body"],
                attachments=attachments_from(form.cleaned_data["attachments"]),
                actor=actor,
            )
            return _after_write(request, actor, ticket.number, mode="note")
        except FrontlineError as exc:
            add_domain_error(form, exc)
    return _composer(request, actor, ticket, note_form=form, mode="note")


def _composer(
    request: HttpRequest, actor: Actor, ticket: Ticket, *, mode: str, **forms: Any
) -> HttpResponse:
    if is_htmx(request):
        context = {
            "ticket_panels": contributions.ticket_panels(),
            "ticket": ticket,
            "mode": mode,
            "recipients": reply_recipients(ticket),
            "reply_form": forms.get("reply_form") or ReplyForm(),
            "note_form": forms.get("note_form") or NoteForm(),
        }
        return render(request, "tickets/_composer.html", context)
    context = _page_context(request, actor, ticket, **forms)
    return render(request, "tickets/ticket.html", context | {"mode": mode})


def _after_write(
    request: HttpRequest, actor: Actor, number: int, *, mode: str = "reply"
) -> HttpResponse:
    """A fresh composer with the new timeline and panel beside it (htmx), else a redirect."""
    if not is_htmx(request):
        return HttpResponseRedirect(reverse("tickets:ticket", args=[number]))
    ticket = get_ticket_by_number_for(actor, number)
    timeline = _timeline_context(actor, ticket)
    reply_form = ReplyForm(initial={"seen": timeline["seen"]})
    context = {
        "ticket_panels": contributions.ticket_panels(),
        **timeline,
        **_panel_context(ticket),
        "mode": mode,
        "recipients": reply_recipients(ticket),
        "reply_form": reply_form,
        "note_form": NoteForm(),
    }
    return render(request, "tickets/_after_write.html", context)


@require_POST
@staff_required
def update_properties(request: HttpRequest, number: int) -> HttpResponse:
    actor = web_actor(request)
    ticket = get_ticket_by_number_for(actor, number)
    choices = workspace_choices()
    form = _properties_form(ticket, choices, tags=[], data=request.POST)
    if form.is_valid():
        try:
            services.update_ticket(ticket, changes=_changes(form, choices), actor=actor)
            return _panel_answer(request, actor, number)
        except FrontlineError as exc:
            add_domain_error(form, exc, fields=FIELD_NAMES)
    return _panel_answer(request, actor, number, properties_form=form)


def _changes(form: PropertiesForm, choices: Choices) -> services.TicketChanges:
    data = form.cleaned_data
    team = next((t for t in choices.teams if str(t.pk) == data["team"]), None)
    assignee = next((u for u in choices.agents if str(u.pk) == data["assignee"]), None)
    category = Category.objects.filter(pk=data["category"]).first() if data["category"] else None
    return services.TicketChanges(
        status=Status(data["status"]),
        priority=Priority(data["priority"]),
        team=team,
        clear_team=team is None,
        assignee=assignee,
        unassign=assignee is None,
        category=category,
        clear_category=category is None,
        tags=form.tag_names(),
    )


@require_POST
@staff_required
def take(request: HttpRequest, number: int) -> HttpResponse:
    """Assign the ticket to the agent asking."""
    actor = web_actor(request)
    ticket = get_ticket_by_number_for(actor, number)
    try:
        services.assign_ticket(ticket, assignee=actor.user, actor=actor)
    except FrontlineError as exc:
        return _panel_answer(request, actor, number, error=exc.message)
    return _panel_answer(request, actor, number)


@require_POST
@staff_required
def collaborators(request: HttpRequest, number: int) -> HttpResponse:
    """Add the colleague chosen, or remove the one named by ``remove``."""
    actor = web_actor(request)
    ticket = get_ticket_by_number_for(actor, number)
    agents = workspace_choices().agents
    form = CollaboratorForm(request.POST, agents=agents)
    removing = next((u for u in agents if str(u.pk) == request.POST.get("remove")), None)
    try:
        if removing is not None:
            services.remove_collaborator(ticket, user=removing, actor=actor)
            return _panel_answer(request, actor, number)
        if form.is_valid():
            user = next(u for u in agents if str(u.pk) == form.cleaned_data["user"])
            services.add_collaborator(ticket, user=user, actor=actor)
            return _panel_answer(request, actor, number)
    except FrontlineError as exc:
        add_domain_error(form, exc, fields={"user_id": "user"})
    return _panel_answer(request, actor, number, collaborator_form=form)


@require_POST
@staff_required
def link_parent(request: HttpRequest, number: int) -> HttpResponse:
    actor = web_actor(request)
    ticket = get_ticket_by_number_for(actor, number)
    form = ParentForm(request.POST)
    if form.is_valid():
        try:
            wanted = form.cleaned_data["parent"]
            parent = get_ticket_by_number_for(actor, wanted) if wanted else None
            services.link_to_parent(ticket, parent=parent, actor=actor)
            return _panel_answer(request, actor, number)
        except FrontlineError as exc:
            add_domain_error(form, exc, fields=FIELD_NAMES)
    return _panel_answer(request, actor, number, parent_form=form)


@require_POST
@staff_required
def merge(request: HttpRequest, number: int) -> HttpResponse:
    """Merge this ticket into another and go there."""
    actor = web_actor(request)
    ticket = get_ticket_by_number_for(actor, number)
    form = MergeForm(request.POST)
    if form.is_valid():
        try:
            target = get_ticket_by_number_for(actor, form.cleaned_data["into"])
            merged = services.merge_tickets(ticket, into=target, actor=actor)
            url = reverse("tickets:ticket", args=[merged.number])
            if is_htmx(request):
                return HttpResponse(status=204, headers={"HX-Redirect": url})
            return HttpResponseRedirect(url)
        except FrontlineError as exc:
            add_domain_error(form, exc, fields=FIELD_NAMES)
    return _panel_answer(request, actor, number, merge_form=form)


@require_POST
@staff_required
def split(request: HttpRequest, number: int) -> HttpResponse:
    """Move the messages chosen to a new ticket and go there."""
    actor = web_actor(request)
    ticket = get_ticket_by_number_for(actor, number)
    form = SplitForm(request.POST, messages=_split_choices(timeline_for(actor, ticket)))
    if form.is_valid():
        try:
            new = services.split_ticket(
                ticket,
                message_ids=form.cleaned_data["messages"],
                subject=form.cleaned_data["subject"],
                actor=actor,
            )
            url = reverse("tickets:ticket", args=[new.number])
            if is_htmx(request):
                return HttpResponse(status=204, headers={"HX-Redirect": url})
            return HttpResponseRedirect(url)
        except FrontlineError as exc:
            add_domain_error(form, exc, fields={"message_ids": "messages"})
    context = _page_context(request, actor, ticket, split_form=form)
    return render(request, "tickets/ticket.html", context)


@require_POST
@staff_required
def update_custom_fields(request: HttpRequest, number: int) -> HttpResponse:
    actor = web_actor(request)
    ticket = get_ticket_by_number_for(actor, number)
    form = _custom_fields_form(ticket, data=request.POST)
    if form.is_valid():
        try:
            services.set_custom_fields(ticket, values=form.values(), actor=actor)
            return _panel_answer(request, actor, number)
        except FrontlineError as exc:
            names = {f"custom_fields.{d.key}": d.key for d in form.definitions}
            add_domain_error(form, exc, fields=names)
    return _panel_answer(request, actor, number, custom_fields_form=form)


def _panel_answer(
    request: HttpRequest, actor: Actor, number: int, *, error: str = "", **forms: Any
) -> HttpResponse:
    """The refreshed side panel (htmx) or the whole page again."""
    ticket = get_ticket_by_number_for(actor, number)
    if not is_htmx(request):
        if not forms and not error:
            return HttpResponseRedirect(reverse("tickets:ticket", args=[number]))
        context = _page_context(request, actor, ticket, **forms) | {"panel_error": error}
        return render(request, "tickets/ticket.html", context)
    context = _panel_context(ticket, **forms) | {"panel_error": error}
    response = render(request, "tickets/_panel_refresh.html", context)
    if not forms and not error:
        response["HX-Trigger"] = json.dumps({"ticket-saved": True})
    return response


@staff_required
def download_attachment(request: HttpRequest, attachment_id: int) -> FileResponse:
    attachment = get_attachment_for(web_actor(request), attachment_id)
    return download(
        request, attachment.file, filename=attachment.filename, content_type=attachment.content_type
    )


@staff_required
def mention_suggestions(request: HttpRequest) -> JsonResponse:
    """Colleagues for the @mention menu of the note composer."""
    users = colleagues_matching(request.GET.get("q", "")[:100])
    return JsonResponse(
        {"results": [{"handle": handle_for(u), "name": str(u), "email": u.email} for u in users]}
    )
