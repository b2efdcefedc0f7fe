"""What the workspace header needs on every page: unread notifications, its navigation."""

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from frontline.accounts.models import User
from frontline.accounts.permissions import is_staff_member, sees_all_tickets
from frontline.accounts.queries import unread_notification_count
from frontline.core.navigation import nav_links


def workspace(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not is_staff_member(user):
        return {}
    return {
        # Counted only when a template shows it, so partials cost no query.
        "unread_notifications": SimpleLazyObject(lambda: unread_notification_count(user)),
        "can_supervise": sees_all_tickets(user),
        "workspace_nav": SimpleLazyObject(lambda: nav_links(user)),
    }
