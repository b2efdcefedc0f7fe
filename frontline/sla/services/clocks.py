"""Keeping each ticket's stored SLA targets in step with its event log.

``refresh_ticket_sla`` runs inside the transaction of the change that called for it (a
ticket event handler), replays the log and writes what moved: due times, states,
explanations, the next moment the sweep must look (``alert_at``) and the ticket's next due
time. Warnings and breach handling already done for a cycle are kept, so a replay never
makes the sweep act twice. ``refresh_tickets`` does the same for many tickets at once.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from frontline.sla.business_time import NeverOpens
from frontline.sla.clock import Clock, Fact, FactKind, fact_from_event, run_clocks
from frontline.sla.explain import explain, format_instant
from frontline.sla.models import (
    ChangeKind,
    SlaChange,
    SlaPolicy,
    SlaTarget,
    TargetKind,
    TicketSla,
)
from frontline.sla.services.lookups import Lookups, lookups, shared_lookups
from frontline.sla.services.plans import (
    LoadedPlan,
    calendar_ids,
    first_match,
    load_plan,
    plan_data,
    traits_of,
)
from frontline.tickets.models import UNSOLVED_STATUSES, Ticket, TicketEvent

logger = logging.getLogger(__name__)

CLOCK_EVENTS = ("created", "status_changed", "message_added")
# Events after which another policy, or other goals, may apply.
REMATCH_EVENTS = frozenset(
    {
        "created",
        "priority_changed",
        "team_changed",
        "category_changed",
        "tags_changed",
        "customer_changed",
    }
)


@dataclass
class _Writes:
    new_targets: list[SlaTarget] = field(default_factory=list)
    changed_targets: list[SlaTarget] = field(default_factory=list)
    changed_fields: set[str] = field(default_factory=set)
    stale_targets: list[int] = field(default_factory=list)
    changes: list[SlaChange] = field(default_factory=list)
    replanned: set[int] = field(default_factory=set)

    def flush(self) -> None:
        if self.stale_targets:
            SlaTarget.objects.filter(pk__in=self.stale_targets).delete()
        if self.new_targets:
            SlaTarget.objects.bulk_create(self.new_targets)
        if self.changed_targets:
            fields = sorted(self.changed_fields | {"updated_at"})
            SlaTarget.objects.bulk_update(self.changed_targets, fields)
        if self.changes:
            SlaChange.objects.bulk_create(self.changes)


_collecting: ContextVar[list[str] | None] = ContextVar("sla_collecting", default=None)


def collected_replay(why: str) -> bool:
    """Inside ``refresh_once``: note why a replay is due and say it was held back."""
    collected = _collecting.get()
    if collected is None:
        return False
    collected.append(why)
    return True


@contextmanager
def refresh_once(ticket: Ticket) -> Iterator[None]:
    """Hold back clock replays caused inside the block (SLA actions changing the ticket)
    and replay once when it ends, so an action never re-enters the clocks that fired it."""
    collected: list[str] = []
    token = _collecting.set(collected)
    try:
        yield
    finally:
        _collecting.reset(token)
    if collected:
        why = "; ".join(sorted({w for w in collected if w}))
        # The actions changed the ticket through services holding their own copies.
        fresh = Ticket.objects.select_related("customer", "organisation").get(pk=ticket.pk)
        refresh_ticket_sla(fresh, rematch=True, why=why)


def refresh_ticket_sla(
    ticket: Ticket,
    *,
    rematch: bool = False,
    why: str = "",
    now: datetime | None = None,
    cause: FactKind | None = None,
    opening: Fact | None = None,
) -> TicketSla:
    """Replay the ticket's log and store where its SLA targets stand (in the caller's
    transaction, which holds the ticket's row lock). ``cause`` names the fact that called
    for it, so a replay that could not change anything is skipped. ``opening``: the ticket
    was created just now and this is its whole log, so there is nothing stored to read."""
    now = now or timezone.now()
    context, writes = lookups(), _Writes()
    if opening is not None:
        return _open_clocks(ticket, opening, context, why=why, now=now)
    summary = _just_opened(ticket.pk) or (
        TicketSla.objects.select_for_update().filter(ticket_id=ticket.pk).first()
    )
    if summary is not None and not rematch and cannot_move(summary, cause):
        return summary
    before = _summary_state(summary)
    if summary is None or rematch:
        summary = _matched(ticket, summary, context, why=why, now=now, writes=writes)
    if before is not None and cause is None and _summary_state(summary) == before:
        return summary  # not a clock fact, and the same goals still apply
    existing = (
        list(SlaTarget.objects.select_for_update().filter(ticket_id=ticket.pk))
        if before is not None
        else []
    )
    facts = facts_for([ticket.pk]).get(ticket.pk, [])
    _settle(summary, facts, existing, context, now=now, writes=writes)
    if before is None:
        summary.save()
    elif before != _summary_state(summary):
        summary.save(
            update_fields=["policy", "plan", "reason", "next_due_at", "agent_replied", "updated_at"]
        )
    writes.flush()
    return summary


def _open_clocks(
    ticket: Ticket, opening: Fact, context: Lookups, *, why: str, now: datetime
) -> TicketSla:
    writes = _Writes()
    summary = _matched(ticket, None, context, why=why, now=now, writes=writes)
    _settle(summary, [opening], [], context, now=now, writes=writes)
    summary.save()
    writes.flush()
    opened = _opened_here(create=True)
    if opened is not None:
        opened[ticket.pk] = summary
    return summary


class _Opened(dict[int, TicketSla]):
    """Summaries that ticket openings inserted, by ticket id, for the replay of the first
    message that follows each opening: it need not read back the row just written.

    Kept as a commit hook (one that only forgets) of the savepoint level that wrote them,
    and read only at that level: Django drops the hook with a rollback of its level, so no
    entry outlives what it describes, and none is seen by code of an outer level.
    """

    def __call__(self) -> None:
        self.clear()


def _opened_here(*, create: bool) -> _Opened | None:
    """The map of the current savepoint level, made if ``create``."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return None
    level = set(connection.savepoint_ids)
    for savepoints, hook, _robust in reversed(connection.run_on_commit):
        if not level <= savepoints:
            break  # hooks from before this level began; the rest are older still
        if isinstance(hook, _Opened) and savepoints == level:
            return hook
    if not create:
        return None
    opened = _Opened()
    transaction.on_commit(opened)
    return opened


