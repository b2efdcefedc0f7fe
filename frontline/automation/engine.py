"""Running the triggers on one ticket's committed change, in the worker.

The active triggers are parsed once per process and indexed by trigger event; each job
checks with one cheap query (count, latest ``updated_at``, latest id) whether they
changed since. Only the triggers listening for the change's events are evaluated, in
``position`` order, on lazy facts (``automation/facts.py``).

A trigger that matches runs its actions in its own savepoint; a failing action is noted
and the next one runs; a trigger that fails as a whole is rolled back alone and keeps the
error for the admin page. The ticket change that caused it was committed before: nothing
here can undo or block it.

Loop protection: a change made by a trigger's actions carries the chain of triggers that
led to it; none of them fires again on it, and a chain stops at ``MAX_DEPTH``.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Max
from django.utils import timezone
from pydantic import ValidationError

from frontline.automation.facts import Change, TriggerFacts, trigger_facts
from frontline.automation.handlers import in_chain
from frontline.automation.models import Trigger, TriggerEvent, TriggerFiring
from frontline.automation.trigger_actions import (
    TriggerAction,
    parse_trigger_actions,
    run_trigger_action,
)
from frontline.core import conditions
from frontline.core.actors import Actor
from frontline.core.errors import FrontlineError
from frontline.tickets import events
from frontline.tickets.models import EventType, Ticket
from frontline.triage.rules import calendar_open

logger = logging.getLogger(__name__)

MAX_DEPTH = 5


@dataclass(frozen=True)
class Compiled:
    rank: int  # its place in the order triggers run
    pk: int
    name: str
    events: frozenset[str]
    condition: dict[str, Any]
    actions: tuple[TriggerAction, ...]


@dataclass
class Snapshot:
    version: tuple[Any, ...] = ()
    by_kind: dict[str, tuple[Compiled, ...]] = field(default_factory=dict)
    invalid: dict[int, str] = field(default_factory=dict)


_snapshot = Snapshot()


def clear_cache() -> None:
    global _snapshot
    _snapshot = Snapshot()


def active_triggers() -> Snapshot:
    """The parsed active triggers; one aggregate query when nothing changed."""
    global _snapshot
    row = Trigger.objects.aggregate(n=Count("id"), at=Max("updated_at"), last=Max("id"))
    version = (row["n"], row["at"], row["last"])
    if version != _snapshot.version or not _snapshot.version:
        _snapshot = _load(version)
    return _snapshot


def _load(version: tuple[Any, ...]) -> Snapshot:
    snapshot = Snapshot(version=version)
    by_kind: dict[str, list[Compiled]] = {kind: [] for kind in TriggerEvent.values}
    active = Trigger.objects.filter(is_active=True).order_by("position", "id")
    for rank, trigger in enumerate(active):
        compiled = _compile(rank, trigger, snapshot)
        for kind in compiled.events if compiled else ():
            by_kind[kind].append(compiled)  # type: ignore[arg-type]
    snapshot.by_kind = {kind: tuple(found) for kind, found in by_kind.items()}
    return snapshot


def _compile(rank: int, trigger: Trigger, snapshot: Snapshot) -> Compiled | None:
    from frontline.automation.triggers import condition_errors

    try:
        actions = tuple(parse_trigger_actions(trigger.actions))
    except ValidationError as error:
        snapshot.invalid[trigger.pk] = f"Invalid actions: {error.errors()[0]['msg']}"
        return None
    stored = trigger.conditions if isinstance(trigger.conditions, dict) else None
    problems = condition_errors(stored) if stored else []
    if stored is None or problems:
        snapshot.invalid[trigger.pk] = f"Invalid conditions: {problems[0] if problems else ''}"
        return None
    kinds = frozenset(k for k in trigger.events if k in TriggerEvent.values)
    return Compiled(rank, trigger.pk, trigger.name, kinds, stored, actions)


def candidates(snapshot: Snapshot, change: Change) -> list[tuple[Compiled, str]]:
    """The triggers listening for the change's events, in order, each with the first of
    its events that happened; those already in the chain are left out."""
    seen: dict[int, tuple[Compiled, str]] = {}
    for kind in change.kinds:
        for compiled in snapshot.by_kind.get(kind, ()):
            if compiled.pk not in seen and compiled.pk not in change.chain:
                seen[compiled.pk] = (compiled, kind)
    return sorted(seen.values(), key=lambda pair: pair[0].rank)


def _ticket(ticket_id: int) -> Ticket | None:
    return (
        Ticket.objects.select_related("customer", "organisation", "team", "category", "assignee")
        .filter(pk=ticket_id)
        .first()
    )


@transaction.atomic
def run_triggers(change: Change, *, now: datetime | None = None) -> list[TriggerFiring]:
    """Run the triggers on ``change``; the firings, in order."""
    if change.depth >= MAX_DEPTH:
        logger.warning(
            "automation.trigger.chain_too_deep",
            extra={"ticket_id": change.ticket_id, "chain": change.chain},
        )
        return []
    found = candidates(active_triggers(), change)
    if not found:
        return []
    ticket = _ticket(change.ticket_id)
    if ticket is None:
        return []
    moment = now or timezone.now()
    facts = trigger_facts(ticket, change, now=moment)
    fired = []
    for compiled, kind in found:
        if not _matches(compiled, facts, kind, moment):
            continue
        fired.append(_fire(compiled, ticket, change, kind, moment))
        ticket = _ticket(change.ticket_id) or ticket
        facts = trigger_facts(ticket, change, now=moment)  # later triggers see the changes
    return fired


def _matches(compiled: Compiled, facts: TriggerFacts, kind: str, now: datetime) -> bool:
    facts.set_event(kind)
    try:
        return conditions.evaluate(compiled.condition, facts, calendars=calendar_open)
    except Exception as error:  # a calendar gone, a fact that fails: this trigger only
        _record_error(compiled.pk, error, now)
        return False


def _fire(
    compiled: Compiled, ticket: Ticket, change: Change, kind: str, now: datetime
) -> TriggerFiring:
    errors: list[str] = []
    try:
        with transaction.atomic(), in_chain(compiled.pk, change):
            outcomes = [_run(action, compiled, ticket, now, errors) for action in compiled.actions]
            summary = f"rule '{compiled.name}' fired: {', '.join(outcomes)}"
            events.record(
                ticket,
                EventType.RULE_FIRED,
                actor=Actor.system(),
                data={"summary": summary, "trigger_id": compiled.pk, "event": kind},
                at=now,
            )
    except Exception as error:
        summary = f"rule '{compiled.name}' failed: {_describe(error)}"
        errors.append(_describe(error))
    updates: dict[str, Any] = {"fire_count": F("fire_count") + 1, "last_fired_at": now}
    if errors:
        updates |= {"last_error": "; ".join(errors)[:1000], "last_error_at": now}
        logger.warning(
            "automation.trigger.failed",
            extra={"trigger_id": compiled.pk, "ticket_id": ticket.pk, "error": errors[0]},
        )
    Trigger.objects.filter(pk=compiled.pk).update(**updates)
    return TriggerFiring.objects.create(
        trigger_id=compiled.pk,
        trigger_name=compiled.name,
        ticket_id=ticket.pk,
        event=kind,
        depth=change.depth + 1,
        summary=summary[:2000],
        error="; ".join(errors)[:2000],
        created_at=now,
    )


def _run(
    action: TriggerAction, compiled: Compiled, ticket: Ticket, now: datetime, errors: list[str]
) -> str:
    fresh = _ticket(ticket.pk) or ticket
    try:
        with transaction.atomic():
            return run_trigger_action(action, fresh, rule=compiled.name, now=now)
    except FrontlineError as error:
        errors.append(f"{action.type}: {error.message}")
        return f"{action.type.replace('_', ' ')} failed ({error.message})"


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:1000]


def _record_error(trigger_id: int, error: Exception, now: datetime) -> None:
    logger.warning(
        "automation.trigger.failed", extra={"trigger_id": trigger_id, "error": _describe(error)}
    )
    Trigger.objects.filter(pk=trigger_id).update(last_error=_describe(error), last_error_at=now)
