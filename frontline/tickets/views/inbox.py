"""The inbox: a list of tickets per view, counts per view, filters, saved views."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from frontline.accounts.web import staff_required, web_actor
from frontline.core.actors import Actor
from frontline.core.errors import FrontlineError
from frontline.core.pagination import paginate
from frontline.core.web import add_domain_error, is_htmx
from frontline.tickets import contributions, inbox, services
from frontline.tickets.forms import BulkForm, InboxFilterForm, SaveViewForm
from frontline.tickets.models import InboxPreference, InboxSort, SavedView, Ticket
from frontline.tickets.queries import pick_rows
from frontline.tickets.views.common import Choices, attach_known, workspace_choices

PAGE_SIZE = 50


@staff_required
def inbox_home(request: HttpRequest) -> HttpResponse:
    """Open the view the agent used last, else "my open tickets"."""
    user = web_actor(request).user
    last = InboxPreference.objects.filter(user=user).values_list("last_view", flat=True).first()
    key = last if last and inbox.view_named(web_actor(request), last) else inbox.DEFAULT_VIEW
    return HttpResponseRedirect(reverse("tickets:view", args=[key]))


@staff_required
def inbox_view(request: HttpRequest, key: str) -> HttpResponse:
    actor = web_actor(request)
    choices = workspace_choices()
    views, filter_form, view = _views(request, actor, key, choices)
    scope = inbox.scope_for(actor)
    tickets, order = inbox.ordered(inbox.tickets_in(scope, view), view.sort)
    try:
        page = paginate(
            inbox.with_row_relations(tickets),
            request,
            order=order,
            cursor=request.GET.get("cursor"),
            page_size=PAGE_SIZE,
            pick=pick_rows(order),
        )
    except FrontlineError:
        raise Http404("No such page.") from None
    context: dict[str, Any] = {"view": view, "page": page, "section": "inbox"}
    query = request.GET.copy()
    query.pop("cursor", None)
    context["list_url"] = _with_query(request.path, query)
    context["row_query"] = view_query(view.key, query)
    attach_known(page.items, choices)
    _prepare_rows(page.items, context["row_query"])
    if is_htmx(request) and request.GET.get("cursor"):
        return render(request, "tickets/_ticket_rows.html", context)
    context |= {
        "views": views,
        "builtin_count": len(inbox.BUILT_IN_VIEWS),
        "filter_form": filter_form,
        "bulk_form": BulkForm(teams=choices.teams, agents=choices.agents),
        "save_form": SaveViewForm(),
        "sorts": InboxSort.choices,
    }
    if is_htmx(request):
        context["counts"] = _counts(scope, views, view)
        return render(request, "tickets/_inbox_refresh.html", context)
    # Counting a team's tickets takes longer than showing a page of them: the page asks
    # for the counts once it is shown (``inbox_counts``).
    context["counts_url"] = _with_query(reverse("tickets:counts", args=[view.key]), query)
    if view.key != inbox.FILTER_VIEW:
        services.remember_last_view(key=view.key, actor=actor)
    return render(request, "tickets/inbox.html", context)


@staff_required
def inbox_counts(request: HttpRequest, key: str) -> HttpResponse:
    """The views' counts, for the inbox page that asks once it is shown: the views'
    navigation and the heading's count."""
    actor = web_actor(request)
    views, _filter_form, view = _views(request, actor, key, workspace_choices())
    query = filter_params(request.GET) if key == inbox.FILTER_VIEW else QueryDict()
    context = {
        "view": view,
        "views": views,
        "builtin_count": len(inbox.BUILT_IN_VIEWS),
        "counts": _counts(inbox.scope_for(actor), views, view),
        "list_url": _with_query(reverse("tickets:view", args=[view.key]), query),
    }
    return render(request, "tickets/_counts.html", context)


