"""``frontline bench sla``: the SLA engine on a throw-away database of N tickets, M of them
open under SLA.

The load writes ticket rows in bulk (most solved or closed, as in a working helpdesk); the
open ones get an event log like the services write (creation, the customer's message,
agent replies, customers writing back, pending stretches), and the shipped calendar and
policies. Then:

- ``due_recompute_per_s``: replaying every open ticket's log and storing its targets, in
  batches (``refresh_tickets``; what a policy change runs in the background);
- ``due_recompute_single_per_s``: the same for one ticket at a time (``refresh_ticket_sla``;
  what every ticket change adds to its own transaction);
- ``sweep_ms``: one full sweep a minute after the previous one: find the warnings and
  breaches that came due in that minute and act on them (notifications, a tag through the
  ticket services, the replay that follows), as the every-minute job does;
- ``sweep_batch_ms``: a sweep that finds a full batch (500) due at once, after downtime;
- ``sweep_idle_ms``: a sweep with nothing due: the one indexed query, whatever N is.

Due times are stored and indexed (``SlaTarget.alert_at``), so no sweep replays a clock.
"""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import CommandParser
from django.db import connection, transaction
from django.utils import timezone

from frontline.accounts.models import Role, Team, TeamMembership, User
from frontline.bench.common import (
    Output,
    Progress,
    Reporter,
    database_vendor,
    throwaway_database,
)
from frontline.core import sequences
from frontline.customers.models import Customer, Organisation, Tier
from frontline.demo.writer import EVENT_FIELDS, TICKET_FIELDS, BulkWriter
from frontline.sla import services
from frontline.sla.models import SlaTarget
from frontline.sla.services.sweep import SWEEP_BATCH
from frontline.tickets.models import UNSOLVED_STATUSES, Priority, Status, Ticket, TicketEvent
from frontline.tickets.services.messages import TICKET_NUMBER_SEQUENCE

HELP = "SLA engine: replaying clocks and the warning/breach sweep on N tickets."
CHUNK = 10_000
PRIORITIES = (Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT)
PRIORITY_WEIGHTS = (15, 55, 20, 10)
CHANNELS = ("email", "portal", "chat", "phone")
OPEN_SPREAD = timedelta(days=10)


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--tickets", type=int, default=1_000_000, help="Tickets to load.")
    parser.add_argument("--open", type=int, default=100_000, help="Of which open under SLA.")
    parser.add_argument("--single", type=int, default=1000, help="Tickets replayed one at a time.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")


def run(options: dict[str, Any], *, out: Output, err: Output) -> None:
    progress = Progress(err)
    total, open_count = options["tickets"], min(options["open"], options["tickets"])
    rng = random.Random(options["seed"])
    with throwaway_database(keep=options["keep"], progress=progress):
        reporter = Reporter(bench="sla", tickets=total, out=out, db=database_vendor())
        now = timezone.now().replace(second=0, microsecond=0)
        load = _load(rng, total=total, open_count=open_count, now=now, progress=progress)
        reporter.metric("load_tickets_per_s", total / load, "tickets/s", total)
        _measure_recompute(reporter, open_count, now=now, progress=progress)
        _measure_single(reporter, rng, options["single"], now=now)
        _measure_sweeps(reporter, now=now, progress=progress)


