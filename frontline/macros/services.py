"""Macros: the only writer of ``Macro``, and applying one to a ticket.

``apply_macro`` is the interface triggers and guided workflows call too; the composer
sends the agent's edited text itself and then calls ``apply_macro_changes``.
"""

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from frontline.accounts.models import Team, User
from frontline.accounts.permissions import (
    can_manage_configuration,
    can_manage_routing,
    can_write_tickets,
)
from frontline.accounts.queries import team_by_id
from frontline.core.actors import Actor, ActorKind
from frontline.core.errors import PermissionDenied, ValidationFailed
from frontline.macros.models import Macro, MacroUse, Scope
from frontline.macros.placeholders import PLACEHOLDERS, render_placeholders, unknown_placeholders
from frontline.tickets import events
from frontline.tickets import services as ticket_services
from frontline.tickets.models import EventType, Message, Priority, Status, Ticket
from frontline.tickets.queries import ensure_can_work

CHANGE_KEYS = ("status", "priority", "team_id", "tags", "remove_tags")
_TAG = re.compile(r"^[\w][\w\-:.]{0,63}$", re.UNICODE)
MAX_TAGS = 20
MAX_BODY = 20_000


@dataclass(frozen=True)
class AppliedMacro:
    ticket: Ticket
    message: Message | None


@dataclass(frozen=True)
class MacroFields:
    """What a macro is made of; on update, None leaves a field as it is."""

    name: str | None = None
    body: str | None = None
    changes: Mapping[str, Any] | None = None
    scope: Scope | None = None
    team_id: int | None = None
    is_active: bool | None = None


# ---------- who may do what ----------


def may_create_in(
    user: User, scope: Scope, team: Team | None, *, member_of: Collection[int] | None = None
) -> bool:
    """Any agent makes personal macros; supervisors of a team (and heads of support and
    admins for any team) make team macros; shared ones are for heads of support and admins."""
    if not can_write_tickets(user):
        return False
    if scope == Scope.PERSONAL:
        return True
    if scope == Scope.SHARED:
        return can_manage_configuration(user)
    if team is None:
        return False
    if can_manage_configuration(user):
        return True
    if not can_manage_routing(user):
        return False
    if member_of is not None:
        return team.pk in member_of
    return user.memberships.filter(team=team).exists()


def may_manage(user: User, macro: Macro, *, member_of: Collection[int] | None = None) -> bool:
    """Whether ``user`` may change or delete ``macro``; ``member_of``: the user's team ids,
    when the caller read them already (a list of macros)."""
    if macro.scope == Scope.PERSONAL:
        return can_write_tickets(user) and macro.owner_id == user.pk
    team = macro.team if macro.scope == Scope.TEAM else None
    return may_create_in(user, Scope(macro.scope), team, member_of=member_of)


def default_scope(user: User) -> Scope:
    """``POST /macros`` without a scope: shared for who may make them, else personal."""
    return Scope.SHARED if may_create_in(user, Scope.SHARED, None) else Scope.PERSONAL


def _ensure_writer(actor: Actor) -> User:
    user = actor.user
    if not actor.is_agent or user is None or not can_write_tickets(user):
        raise PermissionDenied("Macros are for agents who write tickets.")
    return user


# ---------- saving ----------


@transaction.atomic
def create_macro(*, fields: MacroFields, actor: Actor) -> Macro:
    user = _ensure_writer(actor)
    scope = fields.scope or default_scope(user)
    team = team_by_id(fields.team_id) if scope == Scope.TEAM else None
    if scope == Scope.TEAM and team is None:
        raise ValidationFailed("Choose the team the macro is for.", field="team_id")
    if not may_create_in(user, scope, team):
        raise PermissionDenied(_refusal(scope))
    macro = Macro(
        scope=scope,
        team=team,
        owner=user if scope == Scope.PERSONAL else None,
        created_by=user,
        name=_clean_name(fields.name or ""),
        body=_clean_body(fields.body or ""),
        changes=clean_changes(fields.changes or {}),
        is_active=True if fields.is_active is None else fields.is_active,
    )
    _ensure_has_effect(macro)
    macro.save()
    return macro


