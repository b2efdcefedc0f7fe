"""A ticket's conversation for the ticket page: messages and audit events in one timeline.

A fixed number of queries whatever the length of the ticket: messages (with their emails),
their attachments, events, and one look-up each for the people, customers, teams,
categories and tickets that messages and events name by id and the page has not named
already. Authors and actors are named from those look-ups rather than joined: joining
them cost more in building model instances than the rest of the timeline.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from frontline.accounts.models import Team, User
from frontline.core.actors import Actor
from frontline.customers.models import Customer
from frontline.tickets import contributions
from frontline.tickets.models import (
    Attachment,
    AuthorType,
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
    # Who wrote the message or acted: a colleague, a customer, or the kind of actor.
    who: str = ""
    text: str = ""
    attachments: tuple[Attachment, ...] = ()
    # What other apps show beneath a message, for staff (``contributions.message_footers``).
    show_footers: bool = False

    @property
    def is_message(self) -> bool:
        return self.message is not None


@dataclass(frozen=True)
class Names:
    users: dict[int, str]
    teams: dict[int, str]
    categories: dict[int, str]
    tickets: dict[int, int]
    customers: dict[int, str] = field(default_factory=dict)

    def user(self, pk: Any) -> str:
        return self.users.get(pk, "someone") if pk else "nobody"

    def customer(self, pk: Any) -> str:
        return self.customers.get(pk, "a customer")

    def team(self, pk: Any) -> str:
        return self.teams.get(pk, "another team") if pk else "no team"

    def category(self, pk: Any) -> str:
        return self.categories.get(pk, "another category") if pk else "no category"

    def ticket(self, pk: Any) -> str:
        number = self.tickets.get(pk)
        return f"#{number}" if number else "another ticket"


_MESSAGE_FIELDS = [f.name for f in Message._meta.concrete_fields]


def timeline_for(actor: Actor, ticket: Ticket, *, known: Names | None = None) -> list[Entry]:
    """The ticket's messages and events in order. ``known`` names the page already has
    (its colleagues, teams and categories), so most entries need no look-up; the ticket's
    own customer is known from the ticket."""
    staff = actor.is_agent
    messages = messages_visible_to(actor, ticket).prefetch_related(None).select_related(None)
    if staff:
        # Only the columns footers show: a long thread builds a model instance for each
        # joined row, and their unused columns were most of the page's database time.
        messages = contributions.with_footer_rows(messages, only=_MESSAGE_FIELDS)
    rows = list(messages)
    events = []
    if staff:
        hidden = events_visible_to(actor, ticket).select_related(None).exclude(type__in=_HIDDEN)
        events = list(hidden)
    names = _names(actor, ticket, rows, events, known or Names({}, {}, {}, {}))
    files = _attachments_of(rows)
    entries = [
        Entry(
            at=m.created_at,
            message=m,
            who=_author(m, names),
            attachments=files.get(m.pk, ()),
            show_footers=staff,
        )
        for m in rows
    ]
    entries += [
        Entry(at=e.created_at, event=e, who=_actor(e, names), text=describe(e, names))
        for e in events
    ]
    # Stable: a message and the event of the same instant keep message-first order.
    return sorted(entries, key=lambda entry: (entry.at, 0 if entry.is_message else 1))


def _author(message: Message, names: Names) -> str:
    """``Message.author_label`` from the names looked up for the timeline."""
    if message.author_user_id is not None and message.author_type == AuthorType.AGENT:
        return names.user(message.author_user_id)
    if message.author_customer_id is not None:
        return names.customer(message.author_customer_id)
    return message.get_author_type_display()


def _actor(event: TicketEvent, names: Names) -> str:
    if event.actor_user_id is not None:
        return names.user(event.actor_user_id)
    if event.actor_customer_id is not None:
        return names.customer(event.actor_customer_id)
    return event.get_actor_type_display()


def _attachments_of(messages: list[Message]) -> dict[int, tuple[Attachment, ...]]:
    """The messages' attachments in one query, grouped by message (a prefetch builds a
    queryset per message, which on a long thread cost more than the query)."""
    grouped: dict[int, list[Attachment]] = {}
    rows = Attachment.objects.filter(message_id__in=[m.pk for m in messages]).only(
        "id", "message_id", "filename", "size"
    )
    for attachment in rows.order_by("id"):
        grouped.setdefault(attachment.message_id, []).append(attachment)
    return {pk: tuple(files) for pk, files in grouped.items()}


def last_message_id(entries: list[Entry]) -> int:
    ids = [e.message.pk for e in entries if e.message is not None]
    return max(ids, default=0)


def _names(
    actor: Actor,
    ticket: Ticket,
    messages: list[Message],
    events: list[TicketEvent],
    known: Names,
) -> Names:
    users: set[Any] = {m.author_user_id for m in messages} | {e.actor_user_id for e in events}
    customers: set[Any] = {m.author_customer_id for m in messages}
    customers |= {e.actor_customer_id for e in events}
    teams: set[Any] = set()
    categories: set[Any] = set()
    tickets: set[Any] = set()
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
    requester = {ticket.customer_id: ticket.customer.name} | known.customers
    return Names(
        users=_lookup(User.objects.all, users, known.users, "name", "email"),
        teams=_lookup(Team.objects.all, teams, known.teams, "name"),
        categories=_lookup(Category.objects.all, categories, known.categories, "name"),
        tickets=_lookup(lambda: tickets_visible_to(actor), tickets, known.tickets, "number"),
        customers=_lookup(Customer.objects.all, customers, requester, "name"),
    )


def _lookup(
    queryset: Callable[[], Any], ids: set[Any], known: dict[int, Any], *fields: str
) -> dict[int, Any]:
    """Names for the ids events mention; a query only for those not already known."""
    names = {i: known[i] for i in ids if i in known}
    wanted = [i for i in ids if isinstance(i, int) and i not in known]
    if wanted:
        rows = queryset().filter(pk__in=wanted).values_list("pk", *fields)
        names |= {row[0]: next((v for v in row[1:] if v), row[-1]) for row in rows}
    return names


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
    if kind == EventType.SPLIT_INTO:
        count = len(data.get("message_ids", []))
        return f"split {count} message{'s' if count != 1 else ''} into #{data.get('into_number')}"
    if kind == EventType.SPLIT_FROM:
        return f"split this ticket from #{data.get('from_number')}"
    if kind == EventType.CUSTOM_FIELDS_CHANGED:
        return "updated the custom fields"
    if kind == EventType.CUSTOMER_CHANGED:
        return "moved the ticket to another customer record"
    if kind in _SUMMARISED and data.get("summary"):
        # The toolkit's events say what they did themselves ("rule 'VIP to Tier 2' fired:
        # set the team to Tier 2"), so tickets needs to know nothing of rules or macros.
        return str(data["summary"])
    return event.get_type_display().lower()


_SUMMARISED = frozenset(
    {EventType.RULE_FIRED, EventType.MACRO_APPLIED, EventType.WORKFLOW_STEP, EventType.CALL_LOGGED}
)
