"""Demo data: a support organisation with three months of realistic tickets behind it."""

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import import_module
from time import perf_counter
from typing import Protocol
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Max, Model, Q
from django.utils import timezone

from frontline.accounts.models import (
    AgentSkill,
    ApiToken,
    Role,
    Site,
    Skill,
    Team,
    TeamMembership,
    User,
)
from frontline.automation.models import Trigger
from frontline.channels.webhooks import models as messaging
from frontline.core import sequences
from frontline.core.models import Sequence as Counter
from frontline.core.search import sync as search_sync
from frontline.customers.models import Customer, Identity, Organisation, OrganisationDomain
from frontline.demo import cast, texts
from frontline.demo.lifecycle import Lifecycle
from frontline.demo.plans import Incident, Plan, Profile
from frontline.demo.prose import Prose
from frontline.demo.rows import History
from frontline.demo.world import Person, World, build_world
from frontline.demo.writer import BulkWriter, write_tickets
from frontline.integrations import models as integrations
from frontline.knowledge import models as knowledge
from frontline.knowledge.indexing import ARTICLE_SOURCE
from frontline.macros import models as macros
from frontline.tickets.models import (
    Attachment,
    Category,
    Channel,
    CustomField,
    Message,
    Priority,
    Tag,
    Ticket,
    TicketEvent,
)
from frontline.tickets.search_index import TICKET_SOURCE
from frontline.tickets.services.messages import FIRST_TICKET_NUMBER, TICKET_NUMBER_SEQUENCE
from frontline.workflows import models as workflows

DEMO_LOGINS: list[tuple[str, str, str]] = [
    ("admin@frontline.test", cast.DEMO_PASSWORD, "Administrator"),
    ("head@frontline.test", cast.DEMO_PASSWORD, "Head of support"),
    ("supervisor@frontline.test", cast.DEMO_PASSWORD, "Supervisor"),
    ("agent@frontline.test", cast.DEMO_PASSWORD, "Associate, Tier 1"),
    ("analyst@frontline.test", cast.DEMO_PASSWORD, "Analyst (read-only)"),
    (cast.PORTAL_CUSTOMER_EMAIL, cast.DEMO_PASSWORD, "Customer (portal)"),
]

# Each app's own demo data, loaded in this order after the people and tickets: a module
# with ``load_demo(*, now)`` that writes through that app's services.
APP_DEMOS: tuple[str, ...] = (
    "frontline.sla.demo",
    "frontline.triage.demo",
    "frontline.triage.classifier_demo",
    "frontline.knowledge.demo",
    # The tier path and its stories first: routing then routes the newest open tickets.
    "frontline.routing.tiers_demo",
    "frontline.routing.demo",
    # After knowledge.demo wrote the articles: what readers searched, voted and read.
    "frontline.knowledge.gaps_demo",
    "frontline.macros.demo",
    # After the articles (linked from steps) and the macros (run by end actions) exist.
    "frontline.workflows.demo",
    # SMS and social conversations posted as signed payloads, replies, calls on tickets.
    "frontline.channels.webhooks.demo",
    # Event triggers over the demo's teams, calendar and macros (fire on what happens next).
    "frontline.automation.demo",
    # Last, so the demo's own writes send nothing: a receiver served by `make run` itself.
    "frontline.integrations.demo",
)

DEMO_CUSTOMERS = 600
DEMO_ORGANISATIONS = 40

# End states by age in hours: new, open, pending, on hold, solved (solved ones close later).
# A team that keeps its SLAs: the open work is recent. Nothing waits unanswered past a day;
# only tickets waiting on the customer or on hold (their clocks paused) are older than
# three days, and nothing older than a week is unsolved.
DEMO_OUTCOMES = (
    (2.0, (55.0, 20.0, 15.0, 2.0, 8.0)),
    (24.0, (3.0, 25.0, 27.0, 5.0, 40.0)),
    (72.0, (0.0, 8.0, 22.0, 6.0, 64.0)),
    (168.0, (0.0, 0.0, 7.0, 4.0, 89.0)),
    (float("inf"), (0.0, 0.0, 0.0, 0.0, 100.0)),
)
DEMO_BUDGETS = (
    (2, 10),
    (3, 22),
    (4, 18),
    (5, 15),
    (6, 10),
    (7, 8),
    (8, 6),
    (9, 4),
    (10, 3),
    (11, 2),
    (12, 2),
)
DEMO_PROFILE = Profile(
    outcomes=DEMO_OUTCOMES,
    budgets=DEMO_BUDGETS,
    prose=Prose(),
    priority_pace=((Priority.URGENT.value, 6.0), (Priority.HIGH.value, 2.0)),
    open_within_hours=12.0,
)

