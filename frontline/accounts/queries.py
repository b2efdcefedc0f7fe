"""Reads of accounts data, scoped to the user asking."""

from django.db.models import Q, QuerySet

from frontline.accounts.models import Notification, Team, User
from frontline.accounts.permissions import MANAGES_CONFIGURATION, can_write_tickets
from frontline.core.errors import ValidationFailed


def team_by_id(team_id: int | None, *, field: str = "team_id") -> Team | None:
    """The team a form or request names by id (None for none), or a field error."""
    if team_id is None:
        return None
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise ValidationFailed(f"There is no team {team_id}.", field=field)
    return team


def configuration_managers() -> QuerySet[User]:
    """Who ``can_manage_configuration`` admits: the heads of support, administrators and
    superusers, active, in a fixed order (the people told when automation breaks)."""
    managers = Q(role__in=MANAGES_CONFIGURATION) | Q(is_superuser=True)
    return User.objects.filter(managers, is_active=True).order_by("pk")


def notifications_for(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).select_related("actor")


def unread_notification_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def colleagues_matching(text: str, *, limit: int = 8) -> list[User]:
    """Staff who can work tickets, by name or address, for @mention suggestions."""
    text = text.strip().lstrip("@")
    users = User.objects.filter(is_active=True).exclude(role="customer")
    if text:
        users = users.filter(name__icontains=text) | users.filter(email__istartswith=text)
    return [u for u in users.order_by("name", "email")[: limit * 2] if can_write_tickets(u)][:limit]
