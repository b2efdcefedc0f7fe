"""Large ticket loads for the benchmarks: the demo's people and rows with a faster profile.

Tickets arrive over a year in time order and are written in chunks, each in its own
transaction, so a million tickets need neither much memory nor one enormous transaction.
About 15% of the tickets are unsolved, most of them recent, as in a working helpdesk.
"""

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from frontline.demo.generator import (
    CHANNEL_WEIGHTS,
    CHANNELS,
    HOUR_WEIGHTS,
    WEEKDAY_WEIGHTS,
    load_plans,
)
from frontline.demo.plans import Plan, Profile
from frontline.demo.prose import PooledProse
from frontline.demo.rows import History
from frontline.demo.world import World, build_world
from frontline.demo.writer import BulkWriter, chunked
from frontline.tickets.models import Status

DAYS = 365
CHUNK = 5000
LONG_THREAD = 20


@dataclass(frozen=True)
class Loaded:
    world: World
    tickets: int
    seconds: float
    long_threads: list[int]


def bench_profile(rng: random.Random, *, messages_per_ticket: int, days: int) -> Profile:
    """15% unsolved: 70% of the last twentieth of the period, 12% of the rest."""
    recent = days * 24 * 0.05
    outcomes = (
        (recent, (14.0, 24.0, 21.0, 11.0, 30.0)),
        (float("inf"), (2.4, 4.2, 3.6, 1.8, 88.0)),
    )
    m = max(2, messages_per_ticket)
    budgets = tuple(
        (max(2, m + d), w) for d, w in ((-2, 1.0), (-1, 2.0), (0, 3.0), (1, 2.0), (2, 1.0))
    )
    return Profile(
        outcomes=outcomes,
        budgets=budgets,
        prose=PooledProse(rng),
        shift_aware=False,
        chat_speedup=1.0,
        note_chance=0.1,
        escalation_scale=0.5,
        tag_chance=0.5,
    )


def arrivals(rng: random.Random, end: datetime, days: int, count: int) -> Iterator[datetime]:
    """``count`` moments over ``days`` before ``end``, in order, busier on weekdays and
    working hours (UTC) and growing a little over the period."""
    start = end - timedelta(days=days)
    weights = [
        WEEKDAY_WEIGHTS[(start + timedelta(days=d)).weekday()] * (1 + 0.3 * d / days)
        for d in range(days)
    ]
    total = sum(weights)
    shares = [int(count * w / total) for w in weights]
    for d in range(count - sum(shares)):
        shares[-1 - d % days] += 1
    top = max(HOUR_WEIGHTS)
    for day, share in enumerate(shares):
        day_start = start + timedelta(days=day)
        moments: list[datetime] = []
        while len(moments) < share:
            at = day_start + timedelta(seconds=rng.random() * 86400)
            if rng.random() * top < HOUR_WEIGHTS[at.hour]:
                moments.append(at)
        yield from sorted(moments)


def build_bench_world(
    writer: BulkWriter, rng: random.Random, *, count: int, end: datetime
) -> World:
    """The people and teams of a bench of ``count`` tickets: a customer for every eight
    tickets (600 at least), an organisation for every fifteen customers (40 at least)."""
    customers = max(600, count // 8)
    return build_world(
        writer,
        rng,
        end=end,
        days=DAYS,
        customers=customers,
        organisations=max(40, customers // 15),
        password_hash=make_password(None),
    )


def load_tickets(
    count: int,
    *,
    messages_per_ticket: int,
    progress: Callable[[str], None],
    seed: int = 1,
    long_threads: int = LONG_THREAD,
    analyze: bool = True,
) -> Loaded:
    started = time.perf_counter()
    rng = random.Random(seed)
    writer = BulkWriter()
    end = timezone.now()
    with transaction.atomic():
        world = build_bench_world(writer, rng, count=count, end=end)
    progress(f"{len(world.customers)} customers, {len(world.agents)} staff")
    profile = bench_profile(rng, messages_per_ticket=messages_per_ticket, days=DAYS)
    every = max(1, count // max(1, long_threads))
    long_ids: list[int] = []
    done = 0
    for chunk in chunked(arrivals(rng, end, DAYS, count), CHUNK):
        plans = [_plan(rng, world, at) for at in chunk]
        for index, plan in enumerate(plans):
            if (done + index) % every == every - 1:
                plan.budget = LONG_THREAD
                plan.outcome = rng.choice((Status.OPEN, Status.SOLVED))
        with transaction.atomic():
            load_plans(writer, world, History(world.access), profile, plans, tag_ids=world.tag_ids)
        long_ids += [p.row.id for p in plans if p.budget == LONG_THREAD]
        done += len(plans)
        progress(f"{done}/{count} tickets, {writer.counts['tickets.Message']} messages")
    if analyze:
        writer.analyze()
        progress("planner statistics gathered (ANALYZE)")
    return Loaded(world, done, time.perf_counter() - started, long_ids)


def _plan(rng: random.Random, world: World, at: datetime) -> Plan:
    customer = world.pick_customer(rng)
    category = world.pick_category(rng)
    channel = rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0]
    return Plan(at, customer, category, channel, rng)
