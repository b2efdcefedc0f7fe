"""A ticket's conversation for the ticket page: messages and audit events in one timeline.

A fixed number of queries whatever the length of the ticket: messages (with authors and
attachments), events (with actors), and one look-up each for the people, teams,
categories and tickets that events name by id.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from frontline.accounts.models import Team, User
from frontline.core.actors import Actor
from frontline.tickets.models import (
    Category,
    Channel,
    EventType,
    Message,
    Priority,
    Status,
    Ticket,
    TicketEvent,
)
from frontline.tickets.queries import events_visible_to, messages_visible_to, tickets_visible_to

# Events the timeline leaves out: messages are shown themselves.
_HIDDEN = frozenset({EventType.MESSAGE_ADDED})


@dataclass(frozen=True)
class Entry:
    at: datetime
    message: Message | None = None
    event: TicketEvent | None = None
    text: str = ""

    @property
    def is_message(self) -> bool:
        return self.message is not None


@dataclass(frozen=True)
class Names:
    users: dict[int, str]
    teams: dict[int, str]
    categories: dict[int, str]
    tickets: dict[int, int]

    def user(self, pk: Any) -> str:
        return self.users.get(pk, "someone") if pk else "nobody"

    def team(self, pk: Any) -> str:
        return self.teams.get(pk, "another team") if pk else "no team"

    def category(self, pk: Any) -> str:
        return self.categories.get(pk, "another category") if pk else "no category"

    def ticket(self, pk: Any) -> str:
        number = self.tickets.get(pk)
        return f"#{number}" if number else "another ticket"


def timeline_for(actor: Actor, ticket: Ticket) -> list[Entry]:
    messages = list(messages_visible_to(actor, ticket))
    entries = [Entry(at=m.created_at, message=m) for m in messages]
    if actor.is_agent:
        events = [e for e in events_visible_to(actor, ticket) if e.type not in _HIDDEN]
        names = _names(actor, events)
        entries += [Entry(at=e.created_at, event=e, text=describe(e, names)) for e in events]
    # Stable: a message and the event of the same instant keep message-first order.
    return sorted(entries, key=lambda entry: (entry.at, 0 if entry.is_message else 1))


def last_message_id(entries: list[Entry]) -> int:
    ids = [e.message.pk for e in entries if e.message is not None]
    return max(ids, default=0)


def _names(actor: Actor, events: list[TicketEvent]) -> Names:
    users, teams, categories, tickets = set(), set(), set(), set()
    for event in events:
        data = event.data
        if event.type == EventType.ASSIGNED:
            users |= {data.get("from"), data.get("to")}
        elif event.type == EventType.COLLABORATORS_CHANGED:
            users |= set(data.get("added", [])) | set(data.get("removed", []))
        elif event.type == EventType.TEAM_CHANGED:
            teams |= {data.get("from"), data.get("to")}
        elif event.type == EventType.CATEGORY_CHANGED:
            categories |= {data.get("from"), data.get("to")}
        elif event.type == EventType.PARENT_CHANGED:
            tickets |= {data.get("from"), data.get("to")}
    return Names(
        users=_lookup(User.objects.all, users, "name", "email"),
        teams=_lookup(Team.objects.all, teams, "name"),
        categories=_lookup(Category.objects.all, categories, "name"),
        tickets=_lookup(lambda: tickets_visible_to(actor), tickets, "number"),
    )


def _lookup(queryset: Callable[[], Any], ids: set[Any], *fields: str) -> dict[int, Any]:
    """Names for the ids events mention; no query when there are none."""
    wanted = [i for i in ids if isinstance(i, int)]
    if not wanted:
        return {}
    rows = queryset().filter(pk__in=wanted).values_list("pk", *fields)
    return {row[0]: next((v for v in row[1:] if v), row[-1]) for row in rows}


def _label(choices: Any, value: Any) -> str:
    try:
        return str(choices(value).label).lower()
    except ValueError:
        return str(value)


def describe(event: TicketEvent, names: Names) -> str:
    """What happened, for the timeline: "changed the status from open to pending"."""
    data, kind = event.data, event.type
    if kind == EventType.CREATED:
        return f"opened the ticket via {_label(Channel, data.get('channel'))}"
    if kind == EventType.STATUS_CHANGED:
        return (
            f"changed the status from {_label(Status, data.get('from'))} "
            f"to {_label(Status, data.get('to'))}"
        )
    if kind == EventType.PRIORITY_CHANGED:
        return f"set the priority to {_label(Priority, data.get('to'))}"
    if kind == EventType.ASSIGNED:
        to = data.get("to")
        return f"assigned the ticket to {names.user(to)}" if to else "unassigned the ticket"
    if kind == EventType.TEAM_CHANGED:
        return f"moved the ticket to {names.team(data.get('to'))}"
    if kind == EventType.CATEGORY_CHANGED:
        return f"set the category to {names.category(data.get('to'))}"
    return _describe_more(event, names)


def _describe_more(event: TicketEvent, names: Names) -> str:
    data, kind = event.data, event.type
    if kind == EventType.SUBJECT_CHANGED:
        return f"renamed the ticket to “{data.get('to', '')}”"
    if kind == EventType.TAGS_CHANGED:
        parts = []
        if data.get("added"):
            parts.append("added tags " + ", ".join(data["added"]))
        if data.get("removed"):
            parts.append("removed tags " + ", ".join(data["removed"]))
        return " and ".join(parts) or "changed the tags"
    if kind == EventType.COLLABORATORS_CHANGED:
        if data.get("added"):
            return "added " + ", ".join(names.user(u) for u in data["added"]) + " to the ticket"
        if data.get("removed"):
            return "removed " + ", ".join(names.user(u) for u in data["removed"])
        return "copied people of the customer's side on the ticket"
    if kind == EventType.PARENT_CHANGED:
        to = data.get("to")
        return (
            f"linked the ticket to incident {names.ticket(to)}" if to else "unlinked the incident"
        )
    if kind == EventType.MERGED:
        return f"merged this ticket into #{data.get('into_number')}"
    if kind == EventType.MERGE_RECEIVED:
        return f"merged #{data.get('from_number')} into this ticket"
    if kind == EventType.CUSTOM_FIELDS_CHANGED:
        return "updated the custom fields"
    if kind == EventType.CUSTOMER_CHANGED:
        return "moved the ticket to another customer record"
    return event.get_type_display().lower()