CHANNELS = (Channel.EMAIL, Channel.PORTAL, Channel.CHAT, Channel.PHONE, Channel.API)
CHANNEL_WEIGHTS = (52, 18, 15, 9, 6)
# Local hour of day and weekday (Monday first) weights of customers writing in.
HOUR_WEIGHTS = (
    0.15,
    0.1,
    0.08,
    0.08,
    0.1,
    0.2,
    0.45,
    0.9,
    1.6,
    2.2,
    2.4,
    2.3,
    2.0,
    2.1,
    2.2,
    2.1,
    1.9,
    1.6,
    1.2,
    0.9,
    0.7,
    0.5,
    0.35,
    0.25,
)
WEEKDAY_WEIGHTS = (1.3, 1.15, 1.1, 1.05, 0.95, 0.45, 0.35)
_TOP_WEIGHT = max(HOUR_WEIGHTS) * max(WEEKDAY_WEIGHTS)


# In the order they can be deleted.
_DOMAIN_MODELS: tuple[type[Model], ...] = (
    knowledge.Article, knowledge.Section, knowledge.Category, knowledge.SearchRecord,
    Attachment, TicketEvent, Message, Ticket, Tag, Category, CustomField,
    Identity, Customer, OrganisationDomain, Organisation,
    AgentSkill, Skill, TeamMembership, ApiToken, Team, Site,
)  # fmt: skip
# Guided workflows (their runs go with them) and the integrations their lookups call.
_DOMAIN_MODELS = (workflows.Workflow, workflows.Integration, *_DOMAIN_MODELS)
# The toolkit's configuration (their logs, payloads and uses go with them).
_DOMAIN_MODELS = (
    Trigger,
    messaging.MessagingChannel,
    integrations.WebhookSubscription,
    macros.Macro,
    *_DOMAIN_MODELS,
)


class Output(Protocol):
    def write(self, text: str, /) -> object: ...


@dataclass(frozen=True)
class DemoSummary:
    teams: int
    staff: int
    organisations: int
    customers: int
    tickets: int
    messages: int
    events: int
    incidents: int
    merged: int
    seconds: float

    def __str__(self) -> str:
        return (
            f"{self.tickets} tickets ({self.messages} messages, {self.events} events) from "
            f"{self.customers} customers in {self.organisations} organisations; "
            f"{self.staff} staff in {self.teams} teams; {self.seconds:.1f} s"
        )


def has_data() -> bool:
    """Whether the database holds tickets or staff already (the demo then stays out)."""
    return Ticket.objects.exists() or User.objects.exclude(role=Role.CUSTOMER).exists()


@transaction.atomic
def reset_demo_data() -> None:
    """Delete tickets, customers, organisations, teams and every user except superusers the
    demo did not create."""
    Ticket.objects.update(parent=None, merged_into=None, follow_up_of=None)
    for model in _DOMAIN_MODELS:
        model._default_manager.all().delete()
    demo_staff = [spec.email for spec in cast.STAFF]
    User.objects.filter(Q(is_superuser=False) | Q(email__in=demo_staff)).delete()
    Counter.objects.filter(name=TICKET_NUMBER_SEQUENCE).delete()
    # No tickets or articles left: their documents go.
    search_sync.reindex(TICKET_SOURCE)
    search_sync.reindex(ARTICLE_SOURCE)


