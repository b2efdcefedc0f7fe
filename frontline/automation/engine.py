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
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from pydantic import ValidationError

from frontline.accounts.models import NotificationKind
from frontline.accounts.queries import configuration_managers
from frontline.accounts.services import notify
from frontline.automation.facts import Change, TriggerFacts, trigger_facts
from frontline.automation.handlers import in_chain
from frontline.automation.loading import load_ticket
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
_ALL_RELATED = frozenset({"customer", "organisation", "team", "category", "assignee"})


@dataclass(frozen=True)
class Compiled:
    rank: int  # its place in the order triggers run
    pk: int
    name: str
    events: frozenset[str]
    condition: dict[str, Any]
    check: conditions.Compiled
    actions: tuple[TriggerAction, ...]
    related: frozenset[str]  # the ticket's relations its conditions read


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
    """The parsed active triggers; one small query when nothing changed (written out: the
    ORM would spend longer building it than the database answering it)."""
    global _snapshot
    table = connection.ops.quote_name(Trigger._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*), MAX(updated_at), MAX(id) FROM {table}")  # noqa: S608
        version = tuple(cursor.fetchone() or ())
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
    related = frozenset(_relations(stored))
    check = conditions.compile_condition(stored, calendars=calendar_open)
    return Compiled(rank, trigger.pk, trigger.name, kinds, stored, check, actions, related)


# The relation of the ticket a fact reads, loaded with the ticket when a candidate needs it.
_RELATED_PREFIXES = {
    "customer": "customer",
    "sender": "customer",
    "organisation": "organisation",
    "team": "team",
    "category": "category",
    "assignee": "assignee",
}
_RELATED_FIELDS = {
    "previous.team": "team",
    "previous.category": "category",
    "previous.assignee": "assignee",
}


def _relations(condition: Any) -> set[str]:
    """The relations of the ticket that the fields ``condition`` tests read."""
    if not isinstance(condition, dict):
        return set()
    if "field" in condition:
        name = str(condition["field"])
        found = _RELATED_FIELDS.get(name) or _RELATED_PREFIXES.get(name.split(".")[0])
        return {found} if found else set()
    inner = condition.get("all") or condition.get("any") or condition.get("not") or []
    parts = inner if isinstance(inner, list) else [inner]
    return set().union(*(_relations(part) for part in parts)) if parts else set()


def candidates(snapshot: Snapshot, change: Change) -> list[tuple[Compiled, str]]:
    """The triggers listening for the change's events, in order, each with the first of
    its events that happened; those already in the chain are left out."""
    seen: dict[int, tuple[Compiled, str]] = {}
    for kind in change.kinds:
        for compiled in snapshot.by_kind.get(kind, ()):
            if compiled.pk not in seen and compiled.pk not in change.chain:
                seen[compiled.pk] = (compiled, kind)
    return sorted(seen.values(), key=lambda pair: pair[0].rank)


def _ticket(ticket_id: int, related: Iterable[str] = _ALL_RELATED) -> Ticket | None:
    return load_ticket(ticket_id, related)


def run_triggers(change: Change, *, now: datetime | None = None) -> list[TriggerFiring]:
    """Run the triggers on ``change``; the firings, in order. Checking needs no
    transaction; each firing is one of its own."""
    if change.depth >= MAX_DEPTH:
        logger.warning(
            "automation.trigger.chain_too_deep",
            extra={"ticket_id": change.ticket_id, "chain": change.chain},
        )
        return []
    found = candidates(active_triggers(), change)
    if not found:
        return []
    ticket = _ticket(change.ticket_id, set().union(*(c.related for c, _ in found)))
    if ticket is None:
        return []
    moment = now or timezone.now()
    facts = trigger_facts(ticket, change, now=moment)
    rest = iter(found)
    first = next(((c, kind) for c, kind in rest if _matches(c, facts, kind, moment)), None)
    if first is None:
        return []  # the usual case: no transaction, nothing written
    # One transaction from the first match on: what all the firings change is one change,
    # whose job knows the whole chain (no trigger of it fires again on it).
    with transaction.atomic():
        fired = [_fire(*first, ticket, change, moment)]
        changed = True
        for compiled, kind in rest:
            if changed:  # later triggers see what the earlier ones did
                ticket = _ticket(change.ticket_id) or ticket
                facts = trigger_facts(ticket, change, now=moment)
            changed = _matches(compiled, facts, kind, moment)
            if changed:
                fired.append(_fire(compiled, kind, ticket, change, moment))
    return fired


def _matches(compiled: Compiled, facts: TriggerFacts, kind: str, now: datetime) -> bool:
    facts.set_event(kind)
    try:
        return compiled.check(facts)
    except Exception as error:  # a calendar gone, a fact that fails: this trigger only
        _record_error(compiled.pk, error, now)
        return False


@transaction.atomic
def _fire(
    compiled: Compiled, kind: str, ticket: Ticket, change: Change, now: datetime
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
    Trigger.objects.filter(pk=compiled.pk).update(fire_count=F("fire_count") + 1, last_fired_at=now)
    if errors:
        logger.warning(
            "automation.trigger.failed",
            extra={"trigger_id": compiled.pk, "ticket_id": ticket.pk, "error": errors[0]},
        )
        _keep_error(compiled.pk, compiled.name, "; ".join(errors), now)
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
    name = Trigger.objects.filter(pk=trigger_id).values_list("name", flat=True).first() or ""
    _keep_error(trigger_id, name, _describe(error), now)


def _keep_error(trigger_id: int, name: str, error: str, now: datetime) -> None:
    """Keep the error for the Automation page; the first time a trigger fails after working
    (or since it was corrected), tell those who configure automation, once."""
    error = error[:1000]
    newly = Trigger.objects.filter(pk=trigger_id, last_error="").update(
        last_error=error, last_error_at=now
    )
    if not newly:
        Trigger.objects.filter(pk=trigger_id).update(last_error=error, last_error_at=now)
        return
    url = reverse("automation:trigger-edit", args=[trigger_id])
    for user in configuration_managers():
        notify(
            user,
            kind=NotificationKind.AUTOMATION_FAILED,
            title=f"Trigger failing: {name}"[:300],
            excerpt=error[:300],
            url=url,
        )
