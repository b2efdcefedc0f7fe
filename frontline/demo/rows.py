"""The rows the ticket services write, built in memory so that they can be bulk inserted.

``History`` has one method per service in ``frontline.tickets.services`` and mirrors what
that service writes: the same field changes, the same ``TicketEvent`` types in the same order
with the same ``data`` keys, the same transition and assignee rules. Bulk loads (demo data,
benchmarks) build tickets through it; a change to a service needs the same change here, and
``frontline/core/tests/test_demo.py`` compares the two.

Handlers registered in ``frontline/events.py`` do not run for rows built here.
"""

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from frontline.tickets.models import (
    TRANSITIONS,
    AuthorType,
    Direction,
    EventType,
    MessageKind,
    Status,
)


class HistoryError(ValueError):
    """A generator asked for something the services would refuse."""


AGENT, CUSTOMER, SYSTEM = AuthorType.AGENT.value, AuthorType.CUSTOMER.value, AuthorType.SYSTEM.value


@dataclass(frozen=True, slots=True)
class Who:
    """The actor of a change, by id (``frontline.core.actors.Actor`` holds model instances).
    ``kind`` is an ``AuthorType`` value."""

    kind: str
    user_id: int | None = None
    customer_id: int | None = None

    @classmethod
    def agent(cls, user_id: int) -> "Who":
        return cls(AGENT, user_id=user_id)

    @classmethod
    def customer(cls, customer_id: int) -> "Who":
        return cls(CUSTOMER, customer_id=customer_id)

    @classmethod
    def system(cls) -> "Who":
        return cls(SYSTEM)


@dataclass(frozen=True, slots=True)
class StaffAccess:
    """What ``tickets_visible_to`` and ``can_write_tickets`` decide for one staff user."""

    teams: frozenset[int]
    managed_organisations: frozenset[int] = frozenset()
    sees_all: bool = False
    can_write: bool = True


@dataclass(slots=True, eq=False)
class TicketRow:
    id: int
    number: int
    subject: str
    customer_id: int
    organisation_id: int | None
    channel: str
    created_at: datetime
    priority: str = "normal"
    status: str = Status.NEW.value
    category_id: int | None = None
    custom_fields: dict[str, Any] = field(default_factory=dict)
    team_id: int | None = None
    assignee_id: int | None = None
    parent_id: int | None = None
    merged_into_id: int | None = None
    message_count: int = 0
    last_message_at: datetime | None = None
    solved_at: datetime | None = None
    updated_at: datetime | None = None
    tags: list[str] = field(default_factory=list)
    messages: list["MessageRow"] = field(default_factory=list)
    has_children: bool = False


@dataclass(slots=True, eq=False)
class MessageRow:
    ticket: TicketRow
    kind: str
    direction: str
    author: Who
    channel: str
    body: str
    created_at: datetime
    seq: int
    external_id: str = ""
    id: int = 0


@dataclass(slots=True, eq=False)
class EventRow:
    ticket: TicketRow
    type: str
    actor: Who
    data: dict[str, Any]
    created_at: datetime
    seq: int
    messages: tuple[MessageRow, ...] = ()
    id: int = 0


