"""``frontline bench automation``: event triggers on a throw-away database.

B tickets bulk-loaded first (``--background``, default 100,000, 3 messages each) so the
tables have a real instance's size; N tickets (``--tickets``, default 1,000) opened
through the services beside them, then U updates
(``--updates``, default 2,000: priority, tags, status and team changes, as the system)
through ``tickets.services.update_ticket``, twice: with no trigger, then with 200 active
triggers. The triggers are varied as a real instance's: spread over the trigger events,
conditions on the subject, priority, tags, organisation tier, VIP flag, previous status,
channel, custom attributes and business hours; nearly all do not match a given update, a
few match often and add a tag or post a note.

Each update's trigger job is run synchronously right after its commit (the collector hands
over the change instead of queueing it), chained jobs included, and timed on its own:

- ``updates_per_s_no_rules``: updates per second, the job included, with no trigger;
- ``updates_per_s_200_rules``: the same with 200 active triggers;
- ``rule_cost_p95_ms`` (and p50): the trigger job of one update with 200 triggers;
- ``inbound_msgs_per_s`` (and p50/p95 ms): M signed SMS posts (``--messages``, default
  2,000) to ``POST /api/v1/channels/{id}/inbound``, each verified and stored raw in the
  request; then the worker's part (``inbound_processed_per_s``: customer, conversation,
  ticket) drained in this process (frontline/bench/inbound.py).
"""

import random
import time
from collections.abc import Callable
from typing import Any

from django.core.management.base import CommandParser

from frontline.accounts.models import Team
from frontline.automation import engine
from frontline.automation.facts import Change
from frontline.automation.handlers import collecting
from frontline.automation.models import Trigger, TriggerEvent
from frontline.bench.common import (
    Output,
    Progress,
    Reporter,
    database_vendor,
    percentile,
    throwaway_database,
)
from frontline.bench.inbound import measure_inbound
from frontline.bench.load import load_tickets
from frontline.core.actors import Actor
from frontline.customers.models import Customer, Organisation, Tier
from frontline.sla.models import Calendar, office_hours
from frontline.tickets import services as ticket_services
from frontline.tickets.models import Channel, Priority, Status, Ticket