def create_demo_data(
    *,
    seed: int = 7,
    tickets: int = 5000,
    days: int = 90,
    stdout: Output | None = None,
    now: datetime | None = None,
) -> DemoSummary:
    """Write the demo. The same ``seed`` gives the same people, subjects and counts; with
    the same ``now`` as well, the same database."""
    started = perf_counter()
    end = now or timezone.now()
    rng = random.Random(seed)
    writer = BulkWriter()
    with transaction.atomic():
        world = build_world(
            writer,
            rng,
            end=end,
            days=days,
            customers=DEMO_CUSTOMERS,
            organisations=DEMO_ORGANISATIONS,
            password_hash=make_password(cast.DEMO_PASSWORD),
        )
        _say(stdout, f"Demo: {len(world.agents)} staff, {len(world.customers)} customers")
        plans = plan_tickets(rng, world, tickets=tickets, days=days)
        history = History(world.access)
        load_plans(writer, world, history, DEMO_PROFILE, plans, tag_ids=world.tag_ids)
        for module in APP_DEMOS:
            import_module(module).load_demo(now=end)
        # The writer bypasses the services, so their indexing too: the tickets' documents
        # are built once here, from what the demo and the apps' demos wrote.
        search_sync.reindex(TICKET_SOURCE)
    writer.analyze()
    _say(stdout, f"Demo: {tickets} tickets written")
    counts = writer.counts
    return DemoSummary(
        teams=len(world.teams),
        staff=len(world.agents),
        organisations=counts["customers.Organisation"],
        customers=counts["customers.Customer"],
        tickets=counts["tickets.Ticket"],
        messages=counts["tickets.Message"],
        events=counts["tickets.TicketEvent"],
        incidents=sum(1 for p in plans if p.kind == "incident"),
        merged=sum(1 for p in plans if p.kind == "duplicate"),
        seconds=perf_counter() - started,
    )


def load_plans(
    writer: BulkWriter,
    world: World,
    history: History,
    profile: Profile,
    plans: Sequence[Plan],
    *,
    tag_ids: dict[str, int],
) -> None:
    """Number the planned tickets in creation order, play them and write them; continue
    the ticket number sequence after them."""
    life = Lifecycle(world, history, profile)
    first_id = writer.allocate_ids(Ticket, len(plans))
    first_number = next_ticket_number()
    rows = [life.create(p, pk=first_id + i, number=first_number + i) for i, p in enumerate(plans)]
    for plan in plans:
        life.play(plan)
    write_tickets(writer, rows, history, tag_ids)
    writer.finish(
        [
            Site,
            Team,
            User,
            Skill,
            Organisation,
            Customer,
            Category,
            Tag,
            CustomField,
            Ticket,
            Message,
            TicketEvent,
        ]
    )
    if rows:
        sequences.set_at_least(TICKET_NUMBER_SEQUENCE, rows[-1].number)


def next_ticket_number() -> int:
    counter = Counter.objects.filter(name=TICKET_NUMBER_SEQUENCE).values_list("value", flat=True)
    highest = Ticket.objects.aggregate(m=Max("number"))["m"] or 0
    return max(FIRST_TICKET_NUMBER, int(highest) + 1, *(int(v) + 1 for v in counter))


def _say(stdout: Output | None, message: str) -> None:
    if stdout is not None:
        stdout.write(message + "\n")


# -- planning ---------------------------------------------------------------------------------


