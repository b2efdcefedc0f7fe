"""Reads of accounts data, scoped to the user asking."""

from django.db.models import QuerySet

from frontline.accounts.models import Notification, User
from frontline.accounts.permissions import can_write_tickets


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