def _just_opened(ticket_id: int) -> TicketSla | None:
    """The summary the ticket's opening at this level inserted, handed out once: the replay
    that takes it saves to that copy from then on, so the map must not keep it."""
    opened = _opened_here(create=False)
    return opened.pop(ticket_id, None) if opened is not None else None


def _summary_state(summary: TicketSla | None) -> tuple[Any, ...] | None:
    if summary is None:
        return None
    return (
        summary.policy_id,
        summary.plan,
        summary.reason,
        summary.next_due_at,
        summary.agent_replied,
    )


def cannot_move(summary: TicketSla, cause: FactKind | None) -> bool:
    """No SLA applies; or a customer wrote before any agent reply (only next-response
    cycles react to customers, and only after an agent has replied)."""
    goals = {goal["target"] for goal in summary.plan.get("goals", ())}
    if not goals:
        return True
    if cause is FactKind.CUSTOMER_MESSAGE:
        return not summary.agent_replied or TargetKind.NEXT_RESPONSE not in goals
    return False


@transaction.atomic
def refresh_tickets(
    ticket_ids: Sequence[int], *, why: str = "", now: datetime | None = None
) -> int:
    """Match policies and replay the clocks of many tickets with a handful of queries."""
    now = now or timezone.now()
    context = lookups()
    tickets = list(
        Ticket.objects.select_for_update(of=("self",))
        .filter(pk__in=ticket_ids)
        .select_related("customer", "organisation")
        .prefetch_related("tags")
        .order_by("pk")
    )
    ids = [ticket.pk for ticket in tickets]
    for ticket_id in ids:  # these are saved from other copies below
        _just_opened(ticket_id)
    summaries = {s.ticket_id: s for s in TicketSla.objects.filter(ticket_id__in=ids)}
    existing: dict[int, list[SlaTarget]] = defaultdict(list)
    for row in SlaTarget.objects.filter(ticket_id__in=ids):
        existing[row.ticket_id].append(row)
    facts = facts_for(ids)
    writes = _Writes()
    new_summaries, changed_summaries = [], []
    for ticket in tickets:
        summary = summaries.get(ticket.pk)
        before = _summary_state(summary)
        summary = _matched(ticket, summary, context, why=why, now=now, writes=writes)
        _settle(
            summary, facts.get(ticket.pk, []), existing[ticket.pk], context, now=now, writes=writes
        )
        if before is None:
            new_summaries.append(summary)
        elif before != _summary_state(summary):
            changed_summaries.append(summary)
    TicketSla.objects.bulk_create(new_summaries)
    TicketSla.objects.bulk_update(
        changed_summaries,
        ["policy", "plan", "reason", "next_due_at", "agent_replied", "updated_at"],
    )
    writes.flush()
    return len(tickets)