def plan_tickets(rng: random.Random, world: World, *, tickets: int, days: int) -> list[Plan]:
    """Who writes about what, when: regular requests, a few incidents with many reports,
    and customers who write twice about the same thing. Sorted by creation time."""
    incidents = max(1, tickets // 1500)
    reports = max(2, min(16, tickets // 150))
    duplicates = max(1, tickets // 250)
    regular = max(0, tickets - incidents * (reports + 1) - duplicates)
    plans = [_regular(rng, world) for _ in range(regular)]
    _give_portal_customer_tickets(plans, world)
    targets = _duplicate_targets(rng, plans, duplicates)
    target_ids = {id(t) for t in targets}
    for plan in plans:
        minimum_age = 2.0 if id(plan) in target_ids else 0.0
        stream = plan.arrival or plan.rng
        plan.created_at = _arrival(stream, world.end, days, plan.customer.zone, minimum_age)
    copies = [_duplicate(rng, target) for target in targets]
    incident_plans = [p for k in range(incidents) for p in _incident(rng, world, k, reports, days)]
    everything = plans + copies + incident_plans
    everything.sort(key=lambda p: p.created_at)
    return everything[:tickets]


def _regular(rng: random.Random, world: World) -> Plan:
    plan_rng = random.Random(rng.getrandbits(64))
    customer = world.pick_customer(plan_rng)
    category = world.pick_category(plan_rng)
    channel = plan_rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0]
    # Arrival times come from their own stream, so the content does not depend on the clock.
    arrival = random.Random(rng.getrandbits(64))
    return Plan(world.end, customer, category, channel, plan_rng, arrival=arrival)


def _give_portal_customer_tickets(plans: list[Plan], world: World) -> None:
    """The portal login should find several tickets of its own."""
    portal = world.portal_customer
    if portal is None or not plans:
        return
    count = max(6, len(plans) // 600)
    step = max(1, len(plans) // count)
    for index in range(0, min(len(plans), step * count), step):
        plan = plans[index]
        plan.customer = portal
        plan.channel = Channel.PORTAL if plan.rng.random() < 0.7 else Channel.EMAIL


def _duplicate_targets(rng: random.Random, plans: list[Plan], count: int) -> list[Plan]:
    candidates = [p for p in plans if p.channel == Channel.EMAIL]
    return rng.sample(candidates, min(count, len(candidates)))


def _arrival(
    rng: random.Random, end: datetime, days: int, zone: ZoneInfo, minimum_age: float
) -> datetime:
    """A moment in the last ``days`` following weekday and hour-of-day seasonality in the
    customer's time zone, a little denser towards the present (the business grows)."""
    span = days - minimum_age
    while True:
        ago = minimum_age + span * rng.random() ** 1.15
        at = end - timedelta(days=ago)
        local = at.astimezone(zone)
        weight = HOUR_WEIGHTS[local.hour] * WEEKDAY_WEIGHTS[local.weekday()]
        if rng.random() * _TOP_WEIGHT < weight and ago > 0:
            return at


def _duplicate(rng: random.Random, target: Plan) -> Plan:
    plan_rng = random.Random(rng.getrandbits(64))
    created = target.created_at + timedelta(minutes=plan_rng.uniform(20, 360))
    plan = Plan(created, target.customer, target.category, target.channel, plan_rng)
    plan.kind, plan.original, target.duplicate = "duplicate", target, plan
    return plan


def _incident(rng: random.Random, world: World, k: int, reports: int, days: int) -> list[Plan]:
    """An outage: a first report that becomes the parent, then many more reports. The first
    incident is still going on."""
    entry = texts.INCIDENTS[k % len(texts.INCIDENTS)]
    if k == 0:
        start = world.end - timedelta(hours=rng.uniform(2, 5))
        resolved = start + timedelta(hours=rng.uniform(6, 10))
    else:
        start = world.end - timedelta(days=rng.uniform(5, max(6, days - 2)))
        resolved = start + timedelta(hours=rng.uniform(1.5, 6))
    incident = Incident(entry.title, entry.body, start, resolved)
    outage = world.category("outage")
    channels = (Channel.EMAIL, Channel.PHONE, Channel.PORTAL, Channel.API)
    plans = []
    for index in range(reports + 1):
        plan_rng = random.Random(rng.getrandbits(64))
        latest = min(resolved, world.end) - start
        created = start if index == 0 else start + latest * plan_rng.uniform(0.05, 0.85)
        customer = _business_customer(plan_rng, world)
        channel = plan_rng.choices(channels, (50, 25, 20, 5))[0]
        plan = Plan(created, customer, outage, channel, plan_rng)
        plan.kind, plan.incident = ("incident" if index == 0 else "child"), incident
        plans.append(plan)
    incident.parent = plans[0]
    return plans


def _business_customer(rng: random.Random, world: World) -> Person:
    while True:
        person = world.pick_customer(rng)
        if person.organisation_id is not None:
            return person
