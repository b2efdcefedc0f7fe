"""``frontline bench core``: what agents and customers do all day, on a throw-away database
holding N tickets.

Reads first (on the loaded data as it is), then creation:

- ``inbox_first_page_p50_ms``/``_p95_ms``: an agent's inbox, the query the workspace runs
  (unsolved tickets of their teams, latest first, one page, serialised), rotating agents;
- ``api_first_page_p95_ms``: ``GET /api/v1/tickets`` with an associate's token;
- ``ticket_read_p95_ms``: ``GET /api/v1/tickets/{id}`` of tickets with 20 messages;
- ``customer_tickets_p95_ms``: ``GET /api/v1/tickets`` with customers' tokens;
- ``inbox_page_p95_ms`` and ``ticket_page_p95_ms``: the workspace's HTML inbox
  (``/inbox/teams/``) and ticket page (a 20-message thread, opened from that inbox so its
  previous and next tickets are worked out) for a signed-in agent;
- ``inbox_sorted_page_p95_ms``: the inbox's filter view of every ticket the agent may see,
  solved ones included, sorted by priority (``/inbox/filter/?sort=priority``);
- ``supervisor_page_p95_ms``: the supervisor's board (open work per team and agent, the
  50 longest-waiting unassigned tickets);
- ``create_service_per_s`` and ``create_api_per_s``: tickets opened one after another
  through ``open_ticket`` and through ``POST /api/v1/tickets``;
- ``load_tickets_per_s``: the bulk load itself, for information.

Requests run in process through Django's test client: the figures are the application's and
the database's, without a web server or network. The load ends with ANALYZE, as the demo's
does; ``--no-analyze`` measures a database whose planner statistics were never gathered.
"""

import json
import random
from dataclasses import dataclass
from typing import Any

from django.core.management.base import CommandParser
from django.test import Client, override_settings
from django.utils import timezone

from frontline.accounts.models import ApiToken, Role, User
from frontline.accounts.services import issue_token
from frontline.bench.common import (
    Output,
    Progress,
    Reporter,
    database_vendor,
    rate,
    throwaway_database,
    time_each,
)
from frontline.bench.load import Loaded, load_tickets
from frontline.core.actors import Actor
from frontline.core.heap import frozen_heap
from frontline.customers.models import Customer
from frontline.customers.services import create_portal_login
from frontline.tickets import services
from frontline.tickets.api import LIST_ORDER, with_list_relations
from frontline.tickets.models import Channel, Ticket
from frontline.tickets.queries import team_ticket_scope
from frontline.tickets.schemas import TicketOut

HELP = "Ticket creation (service and API), the agent inbox, API lists and ticket reads."
PAGE = 50
BODY = (
    "Hello, since this morning the receipt printer on our front counter terminal stops after "
    "every second order and shows error E-4012. We restarted it twice. Could you help? Thanks"
)


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--tickets", type=int, default=100_000, help="Tickets to load.")
    parser.add_argument("--messages-per-ticket", type=int, default=5)
    parser.add_argument("--requests", type=int, default=50, help="Samples per latency.")
    parser.add_argument(
        "--creates", type=int, default=None, help="Tickets per creation rate (10 x requests)."
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--no-analyze",
        action="store_true",
        help="Skip ANALYZE after the load: a database whose statistics were never gathered.",
    )
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")


def run(options: dict[str, Any], *, out: Output, err: Output) -> None:
    progress = Progress(err)
    requests = max(1, options["requests"])
    creates = options["creates"] or 10 * requests
    with throwaway_database(keep=options["keep"], progress=progress):
        reporter = Reporter(bench="core", tickets=options["tickets"], out=out, db=database_vendor())
        loaded = load_tickets(
            options["tickets"],
            messages_per_ticket=options["messages_per_ticket"],
            progress=progress,
            seed=options["seed"],
            analyze=not options["no_analyze"],
        )
        reporter.metric(
            "load_tickets_per_s", loaded.tickets / loaded.seconds, "tickets/s", loaded.tickets
        )
        people = _participants(loaded, requests, random.Random(options["seed"]))
        progress("measuring")
        # The server freezes its start-up objects (frontline/asgi.py); here the loader's
        # are frozen too, which a server process never holds.
        with override_settings(ALLOWED_HOSTS=["testserver"], DEBUG=False), frozen_heap():
            _measure_reads(reporter, people, requests)
            _measure_creation(reporter, people, creates)


@dataclass
class Participants:
    agents: list[Actor]
    agent_tokens: list[str]
    customers: list[Customer]
    customer_emails: list[str]
    customer_tokens: list[str]
    long_reads: list[tuple[int, str]]


def _participants(loaded: Loaded, requests: int, rng: random.Random) -> Participants:
    """Agents of the teams with tokens, customers with portal logins and tokens, and for
    each long thread a token of someone in its team."""
    world = loaded.world
    workers = [a.id for a in world.agents if a.teams and a.role in (Role.ASSOCIATE, Role.ENGINEER)]
    users = {u.pk: u for u in User.objects.filter(pk__in=workers)}
    tokens = {pk: issue_token(users[pk], name="bench").secret for pk in workers}
    chosen: dict[int, str] = {}
    while len(chosen) < min(requests, len(world.customers)):
        person = world.pick_customer(rng)
        chosen[person.id] = person.email
    customers = list(Customer.objects.filter(pk__in=chosen).order_by("pk"))
    customer_tokens = [issue_token(create_portal_login(c), name="bench").secret for c in customers]
    teams = dict(Ticket.objects.filter(pk__in=loaded.long_threads).values_list("pk", "team_id"))
    readers = {
        team: [a.id for a in world.agents if team in a.teams and a.id in tokens]
        for team in set(teams.values())
    }
    long_reads = [(pk, tokens[rng.choice(readers[team])]) for pk, team in teams.items()]
    # Tokens in daily use were used within the last minute; their first use here would write.
    ApiToken.objects.update(last_used_at=timezone.now())
    return Participants(
        agents=[Actor.for_user(users[pk]) for pk in workers],
        agent_tokens=[tokens[pk] for pk in workers],
        customers=customers,
        customer_emails=[chosen[c.pk] for c in customers],
        customer_tokens=customer_tokens,
        long_reads=long_reads,
    )


