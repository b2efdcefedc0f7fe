"""The ticket page's "Tier & swarm" panel and its actions, the start-a-swarm page, and the
agent's "Swarming" page. Each action posts a form; htmx gets the panel back, a plain
browser a redirect to the ticket (or, with an error, the panel on a page of its own)."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from frontline.accounts.models import User
from frontline.accounts.permissions import can_manage_routing, can_write_tickets
from frontline.accounts.web import staff_required, web_actor
from frontline.core.actors import Actor
from frontline.core.errors import FrontlineError
from frontline.core.web import is_htmx
from frontline.routing import escalation, swarms
from frontline.routing.models import Swarm, SwarmMember
from frontline.tickets.models import Ticket
from frontline.tickets.queries import get_ticket_by_number_for, tickets_visible_to

PANEL = "routing/tiers/_ticket_panel.html"
SWARMING_LIMIT = 100


@dataclass
class PanelState:
    summary: escalation.TierSummary
    next_team_name: str | None
    may_de_escalate: bool
    members: list[SwarmMember] = field(default_factory=list)
    may_lead: bool = False
    may_work: bool = False
    error: str = ""

    @property
    def swarm(self) -> Swarm | None:
        return self.members[0].swarm if self.members else None


def panel_state(ticket: Ticket, user: User, *, error: str = "") -> PanelState:
    """What the panel shows, in two queries: the tier summary with the team's next tier
    (one row, joined from the ticket), and the running swarm's members."""
    row = (
        Ticket.objects.filter(pk=ticket.pk)
        .values(
            "team__tier",
            "team__routing__escalates_to__name",
            "tier_summary__highest_tier",
            "tier_summary__escalations",
            "tier_summary__de_escalations",
        )
        .first()
    )
    facts: dict[str, Any] = dict(row) if row else {}
    members = list(
        SwarmMember.objects.filter(swarm__ticket_id=ticket.pk, active=True)
        .select_related("swarm", "user")
        .order_by("-is_owner", "invited_at", "id")
    )
    current = facts.get("team__tier")
    escalations = facts.get("tier_summary__escalations") or 0
    return PanelState(
        summary=escalation.TierSummary(
            current=current,
            highest=max(facts.get("tier_summary__highest_tier") or 0, current or 0) or None,
            escalations=escalations,
        ),
        next_team_name=facts.get("team__routing__escalates_to__name"),
        may_de_escalate=escalations > (facts.get("tier_summary__de_escalations") or 0),
        members=members,
        may_lead=swarms.may_lead(user, ticket),
        may_work=can_write_tickets(user),
        error=error,
    )


@staff_required
def tier_panel(request: HttpRequest, number: int) -> HttpResponse:
    actor = web_actor(request)
    ticket = get_ticket_by_number_for(actor, number, related=("team",))
    return _panel(request, actor, ticket)


@staff_required
def open_swarm(request: HttpRequest, number: int) -> HttpResponse:
    """Where invitations link: marks the invitation seen, then opens the ticket."""
    actor = web_actor(request)
    ticket = get_ticket_by_number_for(actor, number, related=("team",))
    swarms.acknowledge_swarm(ticket, actor=actor)
    return HttpResponseRedirect(reverse("tickets:ticket", args=[ticket.number]))


@require_POST
@staff_required
def escalate(request: HttpRequest, number: int) -> HttpResponse:
    actor = web_actor(request)
    ticket = get_ticket_by_number_for(actor, number, related=("team",))
    try:
        escalation.escalate(ticket, reason=request.POST.get("reason", ""), actor=actor)
    except FrontlineError as exc:
        return _panel(request, actor, ticket, error=exc.message)
    return _after_move(request, actor, ticket)


@require_POST
@staff_required
def de_escalate(request: HttpRequest, number: int) -> HttpResponse:
    actor = web_actor(request)
    ticket = get_ticket_by_number_for(actor, number, related=("team",))
    try:
        escalation.de_escalate(ticket, reason=request.POST.get("reason", ""), actor=actor)
    except FrontlineError as exc:
        return _panel(request, actor, ticket, error=exc.message)
    return _after_move(request, actor, ticket)


@staff_required
def start_swarm(request: HttpRequest, number: int) -> HttpResponse:
    """GET: the form with suggested colleagues; POST: start the swarm."""
    actor = web_actor(request)
    ticket = get_ticket_by_number_for(actor, number, related=("team", "assignee", "category"))
    error = ""
    if request.method == "POST":
        try:
            swarms.start_swarm(
                ticket,
                question=request.POST.get("question", ""),
                invite=_chosen_users(request),
                reasons=_chosen_reasons(request),
                actor=actor,
            )
        except FrontlineError as exc:
            error = exc.message
        else:
            return _back_to_ticket(request, actor, ticket)
    context = {
        "ticket": ticket,
        "suggestions": swarms.suggest_collaborators(ticket),
        "colleagues": _colleagues(exclude=ticket.assignee_id),
        "question": request.POST.get("question", ""),
        "chosen": {int(i) for i in request.POST.getlist("invite") if i.isdigit()},
        "error": error,
        "running": Swarm.objects.filter(ticket_id=ticket.pk, ended_at=None).first(),
        "section": "inbox",
    }
    template = "routing/tiers/_swarm_form.html" if is_htmx(request) else "routing/tiers/start.html"
    return render(request, template, context, status=422 if error else 200)


