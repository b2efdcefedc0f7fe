"""Opening many tickets and adding many messages with a few statements: the batch form of
``open_ticket`` and ``reply_to_ticket`` for a channel that files mail in bulk (the email
import).

The rows and events are the ones the single services write, under narrower rules:
requests come from the customer themselves, replies from the ticket's own customer or the
system. The caller holds the tickets' row locks (it read them with ``select_for_update``
in this transaction) and names the event handlers it runs afterwards in a batch form for
all the tickets at once (``deferred``, e.g. the SLA replay).
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from frontline.accounts.models import Team
from frontline.core import sequences
from frontline.core.actors import Actor, ActorKind
from frontline.core.errors import Conflict, InvalidTransition, PermissionDenied
from frontline.core.models import Sequence as Counter
from frontline.customers.models import Customer
from frontline.tickets import events
from frontline.tickets.events import NewEvent
from frontline.tickets.models import (
    TRANSITIONS,
    Attachment,
    Channel,
    Direction,
    EventType,
    Message,
    MessageKind,
    Priority,
    Status,
    Ticket,
)
from frontline.tickets.services.messages import (
    FIRST_TICKET_NUMBER,
    TICKET_NUMBER_SEQUENCE,
    MessageBody,
    NewAttachment,
    _checked_body,
    _link_inline_images,
    _status_after_reply,
    clean_subject,
    new_attachment,
)
from frontline.tickets.services.rows import insert_rows, update_rows


@dataclass(frozen=True)
class NewRequest:
    """A ticket a customer opens with their first message."""

    customer: Customer
    subject: str
    body: str
    html: str = ""
    visible_text: str = ""
    attachments: Sequence[NewAttachment] = ()
    channel: Channel = Channel.PORTAL
    priority: Priority = Priority.NORMAL
    team: Team | None = None
    external_id: str = ""


@dataclass(frozen=True)
class NewReply:
    """A public message on a ticket, from its customer or from the system."""

    ticket: Ticket
    body: str
    actor: Actor
    html: str = ""
    visible_text: str = ""
    attachments: Sequence[NewAttachment] = ()
    channel: Channel | None = None
    is_automatic: bool = False
    external_id: str = ""


@dataclass(frozen=True)
class Opened:
    ticket: Ticket
    message: Message


@dataclass
class _Draft:
    ticket: Ticket
    content: MessageBody
    actor: Actor
    direction: Direction
    channel: str
    is_automatic: bool = False
    external_id: str = ""
    visible_text: str = ""
    stored: list[Attachment] = field(default_factory=list)


def next_ticket_number() -> int:
    """The number the next opened ticket will get; on PostgreSQL the counter stays locked
    until the transaction ends, so a batch can plan with the numbers it will receive."""
    value = (
        Counter.objects.select_for_update()
        .filter(name=TICKET_NUMBER_SEQUENCE)
        .values_list("value", flat=True)
        .first()
    )
    return FIRST_TICKET_NUMBER if value is None else int(value) + 1


@transaction.atomic
def open_tickets(
    requests: Sequence[NewRequest],
    *,
    first_number: int | None = None,
    deferred: Collection[str] = (),
) -> list[Opened]:
    """Open a ticket per request, numbered in order (from ``first_number`` when given: a
    counter that moved meanwhile raises ``Conflict``)."""
    subjects = [clean_subject(request.subject) for request in requests]
    contents = [_checked_body(r.body, r.html, r.attachments) for r in requests]
    numbers = _reserve_numbers(len(requests), first=first_number)
    now = timezone.now()
    tickets = insert_rows(
        _new_ticket(request, number=number, subject=subject, at=now)
        for request, number, subject in zip(requests, numbers, subjects, strict=True)
    )
    drafts = [
        _Draft(
            ticket=ticket,
            content=content,
            actor=Actor.for_customer(request.customer),
            direction=Direction.INBOUND,
            channel=request.channel,
            external_id=request.external_id,
            visible_text=request.visible_text,
        )
        for ticket, request, content in zip(tickets, requests, contents, strict=True)
    ]
    messages = _insert_messages(drafts, at=now)
    entries: list[NewEvent] = []
    for ticket, request, draft, message in zip(tickets, requests, drafts, messages, strict=True):
        entries.append(_created(ticket, request, at=now))
        entries.append(_message_added(draft, message, at=now))
    events.record_many(entries, deferred=deferred)
    return [Opened(t, m) for t, m in zip(tickets, messages, strict=True)]


@transaction.atomic
def add_replies(replies: Sequence[NewReply], *, deferred: Collection[str] = ()) -> list[Message]:
    """Add the public messages in order; a customer's reply reopens a waiting ticket as
    ``reply_to_ticket`` does."""
    now = timezone.now()
    tickets: dict[int, Ticket] = {}
    drafts = []
    for reply in replies:
        ticket = tickets.setdefault(reply.ticket.pk, reply.ticket)
        _ensure_may_reply(reply.actor, ticket)
        drafts.append(
            _Draft(
                ticket=ticket,
                content=_checked_body(reply.body, reply.html, reply.attachments),
                actor=reply.actor,
                direction=Direction.INBOUND if reply.actor.is_customer else Direction.OUTBOUND,
                channel=reply.channel or ticket.channel,
                is_automatic=reply.is_automatic,
                external_id=reply.external_id,
                visible_text=reply.visible_text,
            )
        )
    messages = _insert_messages(drafts, at=now)
    entries: list[NewEvent] = []
    for draft, message in zip(drafts, messages, strict=True):
        ticket = draft.ticket
        ticket.message_count += 1
        ticket.last_message_at = ticket.updated_at = now
        entries.append(_message_added(draft, message, at=now))
        changed = _reopened(ticket, draft)
        if changed is not None:
            entries.append(NewEvent(ticket, EventType.STATUS_CHANGED, draft.actor, changed))
    update_rows(
        list(tickets.values()),
        ["message_count", "last_message_at", "updated_at", "status", "solved_at"],
    )
    events.record_many(entries, deferred=deferred)
    return messages


def _reserve_numbers(count: int, *, first: int | None) -> list[int]:
    """The next ``count`` ticket numbers, with one move of the counter (it stays locked
    until the transaction ends, as ``sequences.next_value`` leaves it)."""
    start = next_ticket_number()
    if first is not None and start != first:
        raise Conflict("Ticket numbers were handed out meanwhile.", field="number")
    if count:
        sequences.set_at_least(TICKET_NUMBER_SEQUENCE, start + count - 1)
    return list(range(start, start + count))


def _new_ticket(request: NewRequest, *, number: int, subject: str, at: datetime) -> Ticket:
    return Ticket(
        number=number,
        subject=subject,
        customer=request.customer,
        organisation_id=request.customer.organisation_id,
        channel=request.channel,
        priority=request.priority,
        team=request.team,
        custom_fields={},
        message_count=1,
        last_message_at=at,
        created_at=at,
        updated_at=at,
    )


def _ensure_may_reply(actor: Actor, ticket: Ticket) -> None:
    if actor.is_customer:
        if actor.customer is None or actor.customer.pk != ticket.customer_id:
            raise PermissionDenied("In a batch, customers reply only on their own tickets.")
    elif actor.kind is not ActorKind.SYSTEM:
        raise PermissionDenied("Staff replies are added one at a time.")
    if ticket.status == Status.CLOSED:
        raise InvalidTransition(
            f"Ticket #{ticket.number} is closed; open a follow-up ticket instead.",
            field="status",
        )


def _reopened(ticket: Ticket, draft: _Draft) -> dict[str, str] | None:
    """The status change a reply makes (a customer writing to a waiting ticket)."""
    status = _status_after_reply(ticket, draft.direction, is_automatic=draft.is_automatic)
    if status is None or status == ticket.status:
        return None
    old = ticket.status
    if status not in TRANSITIONS[old]:
        raise InvalidTransition(f"A {old} ticket cannot become {status}.", field="status")
    ticket.status = status
    if old == Status.SOLVED:
        ticket.solved_at = None
    return {"from": old, "to": status}


def _insert_messages(drafts: Sequence[_Draft], *, at: datetime) -> list[Message]:
    messages = insert_rows(
        Message(
            ticket=draft.ticket,
            kind=MessageKind.REPLY,
            direction=draft.direction,
            author_type=events.author_type_for(draft.actor),
            author_user=draft.actor.user if draft.actor.is_agent else None,
            author_customer=draft.actor.customer,
            channel=draft.channel,
            body_text=draft.content.text,
            body_html=draft.content.html,
            is_automatic=draft.is_automatic,
            external_id=draft.external_id[:998],
            visible_text=_visible(draft),
            created_at=at,
        )
        for draft in drafts
    )
    _store_attachments(drafts, messages)
    return messages


def _visible(draft: _Draft) -> str:
    visible = draft.visible_text.strip()
    return visible if visible != draft.content.text else ""


def _store_attachments(drafts: Sequence[_Draft], messages: Sequence[Message]) -> None:
    for draft, message in zip(drafts, messages, strict=True):
        draft.stored = [new_attachment(message, item) for item in draft.content.attachments]
    insert_rows(a for draft in drafts for a in draft.stored)
    for draft, message in zip(drafts, messages, strict=True):
        if draft.stored:
            _link_inline_images(message, draft.stored)


def _created(ticket: Ticket, request: NewRequest, *, at: datetime) -> NewEvent:
    data = {
        "channel": request.channel,
        "priority": request.priority,
        "team_id": request.team.pk if request.team else None,
        "follow_up_of": None,
    }
    return NewEvent(ticket, EventType.CREATED, Actor.for_customer(request.customer), data, at)


def _message_added(draft: _Draft, message: Message, *, at: datetime) -> NewEvent:
    data = {
        "message_id": message.pk,
        "kind": MessageKind.REPLY,
        "direction": draft.direction,
        "author_type": message.author_type,
        "channel": draft.channel,
        "is_automatic": draft.is_automatic,
        "attachments": len(draft.stored),
    }
    return NewEvent(draft.ticket, EventType.MESSAGE_ADDED, draft.actor, data, at)
