"""Reads of macros, always for an actor: their own personal ones, their teams' and the
shared ones, most-used first."""

from django.db.models import Q, QuerySet

from frontline.accounts.permissions import can_manage_configuration, can_write_tickets
from frontline.core.actors import Actor
from frontline.core.errors import NotFound, PermissionDenied
from frontline.macros.models import Macro, Scope


def ensure_macro_user(actor: Actor) -> None:
    """Macros are for agents who write tickets: customers and analysts are refused."""
    user = actor.user
    if not actor.is_agent or user is None or not can_write_tickets(user):
        raise PermissionDenied("Macros are for agents who write tickets.")


def macros_visible_to(
    actor: Actor, *, q: str = "", scope: Scope | None = None, active_only: bool = False
) -> QuerySet[Macro]:
    user = actor.user
    if not actor.is_agent or user is None or not can_write_tickets(user):
        return Macro.objects.none()
    teams = Q(scope=Scope.TEAM)
    if not can_manage_configuration(user):
        teams &= Q(team__memberships__user=user)
    visible = Q(scope=Scope.SHARED) | Q(scope=Scope.PERSONAL, owner=user) | teams
    macros = Macro.objects.filter(visible)
    if scope is not None:
        macros = macros.filter(scope=scope)
    if active_only:
        macros = macros.filter(is_active=True)
    for word in q.split()[:5]:
        macros = macros.filter(Q(name__icontains=word) | Q(body__icontains=word))
    return macros.order_by("-usage_count", "name", "id")


def get_macro_for(actor: Actor, macro_id: int) -> Macro:
    ensure_macro_user(actor)
    macro = macros_visible_to(actor).select_related("team", "owner").filter(pk=macro_id).first()
    if macro is None:
        raise NotFound(f"Macro {macro_id} does not exist or is not visible to you.")
    return macro
