"""``frontline bench routing``: the routing engine on a throw-away database.

20 teams of 10 agents (200), every agent online with skills at proficiency 1-5, channel
capacities (email and portal 60, chat 3 weighing 3), skill requirements per category,
and the teams' strategies in turn skills-based, least-loaded and round-robin. Then:

- ``decisions_per_s``: N new tickets (``--tickets``, default 10,000) spread over the
  teams, routed by one pass per team and batch (``engine.route_team``): presence rows
  locked, load read once, claims by conditional update, events and decisions in bulk;
- ``decision_p95_ms`` (and p50): one ticket at a time through ``engine.route_ticket``,
  the path the ``route_ticket`` job takes for a ticket opened alone.
"""

import random
import time
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import CommandParser
from django.utils import timezone

from frontline.accounts.models import AgentSkill, Role, Skill, Team, TeamMembership, User
from frontline.bench.common import (
    Output,
    Progress,
    Reporter,
    database_vendor,
    percentile,
    throwaway_database,
)
from frontline.customers.models import Customer
from frontline.routing import engine
from frontline.routing.models import (
    AgentPresence,
    ChannelCapacity,
    PresenceStatus,
    RequirementKind,
    RoutingDecision,
    SkillRequirement,
    Strategy,
    TeamRouting,
)
from frontline.tickets.models import Category, Channel, Status, Ticket

HELP = "Routing engine: N new tickets routed across 200 agents in 20 teams."
TEAMS, PER_TEAM, SKILLS = 20, 10, 8
STRATEGIES = (Strategy.SKILLS, Strategy.LEAST_LOADED, Strategy.ROUND_ROBIN)
CHANNELS = (Channel.EMAIL,) * 6 + (Channel.PORTAL,) * 3 + (Channel.CHAT,)


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--tickets", type=int, default=10_000, help="New tickets to route.")
    parser.add_argument("--single", type=int, default=300, help="Tickets routed one by one.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")


def run(options: dict[str, Any], *, out: Output, err: Output) -> None:
    progress = Progress(err)
    total = options["tickets"]
    rng = random.Random(options["seed"])
    with throwaway_database(keep=options["keep"], progress=progress):
        reporter = Reporter(bench="routing", tickets=total, out=out, db=database_vendor())
        teams, categories = _world(rng)
        progress(f"{len(teams)} teams, {TEAMS * PER_TEAM} agents online")
        customer = Customer.objects.create(name="Bench customer")
        _tickets(rng, teams, categories, customer, count=total, first=1)
        progress(f"{total} tickets waiting")
        started = time.perf_counter()
        for team in teams:
            while engine.route_team(team).assigned:
                pass
        elapsed = time.perf_counter() - started
        decisions = RoutingDecision.objects.count()
        assigned = Ticket.objects.filter(assignee__isnull=False).count()
        progress(f"{decisions} decisions, {assigned} assigned, in {elapsed:.2f} s")
        reporter.metric("decisions_per_s", decisions / elapsed, "decisions/s", decisions)
        reporter.metric("assigned", assigned, "tickets", total)
        _single(reporter, rng, teams, categories, customer, count=options["single"], total=total)


def _single(
    reporter: Reporter,
    rng: random.Random,
    teams: list[Team],
    categories: list[Category],
    customer: Customer,
    *,
    count: int,
    total: int,
) -> None:
    # Free the agents again so single tickets find room, as in a working day.
    Ticket.objects.filter(assignee__isnull=False).update(status=Status.SOLVED)
    ids = _tickets(rng, teams, categories, customer, count=count, first=total + 1)
    samples = []
    for ticket_id in ids:
        started = time.perf_counter()
        engine.route_ticket(ticket_id)
        samples.append((time.perf_counter() - started) * 1000)
    reporter.metric("decision_p95_ms", percentile(samples, 95), "ms", count)
    reporter.metric("decision_p50_ms", percentile(samples, 50), "ms", count)


def _world(rng: random.Random) -> tuple[list[Team], list[Category]]:
    teams = Team.objects.bulk_create(
        [Team(name=f"Team {n}", slug=f"team-{n}") for n in range(TEAMS)]
    )
    TeamRouting.objects.bulk_create(
        [
            TeamRouting(team=t, strategy=STRATEGIES[i % len(STRATEGIES)], relax_after_seconds=600)
            for i, t in enumerate(teams)
        ]
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
            for n in range(TEAMS * PER_TEAM)
        ]
    )
    TeamMembership.objects.bulk_create(
        [TeamMembership(user=a, team=teams[i % TEAMS]) for i, a in enumerate(agents)]
    )
    now = timezone.now()
    AgentPresence.objects.bulk_create(
        [AgentPresence(user=a, status=PresenceStatus.ONLINE, since=now) for a in agents]
    )
    skills = Skill.objects.bulk_create(
        [Skill(name=f"Skill {n}", slug=f"skill-{n}") for n in range(SKILLS)]
    )
    AgentSkill.objects.bulk_create(
        [
            AgentSkill(user=a, skill=s, proficiency=rng.randint(1, 5))
            for a in agents
            for s in rng.sample(skills, 3)
        ]
    )
    ChannelCapacity.objects.bulk_create(
        [
            ChannelCapacity(channel=Channel.EMAIL, max_concurrent=60, weight=1),
            ChannelCapacity(channel=Channel.PORTAL, max_concurrent=60, weight=1),
            ChannelCapacity(channel=Channel.CHAT, max_concurrent=3, weight=3),
        ]
    )
    categories = Category.objects.bulk_create(
        [Category(name=f"Category {n}", slug=f"category-{n}") for n in range(SKILLS)]
    )
    SkillRequirement.objects.bulk_create(
        [
            SkillRequirement(kind=RequirementKind.CATEGORY, category=c, skill=s, min_proficiency=2)
            for c, s in zip(categories, skills, strict=True)
        ]
    )
    return teams, categories


def _tickets(
    rng: random.Random,
    teams: list[Team],
    categories: list[Category],
    customer: Customer,
    *,
    count: int,
    first: int,
) -> list[int]:
    rows = [
        Ticket(
            number=first + n,
            subject=f"Bench ticket {first + n}",
            customer=customer,
            team=teams[n % len(teams)],
            channel=rng.choice(CHANNELS),
            category=rng.choice(categories),
            status=Status.NEW,
        )
        for n in range(count)
    ]
    return [t.pk for t in Ticket.objects.bulk_create(rows, batch_size=2000)]