@require_POST
@staff_required
def invite_to_swarm(request: HttpRequest, number: int) -> HttpResponse:
    actor = web_actor(request)
    ticket = get_ticket_by_number_for(actor, number, related=("team",))
    try:
        swarms.invite_to_swarm(ticket, users=_chosen_users(request), actor=actor)
    except FrontlineError as exc:
        return _panel(request, actor, ticket, error=exc.message)
    return _back_to_ticket(request, actor, ticket)


@require_POST
@staff_required
def end_swarm(request: HttpRequest, number: int) -> HttpResponse:
    actor = web_actor(request)
    ticket = get_ticket_by_number_for(actor, number, related=("team",))
    try:
        swarms.end_swarm(ticket, outcome=request.POST.get("outcome", ""), actor=actor)
    except FrontlineError as exc:
        return _panel(request, actor, ticket, error=exc.message)
    return _back_to_ticket(request, actor, ticket)


@staff_required
def swarming(request: HttpRequest) -> HttpResponse:
    """The active swarms the agent owns or was invited to, newest first; supervisors may
    list every running swarm (``?all=1``)."""
    actor = web_actor(request)
    user = actor.user
    assert user is not None  # noqa: S101 - staff_required signed them in
    everything = request.GET.get("all") == "1" and can_manage_routing(user)
    context = {
        "rows": _active_swarms(actor, everything=everything),
        "everything": everything,
        "may_see_all": can_manage_routing(user),
        "section": "swarming",
    }
    return render(request, "routing/tiers/swarming.html", context)


def _active_swarms(actor: Actor, *, everything: bool) -> list[SwarmMember]:
    """One row per swarm: the agent's own membership, or for ``everything`` each owner's."""
    user = actor.user
    assert user is not None  # noqa: S101 - staff_required signed them in
    everyone = Prefetch(
        "swarm__members",
        queryset=SwarmMember.objects.select_related("user").order_by("-is_owner", "invited_at"),
    )
    mine = {"is_owner": True} if everything else {"user_id": user.pk}
    rows = (
        SwarmMember.objects.filter(
            active=True, swarm__ticket__in=tickets_visible_to(actor).values("pk"), **mine
        )
        .select_related("swarm__ticket", "swarm__owner", "swarm__ticket__team")
        .prefetch_related(everyone)
        .order_by("-invited_at", "-id")
    )
    return list(rows[:SWARMING_LIMIT])


def _panel(request: HttpRequest, actor: Actor, ticket: Ticket, *, error: str = "") -> HttpResponse:
    user = actor.user
    assert user is not None  # noqa: S101 - staff_required signed them in
    fresh = get_ticket_by_number_for(actor, ticket.number, related=("team",))
    context = {"ticket": fresh, "ts": panel_state(fresh, user, error=error), "user": user}
    status = 422 if error else 200
    if is_htmx(request):
        return render(request, PANEL, context, status=status)
    return render(request, "routing/tiers/panel_page.html", context, status=status)


def _after_move(request: HttpRequest, actor: Actor, ticket: Ticket) -> HttpResponse:
    """After a move the ticket may have left the agent's teams: back to the inbox then."""
    if tickets_visible_to(actor).filter(pk=ticket.pk).exists():
        return _back_to_ticket(request, actor, ticket)
    return _redirect(request, reverse("tickets:inbox"))


def _back_to_ticket(request: HttpRequest, actor: Actor, ticket: Ticket) -> HttpResponse:
    if is_htmx(request):
        return _panel(request, actor, ticket)
    return HttpResponseRedirect(reverse("tickets:ticket", args=[ticket.number]))


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def _chosen_users(request: HttpRequest) -> list[User]:
    ids = [int(i) for i in request.POST.getlist("invite") if i.isdigit()][:50]
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("name", "pk"))


def _chosen_reasons(request: HttpRequest) -> dict[int, str]:
    """The reason each suggested colleague was shown, posted beside the checkbox."""
    reasons: dict[int, str] = {}
    for key in request.POST:
        user_id = key.removeprefix("reason-")
        if key.startswith("reason-") and user_id.isdigit():
            reasons[int(user_id)] = request.POST.get(key, "")[:200]
    return reasons


def _colleagues(*, exclude: int | None) -> list[User]:
    users = User.objects.filter(is_active=True).exclude(role="customer")
    if exclude is not None:
        users = users.exclude(pk=exclude)
    return [u for u in users.order_by("name", "email")[:300] if can_write_tickets(u)]
