"""The Macros page (every agent: list, search, create, edit, delete) and the composer's
preview of a macro for one ticket."""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from frontline.accounts.models import Team, User
from frontline.accounts.web import staff_required, web_actor
from frontline.core.actors import Actor
from frontline.core.errors import FrontlineError, NotFound, PermissionDenied, ValidationFailed
from frontline.macros import queries, services
from frontline.macros.contributions import change_lines
from frontline.macros.models import Macro, Scope
from frontline.macros.placeholders import PLACEHOLDERS, render_placeholders
from frontline.tickets.models import Priority, Status
from frontline.tickets.queries import get_ticket_by_number_for

FORM_KEYS = (
    "name", "body", "scope", "team_id", "change_status", "change_priority", "change_team_id",
    "tags", "remove_tags",
)  # fmt: skip
# The service's field names (``changes.status``) as the form names them.
FORM_FIELDS = {
    "changes.status": "change_status",
    "changes.priority": "change_priority",
    "changes.team_id": "change_team_id",
    "changes.tags": "tags",
    "changes.remove_tags": "remove_tags",
}


def _macro_user(request: HttpRequest) -> tuple[Actor, User]:
    actor = web_actor(request)
    try:
        queries.ensure_macro_user(actor)
    except PermissionDenied as error:
        raise DjangoPermissionDenied(error.message) from error
    assert actor.user is not None  # noqa: S101 - ensure_macro_user checked it
    return actor, actor.user


def _member_of(user: User) -> set[int]:
    return set(user.memberships.values_list("team_id", flat=True))


@require_GET
@staff_required
def macro_list(request: HttpRequest) -> HttpResponse:
    actor, user = _macro_user(request)
    q = request.GET.get("q", "")[:200]
    scope_value = request.GET.get("scope", "")
    scope = Scope(scope_value) if scope_value in Scope.values else None
    macros = list(
        queries.macros_visible_to(actor, q=q, scope=scope).select_related("team", "owner")[:500]
    )
    member_of, teams = _member_of(user), _team_names(macros)
    rows = [
        {
            "macro": m,
            "changes": services.describe_changes(m.changes or {}, teams=teams),
            "can_manage": services.may_manage(user, m, member_of=member_of),
        }
        for m in macros
    ]
    context = {
        "rows": rows,
        "q": q,
        "scope": scope_value if scope else "",
        "scopes": Scope.choices,
        "section": "macros",
    }
    return render(request, "macros/list.html", context)


def _team_names(macros: list[Macro]) -> dict[int, str]:
    ids = {
        int(m.changes["team_id"])
        for m in macros
        if isinstance(m.changes, dict) and m.changes.get("team_id")
    }
    if not ids:
        return {}
    return dict(Team.objects.filter(pk__in=ids).values_list("pk", "name"))


@staff_required
def macro_form(request: HttpRequest, macro_id: int | None = None) -> HttpResponse:
    actor, user = _macro_user(request)
    macro = _visible(actor, macro_id) if macro_id else None
    if macro is not None and not services.may_manage(user, macro):
        raise DjangoPermissionDenied("You may use this macro but not change it.")
    if request.method != "POST":
        return render(request, "macros/form.html", _form_context(user, macro))
    data: dict[str, Any] = {key: request.POST.get(key, "").strip() for key in FORM_KEYS}
    data["body"] = request.POST.get("body", "")
    data["is_active"] = "is_active" in request.POST
    try:
        fields = _fields_from(data)
        if macro is None:
            services.create_macro(fields=fields, actor=actor)
        else:
            services.update_macro(macro, fields=fields, actor=actor)
    except FrontlineError as error:
        field = FORM_FIELDS.get(error.field or "", error.field or "")
        context = _form_context(user, macro, data) | {"error": error, "error_field": field}
        return render(request, "macros/form.html", context, status=422)
    return redirect("macros:list")


def _visible(actor: Actor, macro_id: int) -> Macro:
    try:
        return queries.get_macro_for(actor, macro_id)
    except NotFound as error:
        raise Http404(error.message) from error


def _fields_from(data: dict[str, Any]) -> services.MacroFields:
    scope = data["scope"]
    if scope and scope not in Scope.values:
        raise ValidationFailed("Choose who the macro is for.", field="scope")
    changes = {
        "status": data["change_status"],
        "priority": data["change_priority"],
        "team_id": _number(data["change_team_id"], "changes.team_id"),
        "tags": _words(data["tags"]),
        "remove_tags": _words(data["remove_tags"]),
    }
    return services.MacroFields(
        name=data["name"],
        body=data["body"],
        changes=changes,
        scope=Scope(scope) if scope else None,
        team_id=_number(data["team_id"], "team_id"),
        is_active=data["is_active"],
    )


def _words(text: str) -> list[str]:
    return [t for t in text.replace(",", " ").split() if t]


def _number(text: str, field: str) -> int | None:
    if not text:
        return None
    if not text.isdigit():
        raise ValidationFailed("Choose one from the list.", field=field)
    return int(text)


def _form_context(
    user: User, macro: Macro | None, data: dict[str, Any] | None = None
) -> dict[str, Any]:
    changes = (macro.changes if macro else None) or {}
    values = data or {
        "name": macro.name if macro else "",
        "body": macro.body if macro else "",
        "scope": macro.scope if macro else services.default_scope(user).value,
        "team_id": str(macro.team_id or "") if macro else "",
        "change_status": changes.get("status", ""),
        "change_priority": changes.get("priority", ""),
        "change_team_id": str(changes.get("team_id") or ""),
        "tags": ", ".join(changes.get("tags", [])),
        "remove_tags": ", ".join(changes.get("remove_tags", [])),
        "is_active": macro.is_active if macro else True,
    }
    teams = list(Team.objects.order_by("name"))
    member_of = _member_of(user)
    own_teams = [
        t for t in teams if services.may_create_in(user, Scope.TEAM, t, member_of=member_of)
    ]
    return {
        "macro": macro,
        "values": values,
        "scopes": [
            (value, label)
            for value, label in Scope.choices
            if (value == Scope.TEAM and own_teams)
            or services.may_create_in(user, Scope(value), None)
            or (macro is not None and macro.scope == value)
        ],
        "own_teams": own_teams,
        "teams": teams,
        "statuses": Status.choices,
        "priorities": Priority.choices,
        "placeholders": PLACEHOLDERS.items(),
        "section": "macros",
    }


@require_POST
@staff_required
def macro_delete(request: HttpRequest, macro_id: int) -> HttpResponse:
    actor, _user = _macro_user(request)
    macro = _visible(actor, macro_id)
    try:
        services.delete_macro(macro, actor=actor)
    except PermissionDenied as error:
        raise DjangoPermissionDenied(error.message) from error
    return redirect("macros:list")


@require_GET
@staff_required
def macro_preview(request: HttpRequest, number: int, macro_id: int) -> JsonResponse:
    """A macro for one ticket, for the composer: its text with the placeholders filled in
    for this agent, and the changes sending the reply will make."""
    actor, _user = _macro_user(request)
    ticket = get_ticket_by_number_for(actor, number)
    macro = _visible(actor, macro_id)
    body = render_placeholders(macro.body, ticket=ticket, actor=actor)
    return JsonResponse(
        {
            "id": macro.pk,
            "name": macro.name,
            "body": body,
            "status": (macro.changes or {}).get("status") or "",
            "changes": change_lines(macro),
        }
    )
