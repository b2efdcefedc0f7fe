"""Routing's workspace pages: the presence switch (every staff page) and the settings
page for supervisors and above (strategies, capacities, skill requirements)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from frontline.accounts.models import Skill, Team, TeamMembership, User
from frontline.accounts.permissions import can_manage_routing
from frontline.accounts.web import staff_required, web_actor
from frontline.core.errors import FrontlineError
from frontline.core.web import is_htmx
from frontline.routing import presence, services
from frontline.routing.contributions import PRESENCE_SWITCH
from frontline.routing.models import (
    AgentCapacity,
    QueueOrder,
    RequirementKind,
    SkillRequirement,
    Strategy,
    TeamRouting,
)
from frontline.tickets.models import Category, Channel


@staff_required
@require_POST
def set_presence(request: HttpRequest) -> HttpResponse:
    actor = web_actor(request)
    assert actor.user is not None  # noqa: S101 - staff_required
    try:
        presence.set_presence(actor.user, status=request.POST.get("status", ""), actor=actor)
    except FrontlineError as error:
        return HttpResponse(str(error), status=422)
    if is_htmx(request):
        return HttpResponse(PRESENCE_SWITCH.render(request))
    return HttpResponseRedirect(request.headers.get("referer") or reverse("tickets:inbox"))


def _ensure_router(request: HttpRequest) -> None:
    user = web_actor(request).user
    if user is None or not can_manage_routing(user):
        raise DjangoPermissionDenied("Routing settings are for supervisors and above.")


@staff_required
def settings_page(request: HttpRequest) -> HttpResponse:
    _ensure_router(request)
    rows = {r.team_id: r for r in TeamRouting.objects.all()}
    teams = list(Team.objects.order_by("name"))
    agent_ids = TeamMembership.objects.values_list("user_id", flat=True)
    context = {
        "section": "routing",
        "teams": [(t, rows.get(t.pk) or TeamRouting(team=t)) for t in teams],
        "all_teams": teams,
        "strategies": Strategy.choices,
        "orders": QueueOrder.choices,
        "agents": User.objects.filter(pk__in=agent_ids, is_active=True).order_by("name"),
        "capacities": AgentCapacity.objects.select_related("user").order_by(
            "user__name", "channel"
        ),
        "channels": Channel.choices,
        "requirements": SkillRequirement.objects.select_related("skill", "category"),
        "kinds": RequirementKind.choices,
        "skills": Skill.objects.order_by("name"),
        "categories": Category.objects.filter(is_active=True).order_by("name"),
    }
    return render(request, "routing/settings.html", context)


def _number(value: str | None) -> int | None:
    return int(value) if value and value.strip().lstrip("-").isdigit() else None


@staff_required
@require_POST
def save_team(request: HttpRequest, team_id: int) -> HttpResponse:
    _ensure_router(request)
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise DjangoPermissionDenied("No such team.")
    fallback = _number(request.POST.get("fallback_team_id"))
    changes = services.TeamRoutingChanges(
        strategy=request.POST.get("strategy") or None,
        queue_order=request.POST.get("queue_order") or None,
        relax_after_seconds=_number(request.POST.get("relax_after_seconds")),
        fallback_team_id=fallback or None,
        clear_fallback=not fallback,
    )
    return _saved(
        request,
        lambda: services.update_team_routing(team, changes=changes, actor=web_actor(request)),
        f"Routing of {team} saved.",
    )


@staff_required
@require_POST
def save_capacity(request: HttpRequest) -> HttpResponse:
    _ensure_router(request)
    user = User.objects.filter(pk=_number(request.POST.get("user_id")) or 0).first()
    if user is None:
        messages.error(request, "user_id: choose an agent.")
        return HttpResponseRedirect(reverse("routing:settings"))
    channel = request.POST.get("channel", "")
    limit = _number(request.POST.get("max_concurrent"))
    return _saved(
        request,
        lambda: services.set_capacities(user, limits={channel: limit}, actor=web_actor(request)),
        f"Capacity of {user} saved.",
    )


@staff_required
@require_POST
def add_requirement(request: HttpRequest) -> HttpResponse:
    _ensure_router(request)
    return _saved(
        request,
        lambda: services.add_requirement(
            kind=request.POST.get("kind", ""),
            skill_id=_number(request.POST.get("skill_id")) or 0,
            min_proficiency=_number(request.POST.get("min_proficiency")) or 0,
            value=request.POST.get("value", ""),
            actor=web_actor(request),
        ),
        "Skill requirement saved.",
    )


def _saved(request: HttpRequest, action: object, done: str) -> HttpResponse:
    try:
        action()  # type: ignore[operator]
    except FrontlineError as error:
        field = getattr(error, "field", None)
        messages.error(request, f"{field}: {error}" if field else str(error))
    else:
        messages.success(request, done)
    return HttpResponseRedirect(reverse("routing:settings"))