class History:
    """Tickets' messages and events, appended by service-shaped methods."""

    def __init__(self, access: Mapping[int, StaffAccess]) -> None:
        self.access = access
        self.messages: list[MessageRow] = []
        self.events: list[EventRow] = []
        self._seq = itertools.count()

    # -- messages.py ---------------------------------------------------------------------

    def open(
        self,
        ticket: TicketRow,
        *,
        body: str,
        actor: Who,
        tags: Sequence[str] = (),
        external_id: str = "",
    ) -> None:
        """``open_ticket``: created, the requester's message, then tags."""
        at = ticket.created_at
        ticket.updated_at = at
        data = {
            "channel": ticket.channel,
            "priority": ticket.priority,
            "team_id": ticket.team_id,
            "follow_up_of": None,
        }
        self._event(ticket, EventType.CREATED, actor, data, at)
        requester = actor if actor.kind == CUSTOMER else Who.customer(ticket.customer_id)
        self._message(
            ticket, body, MessageKind.REPLY, Direction.INBOUND, requester, at, external_id
        )
        if tags:
            self._replace_tags(ticket, tags, actor, at)

    def reply(
        self,
        ticket: TicketRow,
        *,
        body: str,
        actor: Who,
        at: datetime,
        status: Status | None = None,
        external_id: str = "",
    ) -> None:
        """``reply_to_ticket``: the message, then the status the reply implies or sets."""
        if actor.kind == CUSTOMER and status is not None:
            raise HistoryError("Customers cannot set a status while replying.")
        if actor.kind == AGENT:
            self._ensure_can_work(actor, ticket)
        if ticket.status == Status.CLOSED:
            raise HistoryError(f"Ticket #{ticket.number} is closed.")
        inbound = actor.kind == CUSTOMER
        direction = Direction.INBOUND if inbound else Direction.OUTBOUND
        self._message(ticket, body, MessageKind.REPLY, direction, actor, at, external_id)
        waiting = (Status.PENDING, Status.ON_HOLD, Status.SOLVED) if inbound else (Status.NEW,)
        if status is None and ticket.status in waiting:
            status = Status.OPEN
        if status is not None and status != ticket.status:
            self._apply_status(ticket, status, actor, at)

    def note(self, ticket: TicketRow, *, body: str, actor: Who, at: datetime) -> None:
        """``add_note``."""
        self._ensure_can_work(actor, ticket)
        self._message(ticket, body, MessageKind.NOTE, Direction.OUTBOUND, actor, at)

    # -- changes.py ----------------------------------------------------------------------

    def assign(self, ticket: TicketRow, *, assignee: int | None, actor: Who, at: datetime) -> None:
        self._ensure_can_work(actor, ticket)
        self._apply_assignee(ticket, assignee, actor, at)

    def change_team(self, ticket: TicketRow, *, team: int, actor: Who, at: datetime) -> None:
        """``change_team``: the assignee is dropped when they may not hold the new team."""
        self._ensure_can_work(actor, ticket)
        if team == ticket.team_id:
            return
        old, ticket.team_id = ticket.team_id, team
        self._event(ticket, EventType.TEAM_CHANGED, actor, {"from": old, "to": team}, at)
        assignee = ticket.assignee_id
        if assignee is not None and not self._may_hold(assignee, team):
            self._apply_assignee(ticket, None, actor, at)

    def change_priority(
        self, ticket: TicketRow, *, priority: str, actor: Who, at: datetime
    ) -> None:
        self._ensure_can_work(actor, ticket)
        if priority == ticket.priority:
            return
        old, ticket.priority = ticket.priority, priority
        self._event(ticket, EventType.PRIORITY_CHANGED, actor, {"from": old, "to": priority}, at)

    def set_category(
        self, ticket: TicketRow, *, category: int, slug: str, actor: Who, at: datetime
    ) -> None:
        self._ensure_can_work(actor, ticket)
        if category == ticket.category_id:
            return
        old, ticket.category_id = ticket.category_id, category
        data = {"from": old, "to": category, "slug": slug}
        self._event(ticket, EventType.CATEGORY_CHANGED, actor, data, at)

    def set_tags(self, ticket: TicketRow, *, tags: Sequence[str], actor: Who, at: datetime) -> None:
        self._ensure_can_work(actor, ticket)
        self._replace_tags(ticket, tags, actor, at)

    def set_custom_fields(
        self, ticket: TicketRow, *, values: dict[str, Any], actor: Who, at: datetime
    ) -> None:
        self._ensure_can_work(actor, ticket)
        merged = {k: v for k, v in {**ticket.custom_fields, **values}.items() if v is not None}
        if merged == ticket.custom_fields:
            return
        old, ticket.custom_fields = ticket.custom_fields, merged
        data = {"from": old, "to": merged}
        self._event(ticket, EventType.CUSTOM_FIELDS_CHANGED, actor, data, at)

    def change_status(self, ticket: TicketRow, *, status: Status, actor: Who, at: datetime) -> None:
        """``change_status``: customers may only solve or reopen their ticket."""
        if actor.kind == CUSTOMER:
            reopening = status == Status.OPEN and ticket.status == Status.SOLVED
            if status != Status.SOLVED and not reopening:
                raise HistoryError("Customers may mark a ticket solved or reopen it.")
        else:
            self._ensure_can_work(actor, ticket)
        if status != ticket.status:
            self._apply_status(ticket, status, actor, at)

    def close_solved(self, ticket: TicketRow, *, at: datetime) -> None:
        """Closing a solved ticket after a quiet period, as the automation does it."""
        self._apply_status(ticket, Status.CLOSED, Who.system(), at)

    def link_to_parent(
        self, ticket: TicketRow, *, parent: TicketRow, actor: Who, at: datetime
    ) -> None:
        self._ensure_can_work(actor, ticket)
        self._ensure_can_work(actor, parent)
        if parent is ticket or parent.parent_id is not None or ticket.has_children:
            raise HistoryError("Incidents are one level deep.")
        if ticket.parent_id == parent.id:
            return
        old, ticket.parent_id = ticket.parent_id, parent.id
        parent.has_children = True
        self._event(ticket, EventType.PARENT_CHANGED, actor, {"from": old, "to": parent.id}, at)

    def merge(self, source: TicketRow, *, into: TicketRow, actor: Who, at: datetime) -> None:
        """``merge_tickets``: messages move to ``into``; ``source`` closes, pointing at it."""
        self._ensure_can_work(actor, source)
        self._ensure_can_work(actor, into)
        if source is into or source.merged_into_id is not None or into.merged_into_id is not None:
            raise HistoryError("Those tickets cannot be merged.")
        if into.status == Status.CLOSED:
            raise HistoryError(f"#{into.number} is closed and cannot receive a merge.")
        moved = source.messages
        for message in moved:
            message.ticket = into
        into.messages.extend(moved)
        into.message_count += len(moved)
        self._touch(into, at)
        source.messages, source.message_count = [], 0
        if source.tags:
            self._replace_tags(into, [*into.tags, *source.tags], actor, at)
        data = {"from_id": source.id, "from_number": source.number, "message_ids": []}
        self._event(into, EventType.MERGE_RECEIVED, actor, data, at, tuple(moved))
        source.merged_into_id = into.id
        data = {"into_id": into.id, "into_number": into.number}
        self._event(source, EventType.MERGED, actor, data, at)
        if source.status != Status.CLOSED:
            self._record_status(source, Status.CLOSED, actor, at)

    # -- the shared steps ------------------------------------------------------------------

    def _apply_status(self, ticket: TicketRow, status: Status, actor: Who, at: datetime) -> None:
        if status not in TRANSITIONS[ticket.status]:
            raise HistoryError(f"#{ticket.number}: {ticket.status} cannot become {status}.")
        self._record_status(ticket, status, actor, at)

    def _record_status(self, ticket: TicketRow, status: Status, actor: Who, at: datetime) -> None:
        old = ticket.status
        ticket.status = status.value
        if status == Status.SOLVED:
            ticket.solved_at = at
        elif old == Status.SOLVED and status != Status.CLOSED:
            ticket.solved_at = None
        self._event(ticket, EventType.STATUS_CHANGED, actor, {"from": old, "to": status.value}, at)

    def _apply_assignee(
        self, ticket: TicketRow, assignee: int | None, actor: Who, at: datetime
    ) -> None:
        if assignee is not None:
            access = self.access.get(assignee)
            if access is None or not access.can_write:
                raise HistoryError(f"User {assignee} cannot work tickets.")
            if ticket.team_id is not None and not self._may_hold(assignee, ticket.team_id):
                raise HistoryError(f"User {assignee} is not in team {ticket.team_id}.")
        if assignee == ticket.assignee_id:
            return
        old, ticket.assignee_id = ticket.assignee_id, assignee
        self._event(ticket, EventType.ASSIGNED, actor, {"from": old, "to": assignee}, at)

    def _replace_tags(
        self, ticket: TicketRow, names: Iterable[str], actor: Who, at: datetime
    ) -> None:
        wanted = list(dict.fromkeys(names))
        current = set(ticket.tags)
        added, removed = sorted(set(wanted) - current), sorted(current - set(wanted))
        if not added and not removed:
            return
        ticket.tags = [t for t in ticket.tags if t not in removed] + added
        self._event(ticket, EventType.TAGS_CHANGED, actor, {"added": added, "removed": removed}, at)

    def _message(
        self,
        ticket: TicketRow,
        body: str,
        kind: MessageKind,
        direction: Direction,
        actor: Who,
        at: datetime,
        external_id: str = "",
    ) -> None:
        message = MessageRow(
            ticket, kind.value, direction.value, actor, ticket.channel, body, at, next(self._seq)
        )
        message.external_id = external_id
        self.messages.append(message)
        ticket.messages.append(message)
        ticket.message_count += 1
        ticket.last_message_at = at
        data = {
            "message_id": 0,
            "kind": kind.value,
            "direction": direction.value,
            "author_type": actor.kind,
            "channel": ticket.channel,
            "is_automatic": False,
            "attachments": 0,
        }
        self._event(ticket, EventType.MESSAGE_ADDED, actor, data, at, (message,))

    def _event(
        self,
        ticket: TicketRow,
        type_: EventType,
        actor: Who,
        data: dict[str, Any],
        at: datetime,
        messages: tuple[MessageRow, ...] = (),
    ) -> None:
        self._touch(ticket, at)
        self.events.append(
            EventRow(ticket, type_.value, actor, data, at, next(self._seq), messages)
        )

    def _touch(self, ticket: TicketRow, at: datetime) -> None:
        if ticket.updated_at is None or at > ticket.updated_at:
            ticket.updated_at = at

    def _may_hold(self, user_id: int, team_id: int) -> bool:
        access = self.access.get(user_id)
        return access is not None and (access.sees_all or team_id in access.teams)

    def can_work(self, actor: Who, ticket: TicketRow) -> bool:
        """``ensure_can_work``: a staff member who may write and can see the ticket."""
        access = self.access.get(actor.user_id or 0)
        if actor.kind != AGENT or access is None or not access.can_write:
            return False
        return (
            access.sees_all
            or ticket.team_id in access.teams
            or ticket.assignee_id == actor.user_id
            or ticket.organisation_id in access.managed_organisations
        )

    def _ensure_can_work(self, actor: Who, ticket: TicketRow) -> None:
        if not self.can_work(actor, ticket):
            raise HistoryError(f"{actor} may not change ticket #{ticket.number}.")

    def number(self, *, first_message_id: int, first_event_id: int) -> None:
        """Give messages and events ids in time order, as they would have been inserted,
        and put the message ids into the events that name them."""
        self.messages.sort(key=lambda m: (m.created_at, m.seq))
        for offset, message in enumerate(self.messages):
            message.id = first_message_id + offset
        self.events.sort(key=lambda e: (e.created_at, e.seq))
        for offset, event in enumerate(self.events):
            event.id = first_event_id + offset
            if event.type == EventType.MESSAGE_ADDED:
                event.data["message_id"] = event.messages[0].id
            elif event.type == EventType.MERGE_RECEIVED:
                event.data["message_ids"] = [m.id for m in event.messages]