def _load(
    rng: random.Random, *, total: int, open_count: int, now: datetime, progress: Callable[..., Any]
) -> float:
    started = time.perf_counter()
    services.ensure_defaults()
    people = _people(rng, customers=max(1000, total // 50))
    progress(f"{len(people.customers)} customers, {len(people.agents)} agents")
    writer = BulkWriter()
    number = 10_001
    for first in range(0, total, CHUNK):
        size = min(CHUNK, total - first)
        opened = min(size, max(0, open_count - first))
        with transaction.atomic():
            number = _write_chunk(
                writer, rng, people, size=size, opened=opened, number=number, now=now
            )
        progress(f"{first + size}/{total} tickets")
    writer.finish([Ticket, TicketEvent])
    sequences.set_at_least(TICKET_NUMBER_SEQUENCE, number - 1)
    writer.analyze()
    return time.perf_counter() - started


@dataclass(frozen=True)
class _People:
    customers: list[tuple[int, int | None]]
    agents: list[int]
    teams: list[int]


def _people(rng: random.Random, *, customers: int) -> _People:
    teams = Team.objects.bulk_create(
        [Team(name=f"Team {n}", slug=f"team-{n}") for n in range(1, 7)]
    )
    password = make_password(None)
    agents = User.objects.bulk_create(
        [
            User(
                email=f"agent{n}@bench.test",
                name=f"Agent {n}",
                role=Role.ASSOCIATE,
                password=password,
            )
            for n in range(60)
        ]
    )
    lead = User.objects.create(
        email="lead@bench.test", name="Lead", role=Role.SUPERVISOR, password=password
    )
    TeamMembership.objects.bulk_create(
        [TeamMembership(user=a, team=teams[i % len(teams)]) for i, a in enumerate(agents)]
        + [TeamMembership(user=lead, team=t, is_lead=True) for t in teams]
    )
    tiers = [Tier.STANDARD] * 7 + [Tier.PREMIUM] * 2 + [Tier.ENTERPRISE]
    organisations = Organisation.objects.bulk_create(
        [Organisation(name=f"Organisation {n}", tier=tiers[n % 10]) for n in range(300)]
    )
    rows = []
    for n in range(customers):
        organisation = rng.choice(organisations) if rng.random() < 0.6 else None
        rows.append(Customer(name=f"Customer {n}", organisation=organisation))
    created = Customer.objects.bulk_create(rows, batch_size=CHUNK)
    return _People(
        customers=[(c.pk, c.organisation_id) for c in created],
        agents=[a.pk for a in agents],
        teams=[t.pk for t in teams],
    )


def _write_chunk(
    writer: BulkWriter,
    rng: random.Random,
    people: _People,
    *,
    size: int,
    opened: int,
    number: int,
    now: datetime,
) -> int:
    """``size`` tickets, the first ``opened`` of them unsolved with an event log."""
    first_ticket = writer.allocate_ids(Ticket, size)
    tickets: list[tuple[Any, ...]] = []
    events: list[tuple[Any, ...]] = []
    for index in range(size):
        pk = first_ticket + index
        assignee = rng.choice(people.agents) if rng.random() < 0.7 else None
        if index < opened:
            created = now - OPEN_SPREAD * rng.random()
            status, history = _history(rng, pk, assignee, created, now)
            events += history
            solved = None
        else:
            created = now - timedelta(days=10 + 355 * rng.random())
            status = rng.choice((Status.SOLVED, Status.CLOSED))
            solved = created + timedelta(hours=5)
        tickets.append(
            _ticket_row(rng, people, pk, number + index, status, assignee, created, solved)
        )
    writer.insert(Ticket, TICKET_FIELDS, tickets)
    first_event = writer.allocate_ids(TicketEvent, len(events))
    writer.insert(TicketEvent, EVENT_FIELDS, [(first_event + i, *e) for i, e in enumerate(events)])
    return number + size


def _ticket_row(
    rng: random.Random,
    people: _People,
    pk: int,
    number: int,
    status: str,
    assignee: int | None,
    created: datetime,
    solved: datetime | None,
) -> tuple[Any, ...]:
    """Values in ``TICKET_FIELDS`` order."""
    customer, organisation = rng.choice(people.customers)
    priority = rng.choices(PRIORITIES, PRIORITY_WEIGHTS)[0]
    subject = "Receipt printer stops after every second order"
    channel, team = rng.choice(CHANNELS), rng.choice(people.teams)
    return (
        pk, number, subject, customer, organisation, channel, status, priority, None, {},
        team, assignee, None, None, None, 1, created, solved, created, created,
    )  # fmt: skip


def _history(
    rng: random.Random, ticket: int, agent: int | None, at: datetime, now: datetime
) -> tuple[str, list[tuple[Any, ...]]]:
    """Events like the services write: opened with the customer's message, then perhaps an
    agent's reply, the customer writing back, a pending stretch. Returns the status."""
    events: list[tuple[Any, ...]] = [
        (ticket, "created", "customer", None, None, {"channel": "email"}, at),
        (ticket, "message_added", "customer", None, None, _message("inbound", "customer"), at),
    ]
    if rng.random() >= 0.55:
        return Status.NEW, events
    at = min(now, at + timedelta(minutes=10 + 600 * rng.random()))
    events.append(
        (ticket, "message_added", "agent", agent, None, _message("outbound", "agent"), at)
    )
    events.append(
        (ticket, "status_changed", "agent", agent, None, {"from": "new", "to": "open"}, at)
    )
    roll = rng.random()
    if roll < 0.35:
        at = min(now, at + timedelta(minutes=5 + 300 * rng.random()))
        data = _message("inbound", "customer")
        events.append((ticket, "message_added", "customer", None, None, data, at))
    elif roll < 0.5:
        data = {"from": "open", "to": "pending"}
        events.append((ticket, "status_changed", "agent", agent, None, data, at))
        return Status.PENDING, events
    return Status.OPEN, events


def _message(direction: str, author: str) -> dict[str, Any]:
    return {
        "message_id": 0, "kind": "reply", "direction": direction, "author_type": author,
        "channel": "email", "is_automatic": False, "attachments": 0,
    }  # fmt: skip


def _measure_recompute(
    reporter: Reporter, open_count: int, *, now: datetime, progress: Callable[..., Any]
) -> None:
    progress(f"replaying {open_count} open tickets in batches")
    started = time.perf_counter()
    done = services.replay_open_tickets(now=now, batch=1000)
    seconds = time.perf_counter() - started
    reporter.metric("due_recompute_per_s", done / seconds, "tickets/s", done)
    _settle_database()
    progress("planner statistics gathered; the write-ahead log written back")


def _settle_database() -> None:
    """After a bulk load, as a running system would be: statistics for the new rows, and on
    SQLite the write-ahead log written back into the database (a live one never grows this
    large, and the first commits after the load would pay for it)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _measure_single(reporter: Reporter, rng: random.Random, count: int, *, now: datetime) -> None:
    ids = list(
        Ticket.objects.filter(status__in=UNSOLVED_STATUSES).values_list("pk", flat=True)[:50_000]
    )
    sample = rng.sample(ids, min(count, len(ids)))
    started = time.perf_counter()
    # One transaction: the figure is what a replay adds to a change's own transaction, whose
    # commit the change pays anyway.
    with transaction.atomic():
        for ticket_id in sample:
            ticket = Ticket.objects.select_for_update().select_related("customer").get(pk=ticket_id)
            services.refresh_ticket_sla(ticket, now=now)
    seconds = time.perf_counter() - started
    reporter.metric("due_recompute_single_per_s", len(sample) / seconds, "tickets/s", len(sample))


def _measure_sweeps(reporter: Reporter, *, now: datetime, progress: Callable[..., Any]) -> None:
    # Earlier sweeps handled everything due before ``now``; settle that without acting.
    settled = SlaTarget.objects.filter(alert_at__lt=now).update(
        alert_at=None, warned_percent=100, breach_handled_at=now
    )
    if connection.vendor == "postgresql":
        # What autovacuum does to a live table; the mass update above left dead rows.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE sla_slatarget")
    progress(f"{settled} alerts before the start count as handled by earlier sweeps")
    idle = _timed(lambda: services.sweep(now=now - timedelta(seconds=1)))
    reporter.metric("sweep_idle_ms", idle[0], "ms", idle[1].examined)
    minute = _timed(lambda: services.sweep(now=now + timedelta(minutes=1)))
    reporter.metric("sweep_ms", minute[0], "ms", minute[1].examined)
    progress(f"one minute's sweep: {minute[1].as_dict()}")
    later = _batch_moment(now + timedelta(minutes=1))
    if later is not None:
        batch = _timed(lambda: services.sweep(now=later))
        reporter.metric("sweep_batch_ms", batch[0], "ms", batch[1].examined)
        progress(f"a full batch: {batch[1].as_dict()}")


def _batch_moment(after: datetime) -> datetime | None:
    """The moment by which a full batch of alerts has come due."""
    moments = (
        SlaTarget.objects.filter(alert_at__gt=after)
        .order_by("alert_at")
        .values_list("alert_at", flat=True)[SWEEP_BATCH - 1 : SWEEP_BATCH]
    )
    found = list(moments)
    return found[0] if found else None


def _timed(action: Callable[[], services.SweepResult]) -> tuple[float, services.SweepResult]:
    started = time.perf_counter()
    result = action()
    return (time.perf_counter() - started) * 1000, result
