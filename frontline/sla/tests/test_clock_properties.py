"""The clock engine on generated event logs: business time is conserved, due times are
exactly the goal away, and states agree with the numbers."""

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from frontline.sla.business_time import add_business_time, business_time_between
from frontline.sla.clock import Fact, FactKind, Goal, Plan, run_clocks
from frontline.sla.models import SlaState, TargetKind
from frontline.sla.tests.test_business_time import calendars

STATUSES = ["open", "pending", "on_hold", "solved"]
step = st.tuples(
    st.integers(0, 3 * 24 * 60),
    st.sampled_from(list(FactKind)[1:]),
    st.sampled_from(STATUSES),
)


@st.composite
def logs(draw):
    at = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(minutes=draw(st.integers(0, 500_000)))
    facts = [Fact(at=at, kind=FactKind.CREATED, status="new")]
    for minutes, kind, status in draw(st.lists(step, max_size=12)):
        at += timedelta(minutes=minutes)
        facts.append(Fact(at=at, kind=kind, status=status, by="Agent"))
    now = at + timedelta(minutes=draw(st.integers(0, 10_000)))
    return facts, now


@st.composite
def plans(draw):
    calendar = draw(calendars())
    goals = tuple(
        Goal(target=target, seconds=draw(st.integers(60, 200_000)), calendar=calendar)
        for target in TargetKind
    )
    pause = frozenset(draw(st.sets(st.sampled_from(["pending", "on_hold", "open"]))))
    return Plan(goals=goals, pause_statuses=pause, warn_percents=(50, 90))


@settings(max_examples=200, deadline=None)
@given(log=logs(), plan=plans())
def test_business_time_is_conserved_and_due_times_are_exact(log, plan):
    facts, now = log

    for clock in run_clocks(facts, plan, now=now):
        calendar, goal = clock.goal.calendar, clock.goal.duration
        paused = sum((spent for _, spent in clock.paused), timedelta(0))
        end = clock.stopped_at or now
        since = clock.since if clock.running else clock.paused_since
        current = (
            business_time_between(since, now, calendar)
            if since and not clock.stopped_at
            else timedelta(0)
        )

        assert clock.elapsed >= timedelta(0)
        assert clock.elapsed + paused + current == business_time_between(
            clock.started_at, end, calendar
        )
        if clock.running and clock.elapsed < goal:
            assert clock.since is not None
            assert clock.due_at == add_business_time(clock.since, goal - clock.elapsed, calendar)
            assert clock.state == (SlaState.BREACHED if clock.due_at < now else SlaState.ACTIVE)
        if clock.stopped_at is not None:
            assert clock.state == (SlaState.MET if clock.elapsed <= goal else SlaState.BREACHED)
        for _, at in clock.warnings:
            assert clock.since is not None
            assert at >= clock.since


@settings(max_examples=100, deadline=None)
@given(log=logs(), plan=plans())
def test_the_first_response_stops_at_the_first_agent_reply_and_never_restarts(log, plan):
    facts, now = log
    replies = [f for f in facts if f.kind is FactKind.AGENT_REPLY]

    clocks = {c.target: c for c in run_clocks(facts, plan, now=now)}

    first = clocks[TargetKind.FIRST_RESPONSE]
    assert first.cycle == 1
    if replies and first.stopped_at is not None and first.stop_reason.startswith("first"):
        assert first.stopped_at == replies[0].at
    periodic = clocks.get(TargetKind.PERIODIC_UPDATE)
    assert (periodic.cycle if periodic else 0) == len(replies)
