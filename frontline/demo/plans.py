"""What is planned for a ticket before it lives, and the profile of a whole load."""

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from frontline.demo.prose import Prose
from frontline.demo.rows import TicketRow
from frontline.demo.world import Agent, CategoryInfo, Person
from frontline.tickets.models import Channel, Priority, Status

OUTCOMES = (Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD, Status.SOLVED)

Step = tuple[datetime, Callable[[datetime], None]]


@dataclass(frozen=True)
class Profile:
    """The shape of a load: end states by age, thread lengths, and how much goes on."""

    outcomes: tuple[tuple[float, tuple[float, ...]], ...]
    budgets: tuple[tuple[int, float], ...]
    prose: Prose
    shift_aware: bool = True
    chat_speedup: float = 8.0
    note_chance: float = 0.25
    escalation_scale: float = 1.0
    tag_chance: float = 0.7
    # How much sooner than a normal ticket of its age one of this priority reaches its end.
    priority_pace: tuple[tuple[str, float], ...] = ()
    # An open ticket's customer wrote within this many hours (None: whenever it fell).
    open_within_hours: float | None = None

    def outcome(self, rng: random.Random, age_hours: float) -> Status:
        for limit, weights in self.outcomes:
            if age_hours < limit:
                return rng.choices(OUTCOMES, weights)[0]
        return Status.SOLVED

    def budget(self, rng: random.Random) -> int:
        sizes = [size for size, _ in self.budgets]
        return rng.choices(sizes, [weight for _, weight in self.budgets])[0]


@dataclass(slots=True, eq=False)
class Incident:
    title: str
    resolution: str
    start: datetime
    resolved_at: datetime
    engineer: Agent | None = None
    parent: "Plan | None" = None


@dataclass(slots=True, eq=False)
class Plan:
    created_at: datetime
    customer: Person
    category: CategoryInfo
    channel: Channel
    rng: random.Random
    arrival: random.Random | None = None
    kind: str = "regular"
    incident: Incident | None = None
    original: "Plan | None" = None
    duplicate: "Plan | None" = None
    budget: int | None = None
    outcome: Status | None = None
    ticket: TicketRow | None = None
    body: str = ""
    values: dict[str, str] = field(default_factory=dict)
    opener: Agent | None = None
    priority: str = Priority.NORMAL.value
    tags: list[str] = field(default_factory=list)
    custom_fields: dict[str, Any] = field(default_factory=dict)
    played: bool = False

    @property
    def row(self) -> TicketRow:
        if self.ticket is None:
            raise AssertionError("Lifecycle.create() makes the ticket before anything else.")
        return self.ticket

    @property
    def outage(self) -> Incident:
        if self.incident is None:
            raise AssertionError("Only incident reports have an incident.")
        return self.incident


def lognormal(rng: random.Random, median: float, sigma: float = 0.9) -> float:
    return rng.lognormvariate(math.log(median), sigma)
