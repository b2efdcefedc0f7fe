"""The one list of links in the workspace's top navigation, in the order they show.

Each app that brings a page of its own adds one entry here; nothing else changes (the
header in ``accounts/templates/workspace.html`` draws whatever this lists). ``url`` is a
URL name (or a path starting with ``/``), ``section`` is what that app's views put in the
template context as ``section`` to mark the link current, and ``allowed`` is the dotted path
of a ``(user) -> bool`` predicate, or ``None`` for every staff member. Like
``frontline/events.py``, this module imports nothing: apps stay unaware of each other.
"""

from typing import TypedDict


class NavEntry(TypedDict):
    label: str
    url: str
    section: str
    allowed: str | None


WORKSPACE: tuple[NavEntry, ...] = (
    {"label": "Inbox", "url": "tickets:inbox", "section": "inbox", "allowed": None},
    {"label": "Swarming", "url": "routing:swarming", "section": "swarming", "allowed": None},
    {"label": "Knowledge", "url": "knowledge:articles", "section": "knowledge", "allowed": None},
    {
        "label": "Macros",
        "url": "macros:list",
        "section": "macros",
        "allowed": "frontline.accounts.permissions.can_write_tickets",
    },
    {"label": "Workflows", "url": "workflows:list", "section": "workflows", "allowed": None},
    {
        "label": "Supervisor",
        "url": "tickets:supervisor",
        "section": "supervisor",
        "allowed": "frontline.accounts.permissions.sees_all_tickets",
    },
    {
        "label": "Routing",
        "url": "routing:settings",
        "section": "routing",
        "allowed": "frontline.accounts.permissions.can_manage_routing",
    },
    {
        "label": "Triage",
        "url": "triage:rules",
        "section": "triage",
        "allowed": "frontline.accounts.permissions.can_manage_routing",
    },
    {
        "label": "Automation",
        "url": "automation:triggers",
        "section": "automation",
        "allowed": "frontline.accounts.permissions.can_manage_configuration",
    },
    {
        "label": "Webhooks",
        "url": "integrations:webhooks",
        "section": "webhooks",
        "allowed": "frontline.accounts.permissions.can_manage_configuration",
    },
    {
        "label": "Channels",
        "url": "webhooks:channels",
        "section": "messaging",
        "allowed": "frontline.accounts.permissions.can_manage_configuration",
    },
    {
        "label": "Outbox",
        "url": "email:outbox",
        "section": "outbox",
        "allowed": "frontline.accounts.permissions.is_administrator",
    },
    {
        "label": "Admin",
        "url": "/admin/",
        "section": "admin",
        "allowed": "frontline.accounts.permissions.uses_django_admin",
    },
)