def _views(
    request: HttpRequest, actor: Actor, key: str, choices: Choices
) -> tuple[list[inbox.InboxView], InboxFilterForm, inbox.InboxView]:
    """The agent's views, the filter form, and the view ``key`` names (404 if none)."""
    views = inbox.views_for(actor)
    filter_form = InboxFilterForm(
        request.GET if key == inbox.FILTER_VIEW else None,
        teams=choices.teams,
        agents=choices.agents,
    )
    return views, filter_form, _chosen_view(key, views, filter_form)


def _counts(
    scope: inbox.InboxScope, views: list[inbox.InboxView], view: inbox.InboxView
) -> dict[str, int]:
    return inbox.counts(scope, [*views, view] if view.key == inbox.FILTER_VIEW else views)


def _with_query(path: str, query: QueryDict) -> str:
    return f"{path}?{query.urlencode()}" if query else path


def _prepare_rows(tickets: list[Ticket], row_query: str) -> None:
    """What each row shows beyond the ticket's own fields: its link, carrying the view (one
    reverse per page, not two url tags per row), and its next due time, read from the
    relations the due-time contribution joined (``inbox.with_row_relations``)."""
    prefix = reverse("tickets:ticket", args=[1]).removesuffix("1/")
    due = contributions.due_time()
    for ticket in tickets:
        ticket.href = f"{prefix}{ticket.number}/?{row_query}"  # type: ignore[attr-defined]
        ticket.row_due_at = due.due_at(ticket)  # type: ignore[attr-defined]


def view_query(key: str, params: QueryDict) -> str:
    """What a ticket link carries so the ticket page knows the view it came from (for
    previous/next): the view's key, and for the unsaved filter view its filters too."""
    query = filter_params(params) if key == inbox.FILTER_VIEW else QueryDict(mutable=True)
    return f"view={key}&{query.urlencode()}" if query else f"view={key}"


def filter_params(params: QueryDict) -> QueryDict:
    """Only the filter form's own parameters (no cursor, no view)."""
    query = QueryDict(mutable=True)
    for name in InboxFilterForm.base_fields:
        if name in params:
            query.setlist(name, params.getlist(name))
    return query


def _chosen_view(
    key: str, views: list[inbox.InboxView], filter_form: InboxFilterForm
) -> inbox.InboxView:
    if key == inbox.FILTER_VIEW:
        if filter_form.is_valid():
            return inbox.filter_view(filter_form.filters(), filter_form.sort_order())
        return inbox.filter_view(inbox.InboxFilters(), InboxSort.UPDATED)
    view = inbox.find_view(views, key)
    if view is None:
        raise Http404("No such view.")
    return view


@require_POST
@staff_required
def save_view(request: HttpRequest) -> HttpResponse:
    """Save the filters of the current filter view under a name."""
    actor = web_actor(request)
    choices = workspace_choices()
    filter_form = InboxFilterForm(request.POST, teams=choices.teams, agents=choices.agents)
    save_form = SaveViewForm(request.POST)
    if filter_form.is_valid() and save_form.is_valid():
        try:
            saved = services.save_view(
                name=save_form.cleaned_data["name"],
                filters=filter_form.filters().as_json(),
                sort=InboxSort(filter_form.sort_order()),
                actor=actor,
            )
            return HttpResponseRedirect(reverse("tickets:view", args=[f"v{saved.pk}"]))
        except FrontlineError as exc:
            add_domain_error(save_form, exc)
    errors = [*save_form.errors.values(), *filter_form.errors.values()]
    return render(
        request,
        "core/error.html",
        {"message": " ".join(str(e[0]) for e in errors) or "The view was not saved."},
        status=422,
    )


@require_POST
@staff_required
def delete_view(request: HttpRequest, view_id: int) -> HttpResponse:
    actor = web_actor(request)
    saved = SavedView.objects.filter(owner=actor.user, pk=view_id).first()
    if saved is None:
        raise Http404("No such view.")
    services.delete_view(saved, actor=actor)
    return HttpResponseRedirect(reverse("tickets:view", args=[inbox.DEFAULT_VIEW]))
