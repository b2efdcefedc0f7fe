"""Splitting a ticket: messages that are another conversation move out into a new ticket."""

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from frontline.core import sequences
from frontline.core.actors import Actor, ActorKind
from frontline.core.errors import InvalidTransition, ValidationFailed
from frontline.tickets import events
from frontline.tickets.models import EventType, Message, Status, Ticket
from frontline.tickets.queries import ensure_can_work
from frontline.tickets.services.messages import (
    FIRST_TICKET_NUMBER,
    TICKET_NUMBER_SEQUENCE,
    clean_subject,
)

MAX_SPLIT_MESSAGES = 500


@transaction.atomic
def split_ticket(
    ticket: Ticket, *, message_ids: Sequence[int], subject: str, actor: Actor
) -> Ticket:
    """Move the messages ``message_ids`` of ``ticket``, attachments and all, onto a new
    ticket for the same customer, team and priority, and return it. An empty ``subject``
    is taken from the first line of the first message moved.

    Staff split tickets they may work, as they merge them; at least one message stays."""
    source = _locked(ticket)
    if actor.kind is not ActorKind.SYSTEM:
        ensure_can_work(actor, source)
    _ensure_splittable(source)
    moved = _messages_to_move(source, message_ids)
    now = timezone.now()
    new = Ticket.objects.create(
        number=sequences.next_value(TICKET_NUMBER_SEQUENCE, start=FIRST_TICKET_NUMBER),
        subject=clean_subject(subject) if subject.strip() else _derived_subject(source, moved),
        customer_id=source.customer_id,
        organisation_id=source.organisation_id,
        channel=source.channel,
        priority=source.priority,
        team_id=source.team_id,
        created_at=now,
        updated_at=now,
    )
    ids = [m.pk for m in moved]
    Message.objects.filter(pk__in=ids).update(ticket=new)
    _recount(new, now)
    _recount(source, now)
    events.record(
        new,
        EventType.CREATED,
        actor=actor,
        data={
            "channel": new.channel,
            "priority": new.priority,
            "team_id": new.team_id,
            "follow_up_of": None,
            "split_from": source.pk,
        },
        at=now,
    )
    events.record(
        new,
        EventType.SPLIT_FROM,
        actor=actor,
        data={"from_id": source.pk, "from_number": source.number, "message_ids": ids},
        at=now,
    )
    events.record(
        source,
        EventType.SPLIT_INTO,
        actor=actor,
        data={"into_id": new.pk, "into_number": new.number, "message_ids": ids},
        at=now,
    )
    new.refresh_from_db()
    return new


def _ensure_splittable(ticket: Ticket) -> None:
    if ticket.merged_into_id is not None:
        raise InvalidTransition(
            f"#{ticket.number} was merged into another ticket; split that one instead.",
            field="message_ids",
        )
    if ticket.status == Status.CLOSED:
        raise InvalidTransition(
            f"#{ticket.number} is closed; its conversation can no longer change.",
            field="message_ids",
        )


def _messages_to_move(ticket: Ticket, message_ids: Sequence[int]) -> list[Message]:
    wanted = set(message_ids)
    if not wanted:
        raise ValidationFailed("Choose the messages to move.", field="message_ids")
    if len(wanted) > MAX_SPLIT_MESSAGES:
        raise ValidationFailed(
            f"At most {MAX_SPLIT_MESSAGES} messages move at once.", field="message_ids"
        )
    moved = list(ticket.messages.filter(pk__in=wanted).order_by("created_at", "id"))
    missing = wanted - {m.pk for m in moved}
    if missing:
        raise ValidationFailed(
            f"Message {min(missing)} is not on ticket #{ticket.number}.", field="message_ids"
        )
    if ticket.messages.exclude(pk__in=wanted).count() == 0:
        raise ValidationFailed(
            "At least one message stays on the ticket; leave one unchosen.",
            field="message_ids",
        )
    return moved


def _derived_subject(source: Ticket, moved: list[Message]) -> str:
    first = moved[0]
    line = next((s for s in (first.visible_text or first.body_text).splitlines() if s.strip()), "")
    return clean_subject(line[:120]) if line.strip() else source.subject


def _recount(ticket: Ticket, now: datetime) -> None:
    """The message count and latest message time from the messages themselves."""
    messages = Message.objects.filter(ticket=ticket)
    ticket.message_count = messages.count()
    ticket.last_message_at = messages.aggregate(latest=Max("created_at"))["latest"]
    Ticket.objects.filter(pk=ticket.pk).update(
        message_count=ticket.message_count,
        last_message_at=ticket.last_message_at,
        updated_at=now,
    )


def _locked(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update(of=("self",)).get(pk=ticket.pk)