HELP = "Event triggers: ticket updates per second with and without 200 active triggers."
TRIGGERS = 200
WORDS = ("refund", "invoice", "login", "crash", "shipping", "password", "export", "billing")
# How the 200 triggers spread over the events: most react to any update.
EVENT_MIX = (
    (TriggerEvent.UPDATED,) * 8
    + (TriggerEvent.STATUS_CHANGED,) * 3
    + (TriggerEvent.CREATED,) * 3
    + (TriggerEvent.CUSTOMER_REPLIED,) * 2
    + (TriggerEvent.AGENT_REPLIED,) * 2
    + (TriggerEvent.SLA_BREACH, TriggerEvent.SLA_WARNING)
)


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--tickets", type=int, default=1_000, help="Tickets to update.")
    parser.add_argument(
        "--background",
        type=int,
        default=100_000,
        help="Tickets bulk-loaded first, so tables and indexes have a real instance's size.",
    )
    parser.add_argument("--updates", type=int, default=2_000, help="Updates per phase.")
    parser.add_argument(
        "--messages", type=int, default=2_000, help="Signed posts to the inbound endpoint."
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")


def run(options: dict[str, Any], *, out: Output, err: Output) -> None:
    progress = Progress(err)
    rng = random.Random(options["seed"])
    total, updates = options["tickets"], options["updates"]
    with throwaway_database(keep=options["keep"], progress=progress):
        background = options["background"]
        reporter = Reporter(
            bench="automation", tickets=total + background, out=out, db=database_vendor()
        )
        if background:
            load_tickets(background, messages_per_ticket=3, progress=progress)
        first = Ticket.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        teams = _world(rng, total)
        progress(f"{total} tickets opened beside {background} loaded")
        plan = [_update(rng, teams) for _ in range(updates)]
        ids = list(Ticket.objects.filter(pk__gt=first).values_list("pk", flat=True))
        targets = [rng.choice(ids) for _ in range(updates)]
        plain, _ = _phase(plan, targets)
        progress(f"{updates} updates without triggers in {sum(plain) / 1000:.2f} s")
        _triggers(rng, teams)
        engine.clear_cache()
        with_rules, costs = _phase(plan, targets)
        fired = sum(Trigger.objects.values_list("fire_count", flat=True))
        progress(f"{updates} updates with {TRIGGERS} triggers, {fired} firings")
        reporter.metric(
            "updates_per_s_no_rules", updates / (sum(plain) / 1000), "updates/s", updates
        )
        reporter.metric(
            "updates_per_s_200_rules", updates / (sum(with_rules) / 1000), "updates/s", updates
        )
        reporter.metric("rule_cost_p95_ms", percentile(costs, 95), "ms", updates)
        reporter.metric("rule_cost_p50_ms", percentile(costs, 50), "ms", updates)
        reporter.metric("rule_cost_p99_ms", percentile(costs, 99), "ms", updates)
        reporter.metric("trigger_firings", fired, "firings", updates)
        if options["messages"]:
            measure_inbound(reporter, messages=options["messages"], progress=progress)


Update = Callable[[Ticket], ticket_services.TicketChanges]


def _phase(plan: list[Update], targets: list[int]) -> tuple[list[float], list[float]]:
    """Milliseconds per update (its trigger jobs included), and of the jobs alone."""
    totals, costs = [], []
    system = Actor.system()
    with collecting() as changes:
        for make, ticket_id in zip(plan, targets, strict=True):
            ticket = Ticket.objects.select_related("team", "assignee").get(pk=ticket_id)
            started = time.perf_counter()
            ticket_services.update_ticket(ticket, changes=make(ticket), actor=system)
            updated = time.perf_counter()
            _drain(changes)
            done = time.perf_counter()
            totals.append((done - started) * 1000)
            costs.append((done - updated) * 1000)
    return totals, costs


def _drain(changes: list[Change]) -> None:
    while changes:
        engine.run_triggers(changes.pop(0))


def _update(rng: random.Random, teams: list[Team]) -> Update:
    """A real change of one field (never a no-op: every update records an event)."""
    choice, pick = rng.random(), rng.random()

    def priority(ticket: Ticket) -> ticket_services.TicketChanges:
        others = [p for p in Priority.values if p != ticket.priority]
        return ticket_services.TicketChanges(priority=Priority(others[int(pick * len(others))]))

    def tags(ticket: Ticket) -> ticket_services.TicketChanges:
        current = list(ticket.tags.values_list("name", flat=True))
        missing = [w for w in WORDS if w not in current]
        if missing:
            return ticket_services.TicketChanges(tags=[*current, missing[int(pick * len(missing))]])
        return ticket_services.TicketChanges(tags=current[1:])

    def status(ticket: Ticket) -> ticket_services.TicketChanges:
        pending = ticket.status == Status.PENDING
        return ticket_services.TicketChanges(status=Status.OPEN if pending else Status.PENDING)

    def team(ticket: Ticket) -> ticket_services.TicketChanges:
        others = [t for t in teams if t.pk != ticket.team_id]
        return ticket_services.TicketChanges(team=others[int(pick * len(others))])

    if choice < 0.4:
        return priority
    if choice < 0.65:
        return tags
    return status if choice < 0.9 else team


def _world(rng: random.Random, count: int) -> list[Team]:
    teams = Team.objects.bulk_create(
        [Team(name=f"Team {n}", slug=f"team-{n}", tier=1 + n % 3) for n in range(6)]
    )
    if not Calendar.objects.filter(is_default=True).exists():
        Calendar.objects.create(name="Office", weekly_hours=office_hours(), is_default=True)
    organisations = Organisation.objects.bulk_create(
        [Organisation(name=f"Org {n}", tier=rng.choice(Tier.values)) for n in range(50)]
    )
    customers = Customer.objects.bulk_create(
        [
            Customer(
                name=f"Customer {n}",
                organisation=rng.choice(organisations),
                is_vip=n % 25 == 0,
                custom_attributes={"plan": rng.choice(["free", "pro"])},
            )
            for n in range(200)
        ]
    )
    system = Actor.system()
    with collecting():
        for n in range(count):
            ticket_services.open_ticket(
                customer=rng.choice(customers),
                subject=f"{rng.choice(WORDS)} question {n}",
                body="Hello, I need help with my account.",
                actor=system,
                channel=rng.choice([Channel.EMAIL, Channel.PORTAL, Channel.CHAT]),
                team=rng.choice(teams),
            )
    return teams


def _triggers(rng: random.Random, teams: list[Team]) -> None:
    calendar = Calendar.objects.get(is_default=True)
    rows = [
        Trigger(
            name=f"Bench trigger {n}",
            position=n,
            events=[rng.choice(EVENT_MIX).value],
            conditions=_condition(rng, n, calendar.pk),
            actions=[{"type": "add_tags", "tags": [f"seen-{n % 4}"]}],
        )
        for n in range(TRIGGERS)
    ]
    # A few that match often, with cheap actions, as real instances have.
    often = (
        {"all": [{"field": "changes", "op": "contains", "value": "priority"},
                 {"field": "priority", "op": "eq", "value": "urgent"},
                 {"field": "organisation.tier", "op": "eq", "value": "enterprise"}]},
        {"all": [{"field": "changes", "op": "contains", "value": "status"},
                 {"field": "status", "op": "eq", "value": "pending"},
                 {"field": "customer.is_vip", "op": "eq", "value": True}]},
    )  # fmt: skip
    for index, condition in enumerate(often):
        rows[index * 7].conditions = condition
        rows[index * 7].events = [TriggerEvent.UPDATED.value]
    rows[7].actions = [{"type": "internal_note", "body": "Waiting on {{ customer.first_name }}"}]
    Trigger.objects.bulk_create(rows)


def _condition(rng: random.Random, n: int, calendar_id: int) -> dict[str, Any]:
    """A condition a given update rarely meets."""
    word = f"{rng.choice(WORDS)}-{n}"
    shapes: list[dict[str, Any]] = [
        {"field": "subject", "op": "contains", "value": word},
        {
            "all": [
                {"field": "priority", "op": "eq", "value": "urgent"},
                {"field": "organisation.tier", "op": "eq", "value": "enterprise"},
                {"field": "tags", "op": "contains", "value": word},
            ]
        },
        {
            "all": [
                {"field": "customer.is_vip", "op": "eq", "value": True},
                {"field": "channel", "op": "in", "value": ["chat", "phone"]},
                {"field": "subject", "op": "matches", "value": rf"\b{word}\b"},
            ]
        },
        {
            "all": [
                {"field": "previous.status", "op": "eq", "value": "solved"},
                {"field": "status", "op": "eq", "value": "open"},
            ]
        },
        {
            "any": [
                {"field": "customer.attributes.plan", "op": "eq", "value": word},
                {"field": "tags", "op": "contains", "value": word},
            ]
        },
        {
            "all": [
                {"field": "tags", "op": "contains", "value": word},
                {"field": "now", "op": "outside_calendar", "value": calendar_id},
            ]
        },
    ]
    return shapes[n % len(shapes)]
