"""SLA clocks, computed by replaying a ticket's event log.

A ticket's log becomes a list of ``Fact`` (created, status changed, public agent reply,
customer message). ``run_clocks`` replays them against a ``Plan`` (the goals of the policy
that applies) and says, per target, how much business time has counted, whether the clock
runs, is paused or has stopped, and when it is due. It has no database and no clock of its
own: the same facts, plan and ``now`` always give the same answer.

Targets:

- first response: from creation to the first public reply by a person on the team (not an
  internal note, a bot, or an automatic acknowledgment);
- next response: from the first customer message after an agent's reply (later messages
  before the answer do not move it) to the next agent reply; each such stretch is a cycle;
- periodic update: from each public agent reply to the next one, a new cycle each time;
- resolution: from creation until solved.

Every clock pauses while the ticket is in one of the plan's pause statuses (pending and on
hold by default) and stops while it is solved or closed; reopening resumes it with the
time already counted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from frontline.sla.business_time import (
    ZERO,
    BusinessCalendar,
    add_business_time,
    business_time_between,
)
from frontline.sla.models import SlaState, TargetKind

STOPPED_STATUSES = frozenset({"solved", "closed"})
DEFAULT_PAUSE_STATUSES = frozenset({"pending", "on_hold"})


class FactKind(StrEnum):
    CREATED = "created"
    STATUS = "status"
    AGENT_REPLY = "agent_reply"
    CUSTOMER_MESSAGE = "customer_message"


@dataclass(frozen=True)
class Fact:
    at: datetime
    kind: FactKind
    status: str = ""
    by: str = ""


@dataclass(frozen=True)
class Goal:
    target: TargetKind
    seconds: int
    calendar: BusinessCalendar
    business: bool = True
    calendar_id: int | None = None

    @property
    def duration(self) -> timedelta:
        return timedelta(seconds=self.seconds)


@dataclass(frozen=True)
class Plan:
    goals: tuple[Goal, ...]
    pause_statuses: frozenset[str] = DEFAULT_PAUSE_STATUSES
    warn_percents: tuple[int, ...] = ()

    def runs_in(self, status: str) -> bool:
        return status not in self.pause_statuses and status not in STOPPED_STATUSES


@dataclass(frozen=True)
class Clock:
    """Where one target stands after replaying the log up to ``now``."""

    goal: Goal
    cycle: int
    started_at: datetime
    state: SlaState
    running: bool
    elapsed: timedelta
    since: datetime | None
    due_at: datetime | None
    stopped_at: datetime | None
    stop_reason: str
    status: str
    paused_since: datetime | None
    paused: tuple[tuple[str, timedelta], ...]
    warnings: tuple[tuple[int, datetime], ...]

    @property
    def target(self) -> TargetKind:
        return self.goal.target


@dataclass
class _Timer:
    goal: Goal
    cycle: int = 0
    started_at: datetime | None = None
    elapsed: timedelta = ZERO
    since: datetime | None = None
    deadline: datetime | None = None
    crossed_at: datetime | None = None
    done_at: datetime | None = None
    done_reason: str = ""
    pause_since: datetime | None = None
    pause_status: str = ""
    paused: dict[str, timedelta] = field(default_factory=dict)

    @property
    def is_open(self) -> bool:
        return self.cycle > 0 and self.done_at is None

    def begin(self, at: datetime, *, status: str, plan: Plan) -> None:
        self.cycle += 1
        self.started_at = at
        self.elapsed = ZERO
        self.since = self.deadline = self.crossed_at = self.done_at = self.pause_since = None
        self.done_reason = self.pause_status = ""
        self.paused = {}
        if plan.runs_in(status):
            self.run(at)
        else:
            self.hold(at, status)

    def run(self, at: datetime) -> None:
        self._end_pause(at)
        self.since = at
        goal = self.goal.duration
        if self.elapsed >= goal:
            self.deadline = self.crossed_at
        else:
            self.deadline = add_business_time(at, goal - self.elapsed, self.goal.calendar)

    def hold(self, at: datetime, status: str) -> None:
        self._count_until(at)
        self._end_pause(at)
        self.pause_since, self.pause_status = at, status

    def finish(self, at: datetime, reason: str) -> None:
        self._count_until(at)
        self._end_pause(at)
        self.done_at, self.done_reason = at, reason

    def _count_until(self, at: datetime) -> None:
        if self.since is None:
            return
        segment = business_time_between(self.since, at, self.goal.calendar)
        goal = self.goal.duration
        if self.elapsed < goal <= self.elapsed + segment:
            self.crossed_at = add_business_time(self.since, goal - self.elapsed, self.goal.calendar)
        self.elapsed += segment
        self.since = None

    def _end_pause(self, at: datetime) -> None:
        if self.pause_since is None:
            return
        spent = business_time_between(self.pause_since, at, self.goal.calendar)
        self.paused[self.pause_status] = self.paused.get(self.pause_status, ZERO) + spent
        self.pause_since, self.pause_status = None, ""


@dataclass
class _Replay:
    plan: Plan
    timers: dict[TargetKind, _Timer]
    status: str = "new"
    agent_replied: bool = False

    def apply(self, fact: Fact) -> None:
        if fact.kind is FactKind.CREATED:
            self.status = fact.status or "new"
            self._begin(TargetKind.FIRST_RESPONSE, fact.at)
            self._begin(TargetKind.RESOLUTION, fact.at)
        elif fact.kind is FactKind.STATUS:
            self._change_status(fact)
        elif fact.kind is FactKind.AGENT_REPLY:
            self._agent_reply(fact)
        elif fact.kind is FactKind.CUSTOMER_MESSAGE:
            self._customer_message(fact)

    def _begin(self, target: TargetKind, at: datetime) -> None:
        timer = self.timers.get(target)
        if timer is not None:
            timer.begin(at, status=self.status, plan=self.plan)

    def _change_status(self, fact: Fact) -> None:
        before, self.status = self.status, fact.status
        was_running, runs = self.plan.runs_in(before), self.plan.runs_in(fact.status)
        for timer in self.timers.values():
            if not timer.is_open:
                continue
            if runs and not was_running:
                timer.run(fact.at)
            elif not runs and (was_running or before != fact.status):
                timer.hold(fact.at, fact.status)

    def _agent_reply(self, fact: Fact) -> None:
        self.agent_replied = True
        reasons = {
            TargetKind.FIRST_RESPONSE: f"first public reply by {fact.by}",
            TargetKind.NEXT_RESPONSE: f"reply by {fact.by}",
            TargetKind.PERIODIC_UPDATE: f"update by {fact.by}",
        }
        for target, reason in reasons.items():
            timer = self.timers.get(target)
            if timer is not None and timer.is_open:
                timer.finish(fact.at, reason)
        self._begin(TargetKind.PERIODIC_UPDATE, fact.at)

    def _customer_message(self, fact: Fact) -> None:
        timer = self.timers.get(TargetKind.NEXT_RESPONSE)
        if timer is not None and self.agent_replied and not timer.is_open:
            timer.begin(fact.at, status=self.status, plan=self.plan)


def run_clocks(facts: Iterable[Fact], plan: Plan, *, now: datetime) -> list[Clock]:
    """Replay ``facts`` (in time order) against ``plan``; one Clock per started target."""
    replay = _Replay(plan=plan, timers={goal.target: _Timer(goal) for goal in plan.goals})
    for fact in facts:
        replay.apply(fact)
    clocks = [
        _outcome(timer, replay, now=now) for timer in replay.timers.values() if timer.cycle > 0
    ]
    return sorted(clocks, key=lambda clock: TargetKind.order(clock.target))


def _outcome(timer: _Timer, replay: _Replay, *, now: datetime) -> Clock:
    assert timer.started_at is not None  # noqa: S101 - only started timers reach here
    goal = timer.goal.duration
    running = timer.since is not None and timer.done_at is None
    stopped_at = timer.done_at
    stop_reason = timer.done_reason
    if stopped_at is None and replay.status in STOPPED_STATUSES:
        stopped_at, stop_reason = timer.pause_since, f"ticket {replay.status}"
    if stopped_at is not None:
        state = SlaState.MET if timer.elapsed <= goal else SlaState.BREACHED
        due_at = timer.deadline
    elif running:
        due_at = timer.deadline
        state = SlaState.BREACHED if due_at is not None and due_at < now else SlaState.ACTIVE
    else:
        state = SlaState.BREACHED if timer.elapsed > goal else SlaState.PAUSED
        due_at = timer.crossed_at
    return Clock(
        goal=timer.goal,
        cycle=timer.cycle,
        started_at=timer.started_at,
        state=state,
        running=running,
        elapsed=timer.elapsed,
        since=timer.since if running else None,
        due_at=due_at,
        stopped_at=stopped_at,
        stop_reason=stop_reason,
        status=replay.status,
        paused_since=None if running or stopped_at is not None else timer.pause_since,
        paused=tuple(sorted((s, d) for s, d in timer.paused.items() if d > ZERO)),
        warnings=_warnings(timer, replay.plan) if running else (),
    )


def _warnings(timer: _Timer, plan: Plan) -> tuple[tuple[int, datetime], ...]:
    """When each warning threshold of a running clock is (or was) reached."""
    assert timer.since is not None  # noqa: S101 - running clocks have a start
    found = []
    for percent in sorted(plan.warn_percents):
        threshold = timedelta(seconds=timer.goal.seconds * percent // 100)
        if timer.elapsed >= threshold:
            found.append((percent, timer.since))
        else:
            left = threshold - timer.elapsed
            found.append((percent, add_business_time(timer.since, left, timer.goal.calendar)))
    return tuple(found)


def fact_from_event(
    event_type: str, data: Mapping[str, Any], *, at: datetime, by: str
) -> Fact | None:
    """The clock-relevant meaning of one ticket event, or None when it has none."""
    if event_type == "created":
        return Fact(at=at, kind=FactKind.CREATED, status="new", by=by)
    if event_type == "status_changed":
        return Fact(at=at, kind=FactKind.STATUS, status=str(data.get("to", "")), by=by)
    if event_type != "message_added" or data.get("kind") != "reply":
        return None
    if data.get("direction") == "inbound":
        return Fact(at=at, kind=FactKind.CUSTOMER_MESSAGE, by=by)
    if data.get("author_type") == "agent" and not data.get("is_automatic"):
        return Fact(at=at, kind=FactKind.AGENT_REPLY, by=by)
    return None


def remaining(
    *,
    goal: timedelta,
    elapsed: timedelta,
    calendar: BusinessCalendar,
    since: datetime | None,
    now: datetime,
) -> timedelta:
    """Business time left before the goal (negative: overdue) as of ``now``."""
    counted = elapsed
    if since is not None:
        counted += business_time_between(since, now, calendar)
    return goal - counted
