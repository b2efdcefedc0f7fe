"""Changing a ticket's fields, people, links and merges. Each change records its event."""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from frontline.accounts.models import Team, User
from frontline.accounts.permissions import can_write_tickets, sees_all_tickets
from frontline.core.actors import Actor, ActorKind
from frontline.core.errors import (
    InvalidAssignee,
    InvalidMerge,
    InvalidTransition,
    PermissionDenied,
    ValidationFailed,
)
from frontline.customers.models import Customer
from frontline.tickets import events
from frontline.tickets.models import (
    TRANSITIONS,
    Category,
    CustomField,
    EventType,
    FieldType,
    Message,
    Priority,
    Status,
    Tag,
    Ticket,
)
from frontline.tickets.queries import ensure_can_work, is_requester_side

_TAG = re.compile(r"^[\w][\w\-:.]{0,63}$", re.UNICODE)


@dataclass(frozen=True)
class TicketChanges:
    """Fields to change in one go; None leaves a field alone, ``clear_*`` empties it."""

    subject: str | None = None
    status: Status | None = None
    priority: Priority | None = None
    team: Team | None = None
    clear_team: bool = False
    assignee: User | None = None
    unassign: bool = False
    category: Category | None = None
    clear_category: bool = False
    tags: Sequence[str] | None = None
    custom_fields: dict[str, Any] | None = None


@transaction.atomic
def update_ticket(ticket: Ticket, *, changes: TicketChanges, actor: Actor) -> Ticket:
    """Apply several changes atomically; team first so a new assignee is checked against it."""
    ticket = _locked(ticket)
    ensure_can_work(actor, ticket)
    if changes.subject is not None:
        _apply_subject(ticket, changes.subject, actor=actor)
    if changes.team is not None or changes.clear_team:
        _apply_team(ticket, changes.team, actor=actor)
    if changes.assignee is not None or changes.unassign:
        _apply_assignee(ticket, changes.assignee, actor=actor)
    if changes.priority is not None:
        _apply_priority(ticket, changes.priority, actor=actor)
    if changes.category is not None or changes.clear_category:
        _apply_category(ticket, changes.category, actor=actor)
    if changes.tags is not None:
        replace_tags(ticket, changes.tags, actor=actor)
    if changes.custom_fields is not None:
        _apply_custom_fields(ticket, changes.custom_fields, actor=actor)
    if changes.status is not None and changes.status != ticket.status:
        apply_status(ticket, changes.status, actor=actor)
    return ticket


@transaction.atomic
def change_status(ticket: Ticket, *, status: Status, actor: Actor) -> Ticket:
    """Agents move a ticket along the transition table; customers may solve or reopen."""
    ticket = _locked(ticket)
    if actor.is_customer:
        if not is_requester_side(actor, ticket):
            raise InvalidTransition("You may not change this ticket.", field="status")
        allowed = {Status.SOLVED, Status.OPEN}
        if status not in allowed or (status == Status.OPEN and ticket.status != Status.SOLVED):
            raise InvalidTransition(
                "Customers may mark a ticket solved or reopen it.", field="status"
            )
    else:
        ensure_can_work(actor, ticket)
    if status != ticket.status:
        apply_status(ticket, status, actor=actor)
    return ticket


@transaction.atomic
def change_priority(ticket: Ticket, *, priority: Priority, actor: Actor) -> Ticket:
    return update_ticket(ticket, changes=TicketChanges(priority=priority), actor=actor)


@transaction.atomic
def assign_ticket(ticket: Ticket, *, assignee: User | None, actor: Actor) -> Ticket:
    changes = TicketChanges(assignee=assignee, unassign=assignee is None)
    return update_ticket(ticket, changes=changes, actor=actor)


@transaction.atomic
def change_team(ticket: Ticket, *, team: Team | None, actor: Actor) -> Ticket:
    return update_ticket(
        ticket, changes=TicketChanges(team=team, clear_team=team is None), actor=actor
    )


@transaction.atomic
def set_category(ticket: Ticket, *, category: Category | None, actor: Actor) -> Ticket:
    changes = TicketChanges(category=category, clear_category=category is None)
    return update_ticket(ticket, changes=changes, actor=actor)


@transaction.atomic
def set_tags(ticket: Ticket, *, tags: Sequence[str], actor: Actor) -> Ticket:
    return update_ticket(ticket, changes=TicketChanges(tags=tags), actor=actor)


