"""How well the demo team keeps its SLAs, replayed from the event log by the SLA engine.

Every ticket counts, the solved ones too (the demo writes SLA rows only for unsolved
tickets): the matching policy's goals are replayed over the ticket's events as of ``now``.
``frontline demo`` prints the figures; ``docs/demo.md`` states them for the shipped demo.
"""

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from frontline.sla.clock import Clock, run_clocks
from frontline.sla.models import SlaState, TargetKind
from frontline.sla.services.clocks import facts_for
from frontline.sla.services.lookups import Lookups, lookups
from frontline.sla.services.plans import (
    LoadedPlan,
    calendar_ids,
    first_match,
    load_plan,
    plan_data,
    traits_of,
)
from frontline.tickets.models import UNSOLVED_STATUSES, Ticket

MEASURED = (TargetKind.FIRST_RESPONSE, TargetKind.RESOLUTION)
BATCH = 500


@dataclass(frozen=True)
class SlaFigures:
    met: int  # first-response and resolution targets met
    missed: int  # ... and breached; targets still running are in neither
    open_tickets: int
    open_breached: int  # unsolved tickets with any target breached
    due_within_hour: int  # unsolved tickets with a running target due in the next hour
    worst_overdue: timedelta  # the furthest past due a running target of an open ticket is

    @property
    def met_share(self) -> float:
        decided = self.met + self.missed
        return self.met / decided if decided else 1.0

    def __str__(self) -> str:
        hours = self.worst_overdue.total_seconds() / 3600
        return (
            f"{self.met_share:.1%} of {self.met + self.missed} first-response and resolution "
            f"targets met; {self.open_tickets} open tickets, {self.open_breached} breached "
            f"(worst {hours:.1f} h overdue), {self.due_within_hour} due within the hour"
        )


@dataclass
class _Tally:
    met: int = 0
    missed: int = 0
    open_tickets: int = 0
    open_breached: int = 0
    due_within_hour: int = 0
    worst_overdue: timedelta = timedelta(0)

    def add(self, ticket: Ticket, clocks: list[Clock], now: datetime) -> None:
        for clock in clocks:
            if clock.target in MEASURED and clock.state == SlaState.MET:
                self.met += 1
            elif clock.target in MEASURED and clock.state == SlaState.BREACHED:
                self.missed += 1
        if ticket.status not in UNSOLVED_STATUSES:
            return
        self.open_tickets += 1
        self.open_breached += any(c.state == SlaState.BREACHED for c in clocks)
        running = [c.due_at for c in clocks if c.running and c.due_at is not None]
        self.due_within_hour += any(now <= due <= now + timedelta(hours=1) for due in running)
        for due in running:
            self.worst_overdue = max(self.worst_overdue, now - due)

    def figures(self) -> SlaFigures:
        return SlaFigures(
            self.met,
            self.missed,
            self.open_tickets,
            self.open_breached,
            self.due_within_hour,
            self.worst_overdue,
        )


def sla_figures(*, now: datetime | None = None) -> SlaFigures:
    """The SLA record of every ticket not merged into another, as of ``now``."""
    now = now or timezone.now()
    context, plans, tally = lookups(), _Plans(), _Tally()
    tickets = Ticket.objects.filter(merged_into__isnull=True).select_related(
        "customer", "organisation"
    )
    if any(policy.tags for policy in context.policies()):
        tickets = tickets.prefetch_related("tags")
    after = 0
    while True:
        batch = list(tickets.filter(pk__gt=after).order_by("pk")[:BATCH])
        if not batch:
            return tally.figures()
        facts = facts_for([t.pk for t in batch])
        for ticket in batch:
            loaded = plans.for_ticket(ticket, context)
            clocks = run_clocks(facts.get(ticket.pk, []), loaded.plan, now=now) if loaded else []
            tally.add(ticket, clocks, now)
        after = batch[-1].pk


class _Plans:
    """Plans compiled once per policy and priority: compiling a calendar is the slow part."""

    def __init__(self) -> None:
        self._loaded: dict[str, LoadedPlan | None] = {}

    def for_ticket(self, ticket: Ticket, context: Lookups) -> LoadedPlan | None:
        policies = context.policies()
        policy = first_match(policies, traits_of(ticket, policies))
        data: dict[str, Any] = plan_data(policy, ticket.priority, context.default_calendar())
        key = json.dumps(data, sort_keys=True)
        if key not in self._loaded:
            self._loaded[key] = load_plan(data, context.calendars(calendar_ids(data)))
        return self._loaded[key]