def inbox_first_page(actor: Actor) -> list[dict[str, Any]]:
    """The agent's inbox: unsolved tickets of their teams, latest activity first."""
    tickets = team_ticket_scope(actor).filter(unsolved=True).order_by(*LIST_ORDER)
    return [
        TicketOut.from_model(t).model_dump(mode="json") for t in with_list_relations(tickets)[:PAGE]
    ]


def _get(client: Client, path: str, token: str) -> None:
    response = client.get(path, headers={"Authorization": f"Bearer {token}"})
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}: {response.content!r}")


def _rotate(items: list[Any], count: int) -> list[Any]:
    return [items[i % len(items)] for i in range(count)]


def _measure_reads(reporter: Reporter, people: Participants, requests: int) -> None:
    client = Client()
    # A new actor per call, as each request has: an actor remembers its scope.
    inbox = time_each(
        lambda a: inbox_first_page(Actor.for_user(a.user)), _rotate(people.agents, requests)
    )
    reporter.latencies("inbox_first_page", inbox, p50=True)
    page = time_each(
        lambda t: _get(client, "/api/v1/tickets", t), _rotate(people.agent_tokens, requests)
    )
    reporter.latencies("api_first_page", page)
    reads = _rotate(people.long_reads, requests)
    thread = time_each(lambda r: _get(client, f"/api/v1/tickets/{r[0]}", r[1]), reads)
    reporter.latencies("ticket_read", thread)
    mine = time_each(
        lambda t: _get(client, "/api/v1/tickets", t), _rotate(people.customer_tokens, requests)
    )
    reporter.latencies("customer_tickets", mine)
    _measure_pages(reporter, people, requests)


def _measure_pages(reporter: Reporter, people: Participants, requests: int) -> None:
    """The workspace as HTML, as a signed-in agent's browser asks for it: the inbox
    (``/inbox/teams/``) and the ticket page of the long threads as opened from it."""
    clients: dict[int, Client] = {}
    for agent in people.agents:
        assert agent.user is not None  # noqa: S101 - staff actors have users
        clients[agent.user.pk] = Client()
        clients[agent.user.pk].force_login(agent.user)
        _page(clients[agent.user.pk], "/inbox/teams/")  # first visit stores the last view
    agents = _rotate([a.user.pk for a in people.agents if a.user], requests)
    inbox = time_each(lambda pk: _page(clients[pk], "/inbox/teams/"), agents)
    reporter.latencies("inbox_page", inbox)
    teams = {
        a.user.pk: set(a.user.memberships.values_list("team_id", flat=True))
        for a in people.agents
        if a.user
    }
    threads = Ticket.objects.filter(pk__in=[pk for pk, _ in people.long_reads])
    pages = [
        (number, next(pk for pk, ids in teams.items() if team in ids))
        for number, team in threads.values_list("number", "team_id")
    ]
    ticket = time_each(
        lambda p: _page(clients[p[1]], f"/tickets/{p[0]}/?view=teams"), _rotate(pages, requests)
    )
    reporter.latencies("ticket_page", ticket)
    by_priority = time_each(lambda pk: _page(clients[pk], "/inbox/filter/?sort=priority"), agents)
    reporter.latencies("inbox_sorted_page", by_priority)
    _measure_board(reporter, requests)


def _measure_board(reporter: Reporter, requests: int) -> None:
    """The supervisor's board, over every open ticket."""
    supervisor = User.objects.filter(role=Role.SUPERVISOR, is_active=True).order_by("pk").first()
    if supervisor is None:
        raise RuntimeError("The loaded world has no supervisor.")
    client = Client()
    client.force_login(supervisor)
    _page(client, "/supervisor/")
    board = time_each(lambda _: _page(client, "/supervisor/"), range(requests))
    reporter.latencies("supervisor_page", board)


def _page(client: Client, path: str) -> None:
    response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}")


def _measure_creation(reporter: Reporter, people: Participants, creates: int) -> None:
    actor = people.agents[0]
    team = actor.user.teams.order_by("tier", "name").first() if actor.user else None

    def open_one(index: int) -> None:
        services.open_ticket(
            customer=people.customers[index % len(people.customers)],
            subject=f"Receipt printer stops after every second order ({index})",
            body=BODY,
            actor=actor,
            channel=Channel.EMAIL,
            team=team,
        )

    reporter.metric("create_service_per_s", rate(open_one, creates), "tickets/s", creates)
    client = Client()
    headers = {"Authorization": f"Bearer {people.agent_tokens[0]}"}
    bodies = [
        json.dumps(
            {"subject": f"Card reader offline ({i})", "body": BODY, "customer": {"email": email}}
        )
        for i, email in enumerate(_rotate(people.customer_emails, creates + 1))
    ]

    def post_one(index: int) -> None:
        response = client.post(
            "/api/v1/tickets", bodies[index], content_type="application/json", headers=headers
        )
        if response.status_code != 201:
            raise RuntimeError(f"POST answered {response.status_code}: {response.content!r}")

    reporter.metric("create_api_per_s", rate(post_one, creates), "tickets/s", creates)