@transaction.atomic
def set_custom_fields(ticket: Ticket, *, values: dict[str, Any], actor: Actor) -> Ticket:
    return update_ticket(ticket, changes=TicketChanges(custom_fields=values), actor=actor)


@transaction.atomic
def add_collaborator(ticket: Ticket, *, user: User, actor: Actor) -> Ticket:
    ticket = _locked(ticket)
    ensure_can_work(actor, ticket)
    if not can_write_tickets(user):
        raise InvalidAssignee(f"{user} cannot collaborate on tickets.", field="user_id")
    if not ticket.collaborators.filter(pk=user.pk).exists():
        ticket.collaborators.add(user)
        _touch(ticket)
        events.record(
            ticket, EventType.COLLABORATORS_CHANGED, actor=actor, data={"added": [user.pk]}
        )
    return ticket


@transaction.atomic
def remove_collaborator(ticket: Ticket, *, user: User, actor: Actor) -> Ticket:
    ticket = _locked(ticket)
    ensure_can_work(actor, ticket)
    if ticket.collaborators.filter(pk=user.pk).exists():
        ticket.collaborators.remove(user)
        _touch(ticket)
        events.record(
            ticket, EventType.COLLABORATORS_CHANGED, actor=actor, data={"removed": [user.pk]}
        )
    return ticket


@transaction.atomic
def add_customer_collaborators(
    ticket: Ticket, *, customers: Sequence[Customer], actor: Actor
) -> list[Customer]:
    """Copy people of the customer's side on the ticket (e.g. CC'd on an email) so they see
    it and may reply. Returns those newly added; the requester is never added."""
    ticket = _locked(ticket)
    if actor.is_customer:
        if not is_requester_side(actor, ticket):
            raise PermissionDenied("You may not change this ticket.")
    elif actor.is_agent:
        ensure_can_work(actor, ticket)
    present = set(ticket.customer_collaborators.values_list("pk", flat=True))
    added: list[Customer] = []
    for person in customers:
        if person.pk in present or person.pk == ticket.customer_id or person.is_merged:
            continue
        present.add(person.pk)
        added.append(person)
    if added:
        ticket.customer_collaborators.add(*added)
        _touch(ticket)
        events.record(
            ticket,
            EventType.COLLABORATORS_CHANGED,
            actor=actor,
            data={"added_customers": [c.pk for c in added]},
        )
    return added


@transaction.atomic
def link_to_parent(ticket: Ticket, *, parent: Ticket | None, actor: Actor) -> Ticket:
    """Make ``ticket`` part of the incident ``parent`` (one level deep), or unlink it."""
    ticket = _locked(ticket)
    ensure_can_work(actor, ticket)
    if parent is not None:
        parent = _locked(parent)
        ensure_can_work(actor, parent)
        if parent.pk == ticket.pk:
            raise ValidationFailed("A ticket cannot be its own parent.", field="parent_id")
        if parent.parent_id is not None:
            raise ValidationFailed("The parent is itself part of an incident.", field="parent_id")
        if ticket.children.exists():
            raise ValidationFailed(
                "An incident with tickets cannot get a parent.", field="parent_id"
            )
    old = ticket.parent_id
    new = parent.pk if parent else None
    if old != new:
        ticket.parent_id = new
        ticket.save(update_fields=["parent", "updated_at"])
        events.record(ticket, EventType.PARENT_CHANGED, actor=actor, data={"from": old, "to": new})
    return ticket