def replay_open_tickets(*, now: datetime | None = None, batch: int = 500, why: str = "") -> int:
    """Replay every unsolved ticket, a batch per transaction (demo data, imports, upgrades:
    tickets written without going through the services)."""
    done, after = 0, 0
    with shared_lookups():
        while True:
            ids = list(
                Ticket.objects.filter(pk__gt=after, status__in=UNSOLVED_STATUSES)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch]
            )
            if not ids:
                return done
            refresh_tickets(ids, why=why, now=now)
            done, after = done + len(ids), ids[-1]


def facts_for(ticket_ids: Sequence[int]) -> dict[int, list[Fact]]:
    """The clock-relevant facts of each ticket's log, in order."""
    rows = (
        TicketEvent.objects.filter(ticket_id__in=ticket_ids, type__in=CLOCK_EVENTS)
        .order_by("ticket_id", "created_at", "id")
        .values_list(
            "ticket_id",
            "type",
            "data",
            "created_at",
            "actor_user__name",
            "actor_user__email",
            "actor_type",
        )
    )
    found: dict[int, list[Fact]] = defaultdict(list)
    for ticket_id, event_type, data, at, name, email, actor_type in rows:
        fact = fact_from_event(event_type, data, at=at, by=name or email or actor_type)
        if fact is not None:
            found[ticket_id].append(fact)
    return found


def _matched(
    ticket: Ticket,
    summary: TicketSla | None,
    context: Lookups,
    *,
    why: str,
    now: datetime,
    writes: _Writes,
) -> TicketSla:
    """The summary with the policy that now matches (saved by the caller)."""
    policies = context.policies()
    policy = first_match(policies, traits_of(ticket, policies))
    data = plan_data(policy, ticket.priority, context.default_calendar())
    if summary is not None and data == summary.plan:
        return summary
    reason = _reason(summary, policy, data, ticket.priority, why=why)
    writes.replanned.add(ticket.pk)
    kind = ChangeKind.APPLIED if summary is None else ChangeKind.RECOMPUTED
    writes.changes.append(
        SlaChange(
            ticket_id=ticket.pk,
            kind=kind,
            message=reason,
            at=now,
            data={"policy_id": policy.pk if policy else None, "plan": data},
        )
    )
    if summary is None:
        summary = TicketSla(ticket=ticket)
    summary.policy, summary.plan, summary.reason = policy, data, reason
    return summary


def _reason(
    summary: TicketSla | None,
    policy: SlaPolicy | None,
    data: dict[str, Any],
    priority: str,
    *,
    why: str,
) -> str:
    if policy is None:
        outcome = "no SLA policy applies"
    elif not data:
        outcome = f"policy {policy.name} sets no targets for {priority} priority"
    else:
        outcome = f"policy {policy.name} applies to {priority} priority"
    previous = summary.plan.get("policy") if summary is not None else None
    if previous and policy is not None and previous != policy.name:
        outcome = f"{outcome}, replacing {previous}"
    return f"{why}: {outcome}" if why else outcome