@transaction.atomic
def update_macro(macro: Macro, *, fields: MacroFields, actor: Actor) -> Macro:
    user = _ensure_writer(actor)
    macro = Macro.objects.select_for_update(of=("self",)).select_related("team").get(pk=macro.pk)
    if not may_manage(user, macro):
        raise PermissionDenied(_refusal(Scope(macro.scope)))
    if fields.scope is not None or fields.team_id is not None:
        _move(macro, user, fields)
    if fields.name is not None:
        macro.name = _clean_name(fields.name)
    if fields.body is not None:
        macro.body = _clean_body(fields.body)
    if fields.changes is not None:
        macro.changes = clean_changes(fields.changes)
    if fields.is_active is not None:
        macro.is_active = fields.is_active
    _ensure_has_effect(macro)
    macro.save()
    return macro


def _move(macro: Macro, user: User, fields: MacroFields) -> None:
    scope = fields.scope or Scope(macro.scope)
    team = (team_by_id(fields.team_id) or macro.team) if scope == Scope.TEAM else None
    if scope == Scope.TEAM and team is None:
        raise ValidationFailed("Choose the team the macro is for.", field="team_id")
    if not may_create_in(user, scope, team):
        raise PermissionDenied(_refusal(scope))
    macro.scope, macro.team = scope, team
    macro.owner = user if scope == Scope.PERSONAL else None


@transaction.atomic
def delete_macro(macro: Macro, *, actor: Actor) -> None:
    user = _ensure_writer(actor)
    if not may_manage(user, macro):
        raise PermissionDenied(_refusal(Scope(macro.scope)))
    macro.delete()


def _refusal(scope: Scope) -> str:
    if scope == Scope.SHARED:
        return "Shared macros are managed by heads of support and admins."
    if scope == Scope.TEAM:
        return "Team macros are managed by the team's supervisors, heads of support and admins."
    return "A personal macro is managed by its owner only."


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationFailed("Give the macro a name.", field="name")
    if len(name) > 120:
        raise ValidationFailed("A name is at most 120 characters.", field="name")
    return name


def _clean_body(body: str) -> str:
    body = body.strip()
    if len(body) > MAX_BODY:
        raise ValidationFailed(f"The text is at most {MAX_BODY} characters.", field="body")
    unknown = unknown_placeholders(body)
    if unknown:
        valid = ", ".join("{{ " + name + " }}" for name in PLACEHOLDERS)
        raise ValidationFailed(
            f"Unknown placeholder {', '.join(unknown)}. Valid placeholders: {valid}.",
            field="body",
        )
    return body


def _ensure_has_effect(macro: Macro) -> None:
    if not macro.body and not macro.changes:
        raise ValidationFailed("A macro needs reply text or at least one change.", field="body")


def clean_changes(changes: Mapping[str, Any]) -> dict[str, Any]:
    """The changes as stored: known keys only, values checked, tags normalised."""
    if not isinstance(changes, Mapping):
        raise ValidationFailed("Changes are an object.", field="changes")
    unknown = [key for key in changes if key not in CHANGE_KEYS]
    if unknown:
        raise ValidationFailed(
            f"Unknown change {unknown[0]!r}; a macro changes {', '.join(CHANGE_KEYS)}.",
            field=f"changes.{unknown[0]}",
        )
    clean: dict[str, Any] = {}
    for key, choices in (("status", Status), ("priority", Priority)):
        value = changes.get(key)
        if value not in (None, ""):
            if value not in choices.values:
                raise ValidationFailed(
                    f"Unknown {key} {value!r}; one of {', '.join(choices.values)}.",
                    field=f"changes.{key}",
                )
            clean[key] = value
    team_id = changes.get("team_id")
    if team_id not in (None, ""):
        clean["team_id"] = _clean_team_id(team_id)
    for key in ("tags", "remove_tags"):
        tags = _clean_tags(changes.get(key), field=f"changes.{key}")
        if tags:
            clean[key] = tags
    return clean


def _clean_team_id(team_id: object) -> int:
    if isinstance(team_id, bool) or not isinstance(team_id, int):
        raise ValidationFailed("team_id is a team's id.", field="changes.team_id")
    if not Team.objects.filter(pk=team_id).exists():
        raise ValidationFailed(f"There is no team {team_id}.", field="changes.team_id")
    return team_id


def _clean_tags(raw: object, *, field: str) -> list[str]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list | tuple):
        raise ValidationFailed("Tags are a list of words.", field=field)
    clean: list[str] = []
    for item in raw:
        name = "-".join(str(item).strip().lower().split())
        if not isinstance(item, str) or not _TAG.match(name):
            raise ValidationFailed(f"{item!r} is not a valid tag.", field=field)
        if name not in clean:
            clean.append(name)
    if len(clean) > MAX_TAGS:
        raise ValidationFailed(f"A macro takes at most {MAX_TAGS} tags.", field=field)
    return clean