@transaction.atomic
def merge_tickets(source: Ticket, *, into: Ticket, actor: Actor) -> Ticket:
    """Move every message of ``source`` onto ``into`` and close ``source`` pointing at it.

    Staff merge tickets they may work; the system merges when a channel proves two tickets
    are one conversation (an email that references both)."""
    source, into = _locked(source), _locked(into)
    if actor.kind is not ActorKind.SYSTEM:
        ensure_can_work(actor, source)
        ensure_can_work(actor, into)
    if source.pk == into.pk:
        raise InvalidMerge("A ticket cannot be merged into itself.", field="into_id")
    if source.merged_into_id is not None or into.merged_into_id is not None:
        raise InvalidMerge("One of these tickets was already merged.", field="into_id")
    if into.status == Status.CLOSED:
        raise InvalidMerge(f"#{into.number} is closed and cannot receive a merge.", field="into_id")
    moved = list(source.messages.values_list("pk", flat=True))
    Message.objects.filter(pk__in=moved).update(ticket=into)
    now = timezone.now()
    Ticket.objects.filter(pk=into.pk).update(
        message_count=F("message_count") + len(moved), updated_at=now
    )
    Ticket.objects.filter(pk=source.pk).update(message_count=0)
    source_tags = list(source.tags.values_list("name", flat=True))
    if source_tags:
        into_tags = list(into.tags.values_list("name", flat=True))
        replace_tags(into, [*into_tags, *source_tags], actor=actor)
    events.record(
        into,
        EventType.MERGE_RECEIVED,
        actor=actor,
        data={"from_id": source.pk, "from_number": source.number, "message_ids": moved},
    )
    source.merged_into = into
    source.save(update_fields=["merged_into", "updated_at"])
    events.record(
        source, EventType.MERGED, actor=actor, data={"into_id": into.pk, "into_number": into.number}
    )
    if source.status != Status.CLOSED:
        _record_status(source, Status.CLOSED, actor=actor)
    into.refresh_from_db()
    return into


def apply_status(ticket: Ticket, status: Status, *, actor: Actor) -> None:
    """Move the (locked) ticket to ``status`` if the transition table allows it."""
    if status not in TRANSITIONS[ticket.status]:
        raise InvalidTransition(
            f"A {ticket.get_status_display().lower()} ticket cannot become "
            f"{Status(status).label.lower()}.",
            field="status",
        )
    if status == Status.SOLVED:
        _ensure_solvable(ticket)
    _record_status(ticket, status, actor=actor)


def replace_tags(
    ticket: Ticket, names: Sequence[str], *, actor: Actor, keep_current: bool = False
) -> None:
    """Make ``names`` the ticket's tags; with ``keep_current``, add them to those it has."""
    wanted = _normalise_tags(names)
    current = set(ticket.tags.values_list("name", flat=True))
    if keep_current:
        wanted = sorted({*wanted, *current})
    added, removed = sorted(set(wanted) - current), sorted(current - set(wanted))
    if not added and not removed:
        return
    if added:
        Tag.objects.bulk_create([Tag(name=n) for n in added], ignore_conflicts=True)
        ticket.tags.add(*Tag.objects.filter(name__in=added))
    if removed:
        ticket.tags.remove(*Tag.objects.filter(name__in=removed))
    _touch(ticket)
    events.record(
        ticket, EventType.TAGS_CHANGED, actor=actor, data={"added": added, "removed": removed}
    )


def validate_custom_fields(values: dict[str, Any]) -> dict[str, Any]:
    """Check values against the active field definitions; return them normalised."""
    if not values:
        return {}
    definitions = {
        f.key: f for f in CustomField.objects.filter(key__in=list(values), is_active=True)
    }
    clean: dict[str, Any] = {}
    for key, value in values.items():
        definition = definitions.get(key)
        if definition is None:
            raise ValidationFailed(
                f"There is no custom field {key!r}.", field=f"custom_fields.{key}"
            )
        clean[key] = None if value is None else _coerce_field(definition, value)
    return clean


def _coerce_field(definition: CustomField, value: Any) -> Any:
    field = f"custom_fields.{definition.key}"
    kind = definition.field_type
    if kind == FieldType.TEXT and isinstance(value, str):
        return value[:1000]
    if kind == FieldType.NUMBER and isinstance(value, int | float) and not isinstance(value, bool):
        return value
    if kind == FieldType.BOOLEAN and isinstance(value, bool):
        return value
    if kind == FieldType.CHOICE and value in definition.choices:
        return value
    if kind == FieldType.DATE and isinstance(value, str):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise ValidationFailed(f"{value!r} is not a valid {definition.label}.", field=field)


def _normalise_tags(names: Sequence[str]) -> list[str]:
    clean: list[str] = []
    for raw in names:
        name = "-".join(str(raw).strip().lower().split())
        if not _TAG.match(name):
            raise ValidationFailed(f"{raw!r} is not a valid tag.", field="tags")
        if name not in clean:
            clean.append(name)
    if len(clean) > 50:
        raise ValidationFailed("A ticket takes at most 50 tags.", field="tags")
    return clean