def _settle(
    summary: TicketSla,
    facts: list[Fact],
    existing: list[SlaTarget],
    context: Lookups,
    *,
    now: datetime,
    writes: _Writes,
) -> None:
    """Replay the facts and queue the target rows that changed."""
    loaded = None
    if summary.plan.get("goals"):
        loaded = load_plan(summary.plan, context.calendars(calendar_ids(summary.plan)))
    try:
        clocks = run_clocks(facts, loaded.plan, now=now) if loaded is not None else []
        by_target = {row.target: row for row in existing}
        for clock in clocks:
            assert loaded is not None  # noqa: S101 - clocks only come from a plan
            row = by_target.pop(clock.target, None)
            _place(summary.ticket_id, clock, loaded, row, now, writes)
    except NeverOpens:
        # A calendar closed for years: keep what is stored rather than fail the change.
        logger.warning("sla.calendar.never_opens", extra={"ticket_id": summary.ticket_id})
        return
    writes.stale_targets.extend(row.pk for row in by_target.values())
    due = [c.due_at for c in clocks if c.running and c.due_at is not None]
    summary.next_due_at = min(due) if due else None
    summary.agent_replied = any(fact.kind is FactKind.AGENT_REPLY for fact in facts)


def _place(
    ticket_id: int,
    clock: Clock,
    loaded: LoadedPlan,
    row: SlaTarget | None,
    now: datetime,
    writes: _Writes,
) -> None:
    same_cycle = row is not None and row.cycle == clock.cycle
    warned = row.warned_percent if row is not None and same_cycle else 0
    handled = row.breach_handled_at if row is not None and same_cycle else None
    values: dict[str, Any] = {
        "position": TargetKind.order(clock.target),
        "cycle": clock.cycle,
        "state": clock.state,
        "goal_seconds": clock.goal.seconds,
        "business_time": clock.goal.business,
        "calendar_id": clock.goal.calendar_id,
        "started_at": clock.started_at,
        "due_at": clock.due_at,
        "elapsed": clock.elapsed,
        "running_since": clock.since,
        "stopped_at": clock.stopped_at,
        "warned_percent": warned,
        "breach_handled_at": handled,
        "alert_at": _alert_at(clock, warned=warned, handled=handled is not None),
        "explanation": explain(clock, policy=loaded.policy, zone=loaded.zone),
    }
    if row is None:
        writes.new_targets.append(SlaTarget(ticket_id=ticket_id, target=clock.target, **values))
        return
    changed = {name for name, value in values.items() if getattr(row, name) != value}
    if not changed:
        return
    before = row.due_at
    if "due_at" in changed and before is not None and ticket_id in writes.replanned:
        writes.changes.append(_moved(ticket_id, clock, before, loaded, now))
    for name in changed:
        setattr(row, name, values[name])
    writes.changed_targets.append(row)
    writes.changed_fields.update(changed)


def _alert_at(clock: Clock, *, warned: int, handled: bool) -> datetime | None:
    """The next moment the sweep has something to do for this target."""
    if not clock.running:
        return None
    moments = [at for percent, at in clock.warnings if percent > warned]
    if clock.due_at is not None and not handled:
        moments.append(clock.due_at)
    return min(moments) if moments else None


def _moved(
    ticket_id: int, clock: Clock, before: datetime, loaded: LoadedPlan, now: datetime
) -> SlaChange:
    label = TargetKind(clock.target).label.lower()
    after = format_instant(clock.due_at, loaded.zone) if clock.due_at else "paused"
    return SlaChange(
        ticket_id=ticket_id,
        target=clock.target,
        kind=ChangeKind.RECOMPUTED,
        message=f"{label} due {format_instant(before, loaded.zone)} \u2192 {after}",
        data={"from": before.isoformat(), "to": clock.due_at.isoformat() if clock.due_at else None},
        at=now,
    )