# ---------- applying ----------


@transaction.atomic
def apply_macro(ticket: Ticket, macro: Macro, *, actor: Actor) -> AppliedMacro:
    """Write the macro's reply (placeholders filled in) and make its changes, as
    ``actor``; count the use. A macro without body text writes no message."""
    ensure_can_work(actor, ticket)
    _ensure_may_apply(actor, macro)
    message = None
    body = render_placeholders(macro.body, ticket=ticket, actor=actor).strip()
    if body:
        message = ticket_services.reply_to_ticket(ticket, body=body, actor=actor)
    ticket = _make_changes(ticket, macro, actor=actor, message=message)
    return AppliedMacro(ticket=ticket, message=message)


@transaction.atomic
def apply_macro_changes(
    ticket: Ticket,
    macro: Macro,
    *,
    actor: Actor,
    message: Message | None = None,
    keep_status: bool = False,
) -> Ticket:
    """Make the macro's field changes and count one use; the reply, if any, is already
    written (``message``). ``keep_status`` leaves the status to the agent's own choice."""
    ensure_can_work(actor, ticket)
    _ensure_may_apply(actor, macro)
    return _make_changes(ticket, macro, actor=actor, message=message, keep_status=keep_status)


def _make_changes(
    ticket: Ticket,
    macro: Macro,
    *,
    actor: Actor,
    message: Message | None,
    keep_status: bool = False,
) -> Ticket:
    changes = ticket_changes(ticket, macro, keep_status=keep_status)
    if changes is not None:
        ticket = ticket_services.update_ticket(ticket, changes=changes, actor=actor)
    now = timezone.now()
    Macro.objects.filter(pk=macro.pk).update(usage_count=F("usage_count") + 1, last_used_at=now)
    MacroUse.objects.create(macro=macro, ticket=ticket, user=actor.user, used_at=now)
    data = {
        "summary": f"applied macro '{macro.name}'",
        "macro_id": macro.pk,
        "message_id": message.pk if message else None,
    }
    events.record(ticket, EventType.MACRO_APPLIED, actor=actor, data=data)
    return ticket


def _ensure_may_apply(actor: Actor, macro: Macro) -> None:
    """The system (triggers) applies any macro; an agent only one they can see."""
    if actor.kind is ActorKind.SYSTEM:
        return
    from frontline.macros.queries import macros_visible_to

    if not macros_visible_to(actor).filter(pk=macro.pk).exists():
        raise PermissionDenied("You may not use this macro.")


def ticket_changes(
    ticket: Ticket, macro: Macro, *, keep_status: bool = False
) -> ticket_services.TicketChanges | None:
    """The macro's stored ``changes`` for this ticket, or None when it has none. Tags are
    added to the ticket's own (and ``remove_tags`` taken away)."""
    stored = macro.changes or {}
    status = None if keep_status else stored.get("status")
    tags = _tags_after(ticket, stored.get("tags") or (), stored.get("remove_tags") or ())
    team = None
    if stored.get("team_id"):
        team = Team.objects.filter(pk=stored["team_id"]).first()
        if team is None:
            message = f"The macro's team {stored['team_id']} no longer exists; edit the macro."
            raise ValidationFailed(message, field="changes.team_id")
    if not (status or stored.get("priority") or team or tags is not None):
        return None
    return ticket_services.TicketChanges(
        status=Status(status) if status else None,
        priority=Priority(stored["priority"]) if stored.get("priority") else None,
        team=team,
        tags=tags,
    )


def _tags_after(ticket: Ticket, add: Sequence[str], remove: Sequence[str]) -> list[str] | None:
    if not add and not remove:
        return None
    current = list(ticket.tags.values_list("name", flat=True))
    return sorted({*current, *add} - set(remove))


def describe_changes(changes: Mapping[str, Any], *, teams: Mapping[int, str]) -> list[str]:
    """The changes as a person reads them: "Status: Solved", "Add tags: refund"."""
    lines = []
    if changes.get("status"):
        lines.append(f"Status: {Status(changes['status']).label}")
    if changes.get("priority"):
        lines.append(f"Priority: {Priority(changes['priority']).label}")
    if changes.get("team_id"):
        lines.append(f"Team: {teams.get(changes['team_id'], 'a deleted team')}")
    if changes.get("tags"):
        lines.append(f"Add tags: {', '.join(changes['tags'])}")
    if changes.get("remove_tags"):
        lines.append(f"Remove tags: {', '.join(changes['remove_tags'])}")
    return lines