def _apply_subject(ticket: Ticket, subject: str, *, actor: Actor) -> None:
    subject = " ".join(subject.split())[:250]
    if not subject:
        raise ValidationFailed("A ticket needs a subject.", field="subject")
    if subject != ticket.subject:
        old, ticket.subject = ticket.subject, subject
        ticket.save(update_fields=["subject", "updated_at"])
        events.record(
            ticket, EventType.SUBJECT_CHANGED, actor=actor, data={"from": old, "to": subject}
        )


def _apply_team(ticket: Ticket, team: Team | None, *, actor: Actor) -> None:
    new = team.pk if team else None
    if new == ticket.team_id:
        return
    old, ticket.team = ticket.team_id, team
    ticket.save(update_fields=["team", "updated_at"])
    events.record(ticket, EventType.TEAM_CHANGED, actor=actor, data={"from": old, "to": new})
    assignee = ticket.assignee
    if assignee is not None and team is not None and not _may_hold(assignee, team):
        _apply_assignee(ticket, None, actor=actor)


def _apply_assignee(ticket: Ticket, assignee: User | None, *, actor: Actor) -> None:
    if assignee is not None:
        if not can_write_tickets(assignee):
            raise InvalidAssignee(f"{assignee} cannot work tickets.", field="assignee_id")
        if ticket.team is not None and not _may_hold(assignee, ticket.team):
            raise InvalidAssignee(
                f"{assignee} is not in the team {ticket.team}; change the team first.",
                field="assignee_id",
            )
    new = assignee.pk if assignee else None
    if new == ticket.assignee_id:
        return
    old, ticket.assignee = ticket.assignee_id, assignee
    ticket.save(update_fields=["assignee", "updated_at"])
    events.record(ticket, EventType.ASSIGNED, actor=actor, data={"from": old, "to": new})


def _apply_priority(ticket: Ticket, priority: Priority, *, actor: Actor) -> None:
    if priority == ticket.priority:
        return
    old, ticket.priority = ticket.priority, priority
    ticket.save(update_fields=["priority", "updated_at"])
    events.record(
        ticket, EventType.PRIORITY_CHANGED, actor=actor, data={"from": old, "to": priority}
    )


def _apply_category(ticket: Ticket, category: Category | None, *, actor: Actor) -> None:
    new = category.pk if category else None
    if new == ticket.category_id:
        return
    old, ticket.category = ticket.category_id, category
    ticket.save(update_fields=["category", "updated_at"])
    events.record(
        ticket,
        EventType.CATEGORY_CHANGED,
        actor=actor,
        data={"from": old, "to": new, "slug": category.slug if category else None},
    )


def _apply_custom_fields(ticket: Ticket, values: dict[str, Any], *, actor: Actor) -> None:
    clean = validate_custom_fields(values)
    merged = {**ticket.custom_fields, **clean}
    merged = {k: v for k, v in merged.items() if v is not None}
    if merged == ticket.custom_fields:
        return
    old, ticket.custom_fields = ticket.custom_fields, merged
    ticket.save(update_fields=["custom_fields", "updated_at"])
    events.record(
        ticket, EventType.CUSTOM_FIELDS_CHANGED, actor=actor, data={"from": old, "to": merged}
    )


def _ensure_solvable(ticket: Ticket) -> None:
    required = CustomField.objects.filter(is_required_to_solve=True, is_active=True)
    for definition in required:
        if ticket.custom_fields.get(definition.key) in (None, ""):
            raise ValidationFailed(
                f"{definition.label} must be filled in before solving.",
                field=f"custom_fields.{definition.key}",
            )


def _record_status(ticket: Ticket, status: Status, *, actor: Actor) -> None:
    old = ticket.status
    ticket.status = status
    update = ["status", "updated_at"]
    if status == Status.SOLVED:
        ticket.solved_at = timezone.now()
        update.append("solved_at")
    elif old == Status.SOLVED and status != Status.CLOSED:
        ticket.solved_at = None
        update.append("solved_at")
    ticket.save(update_fields=update)
    events.record(ticket, EventType.STATUS_CHANGED, actor=actor, data={"from": old, "to": status})


def _may_hold(user: User, team: Team) -> bool:
    return sees_all_tickets(user) or user.memberships.filter(team=team).exists()


def _touch(ticket: Ticket) -> None:
    ticket.updated_at = timezone.now()
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=ticket.updated_at)


def _locked(ticket: Ticket) -> Ticket:
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("team", "assignee", "category", "customer")
        .get(pk=ticket.pk)
    )
