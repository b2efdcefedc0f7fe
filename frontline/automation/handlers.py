"""Triggers' reactions to ticket, SLA and survey events (registered in
``frontline/events.py``).

Inside the transaction they only collect: per ticket, which trigger events happened,
the values before the change and the newest message. On commit, ONE job per ticket runs
the triggers (``automation.tasks.run_triggers``), so a reply that also changes the status
and the tags is one evaluation, and a transaction rolled back runs nothing.

Loop protection travels with the collected change: while a trigger's actions run,
``_CHAIN`` holds the triggers fired so far in this chain and its depth, and the changes
those actions make carry them into the next job (see ``automation.engine``).
"""

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import transaction

from frontline.automation.facts import Change
from frontline.automation.models import TriggerEvent
from frontline.tickets.models import AuthorType, Direction, EventType, Ticket, TicketEvent

# (trigger ids fired in this chain, depth) while trigger actions run.
_CHAIN: ContextVar[tuple[tuple[int, ...], int]] = ContextVar("trigger_chain", default=((), 0))
# Set by ``collecting()``: flushed changes go to this list instead of the worker.
_COLLECTED: ContextVar[list[Change] | None] = ContextVar("trigger_collected", default=None)
_local = threading.local()

_PREVIOUS = {
    EventType.STATUS_CHANGED: "status",
    EventType.PRIORITY_CHANGED: "priority",
    EventType.TEAM_CHANGED: "team",
    EventType.ASSIGNED: "assignee",
    EventType.CATEGORY_CHANGED: "category",
}
_CHANGED = {**_PREVIOUS, EventType.TAGS_CHANGED: "tags", EventType.SUBJECT_CHANGED: "subject"}
# What the toolkit records about itself is not a change of the ticket.
_IGNORED = frozenset({EventType.RULE_FIRED})


def on_ticket_event(*, event: TicketEvent, ticket: Ticket, **_: Any) -> None:
    if event.type in _IGNORED:
        return
    with _pending(ticket.pk) as change:
        kinds = _kinds(event, created=TriggerEvent.CREATED in change.kinds)
        _add_kinds(change, kinds)
        key = _CHANGED.get(EventType(event.type))
        if key is not None and key not in change.changed:
            change.changed.append(key)
        previous = _PREVIOUS.get(EventType(event.type))
        if previous is not None and previous not in change.previous:
            change.previous[previous] = event.data.get("from")
        if event.type == EventType.MESSAGE_ADDED:
            change.message_id = event.data.get("message_id")
        change.updated_by = event.actor_type


def on_imported_events(pairs: Sequence[tuple[TicketEvent, Ticket]]) -> None:
    """Batch imports (``tickets.events.record_many``) are history: no trigger runs."""


def on_sla_warned(*, ticket: Ticket, target: str, **_: Any) -> None:
    with _pending(ticket.pk) as change:
        _add_kinds(change, [TriggerEvent.SLA_WARNING])
        change.sla_target = str(target)
        change.updated_by = change.updated_by or AuthorType.SYSTEM


def on_sla_breached(*, ticket: Ticket, target: str, **_: Any) -> None:
    with _pending(ticket.pk) as change:
        _add_kinds(change, [TriggerEvent.SLA_BREACH])
        change.sla_target = str(target)
        change.updated_by = change.updated_by or AuthorType.SYSTEM


def on_survey_answered(*, ticket: Ticket, response: Any, **_: Any) -> None:
    """``survey.answered`` (issue 18): ``response`` has ``score`` and ``comment``."""
    with _pending(ticket.pk) as change:
        _add_kinds(change, [TriggerEvent.SURVEY_ANSWERED])
        change.survey = {
            "score": getattr(response, "score", None),
            "comment": getattr(response, "comment", "") or "",
        }
        change.updated_by = change.updated_by or AuthorType.CUSTOMER


def _kinds(event: TicketEvent, *, created: bool) -> list[str]:
    kind = EventType(event.type)
    if kind == EventType.CREATED:
        return [str(TriggerEvent.CREATED)]
    if created:  # the request and the fields a ticket opens with are its creation
        return []
    found: list[str] = [TriggerEvent.UPDATED.value]
    if kind == EventType.STATUS_CHANGED:
        found.append(TriggerEvent.STATUS_CHANGED)
    elif kind == EventType.MESSAGE_ADDED:
        found.extend(_reply_kind(event.data))
    return found


def _reply_kind(data: dict[str, Any]) -> list[str]:
    if data.get("kind") != "reply" or data.get("is_automatic"):
        return []
    author = data.get("author_type")
    if author == AuthorType.CUSTOMER and data.get("direction") == Direction.INBOUND:
        return [TriggerEvent.CUSTOMER_REPLIED]
    if author == AuthorType.AGENT and data.get("direction") == Direction.OUTBOUND:
        return [TriggerEvent.AGENT_REPLIED]
    return []


def _add_kinds(change: Change, kinds: Sequence[str]) -> None:
    for kind in kinds:
        if kind not in change.kinds:
            change.kinds.append(str(kind))


@contextmanager
def _pending(ticket_id: int) -> Iterator[Change]:
    """The change being collected for the ticket in this transaction; a new one is sent on
    commit (at once outside a transaction, after the caller has filled it)."""
    pending: dict[int, tuple[Change, Callable[[], None]]] = _local.__dict__.setdefault(
        "pending", {}
    )
    chain, depth = _CHAIN.get()
    entry = pending.get(ticket_id)
    if entry is not None and _still_queued(entry[1]):
        change = entry[0]
        change.chain = sorted({*change.chain, *chain})
        change.depth = max(change.depth, depth)
        yield change
        return
    change = Change(ticket_id=ticket_id, chain=list(chain), depth=depth)
    yield change

    def flush() -> None:
        if pending.get(ticket_id, (None,))[0] is change:
            del pending[ticket_id]
        _send(change)

    pending[ticket_id] = (change, flush)
    transaction.on_commit(flush)


def _still_queued(callback: Callable[[], None]) -> bool:
    """Whether ``callback`` waits for this connection's commit (not run, not rolled back)."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return False
    return any(queued[1] is callback for queued in connection.run_on_commit)


def _send(change: Change) -> None:
    if not change.kinds:
        return
    collected = _COLLECTED.get()
    if collected is not None:
        collected.append(change)
        return
    from frontline.automation import tasks

    tasks.run_triggers(change.as_dict())


@contextmanager
def collecting() -> Iterator[list[Change]]:
    """Keep the changes committed inside the block instead of queueing their jobs (the
    bench runs them itself to time them)."""
    found: list[Change] = []
    token = _COLLECTED.set(found)
    try:
        yield found
    finally:
        _COLLECTED.reset(token)


@contextmanager
def in_chain(trigger_id: int, change: Change) -> Iterator[None]:
    """While a trigger's actions run: the changes they make remember the chain."""
    token = _CHAIN.set((tuple(sorted({*change.chain, trigger_id})), change.depth + 1))
    try:
        yield
    finally:
        _CHAIN.reset(token)
