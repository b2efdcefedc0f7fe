"""``frontline bench search``: ticket and knowledge search on a throw-away database holding
N tickets (about five messages each) and 2,000 articles.

- ``index_docs_per_s``: documents per second written through the search module's
  ``index_documents`` during the bulk load, in batches of one load chunk, the way an
  import would (``index_build_docs_per_s`` is building those documents from the rows,
  ``load_tickets_per_s`` the whole load, both for information);
- ``ticket_search_p50_ms``/``_p95_ms``: 200 agent queries through ``search_tickets`` (single
  common and rare words, two or three words, a quoted phrase, ``status:open``,
  ``tag:…``, ``from:…``, ``#number``, an exclusion), run as an associate of one team and as
  a supervisor who sees every ticket; the figures are the worse of the two, and
  ``ticket_search_team_*`` and ``ticket_search_all_*`` are each;
- ``kb_search_p50_ms``/``_p95_ms``: 200 customers' questions through
  ``search_articles(None, text, natural=True)``.

Tickets are written straight into their tables (the demo's people, our own support text,
no events), then indexed with ``ticket_documents`` and ``index_documents`` chunk by chunk.
"""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.core.management.base import CommandParser
from django.db import transaction
from django.utils import timezone

from frontline.accounts.models import Role, User
from frontline.bench import search_text as text
from frontline.bench.common import (
    Output,
    Progress,
    Reporter,
    database_vendor,
    reused_database,
    throwaway_database,
    time_each,
)
from frontline.bench.load import DAYS, build_bench_world
from frontline.core.actors import Actor
from frontline.core.search import ARTICLES, TICKETS, index_documents
from frontline.customers.models import Identity, IdentityKind
from frontline.demo.world import World
from frontline.demo.writer import MESSAGE_FIELDS, TICKET_FIELDS, BulkWriter
from frontline.knowledge.indexing import ARTICLE_SOURCE
from frontline.knowledge.models import Article, ArticleStatus, ArticleTranslation, Category
from frontline.knowledge.queries import search_articles
from frontline.tickets.models import (
    AuthorType,
    Channel,
    Direction,
    Message,
    MessageKind,
    Priority,
    Status,
    Tag,
    Ticket,
)
from frontline.tickets.search import search_tickets
from frontline.tickets.search_index import ticket_documents

HELP = "Ticket and knowledge search latency, and indexing throughput, at N tickets."
CHUNK = 5000
UNSOLVED = (Status.NEW, Status.OPEN, Status.PENDING)


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--tickets", type=int, default=1_000_000, help="Tickets to load.")
    parser.add_argument("--messages-per-ticket", type=int, default=5)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--queries", type=int, default=200, help="Queries per latency.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    parser.add_argument(
        "--reuse",
        metavar="DATABASE",
        help="Measure again on a database kept by --keep (its SQLite file or PostgreSQL "
        "name), without loading: after a change to the search code.",
    )


@dataclass
class Timer:
    seconds: float = 0.0
    count: int = 0

    def run(self, action: Callable[[], Any], count: int) -> Any:
        started = time.perf_counter()
        result = action()
        self.seconds += time.perf_counter() - started
        self.count += count
        return result


@dataclass
class Load:
    world: World
    tag_ids: list[int]
    numbers: list[int] = field(default_factory=list)
    index: Timer = field(default_factory=Timer)
    build: Timer = field(default_factory=Timer)


def run(options: dict[str, Any], *, out: Output, err: Output) -> None:
    progress = Progress(err)
    if options["reuse"]:
        _measure_again(options, out=out, progress=progress)
        return
    count = options["tickets"]
    with throwaway_database(keep=options["keep"], progress=progress):
        reporter = Reporter(bench="search", tickets=count, out=out, db=database_vendor())
        rng = random.Random(options["seed"])
        started = time.perf_counter()
        load = _load(rng, count, options["messages_per_ticket"], progress)
        seconds = time.perf_counter() - started
        reporter.metric("load_tickets_per_s", count / seconds, "tickets/s", count)
        reporter.metric("index_docs_per_s", _per_s(load.index), "docs/s", load.index.count)
        reporter.metric("index_build_docs_per_s", _per_s(load.build), "docs/s", load.build.count)
        _articles(rng, options["articles"], load.world)
        progress(f"{options['articles']} articles indexed")
        BulkWriter().analyze()
        progress("planner statistics gathered (ANALYZE)")
        emails = [p.email for p in load.world.customers[:2000]]
        _measure(reporter, rng, emails, load.numbers, options["queries"], progress)


def _measure_again(options: dict[str, Any], *, out: Output, progress: Progress) -> None:
    with reused_database(options["reuse"]):
        reporter = Reporter(
            bench="search", tickets=Ticket.objects.count(), out=out, db=database_vendor()
        )
        emails = list(
            Identity.objects.filter(kind=IdentityKind.EMAIL)
            .order_by("customer_id")
            .values_list("value", flat=True)[:2000]
        )
        numbers = list(Ticket.objects.order_by("?").values_list("number", flat=True)[:2000])
        progress(f"measuring on {options['reuse']}: {reporter.tickets} tickets")
        rng = random.Random(options["seed"])
        _measure(reporter, rng, emails, numbers, options["queries"], progress)


def _per_s(timer: Timer) -> float:
    return timer.count / timer.seconds if timer.seconds else 0.0


def _load(rng: random.Random, count: int, messages: int, progress: Callable[[str], None]) -> Load:
    writer = BulkWriter()
    end = timezone.now()
    with transaction.atomic():
        world = build_bench_world(writer, rng, count=count, end=end)
        writer.finish([Tag])
        names = sorted({tag for topic in text.TOPICS for tag in topic.tags})
        tag_ids = [Tag.objects.get_or_create(name=name)[0].pk for name in names]
    progress(f"{len(world.customers)} customers, {len(world.agents)} staff")
    load = Load(world, tag_ids)
    start = end - timedelta(days=DAYS)
    for first in range(0, count, CHUNK):
        size = min(CHUNK, count - first)
        moments = sorted(
            start + timedelta(seconds=rng.random() * DAYS * 86400) for _ in range(size)
        )
        with transaction.atomic():
            ids = _write_chunk(writer, rng, load, moments, messages, names)
            documents = load.build.run(partial(ticket_documents, ids), len(ids))
            load.index.run(partial(index_documents, TICKETS, documents), len(documents))
        progress(f"{first + size}/{count} tickets indexed")
    writer.finish([Ticket, Message])
    return load


def _write_chunk(
    writer: BulkWriter,
    rng: random.Random,
    load: Load,
    moments: list[datetime],
    messages: int,
    tag_names: list[str],
) -> list[int]:
    world = load.world
    first_id = writer.allocate_ids(Ticket, len(moments))
    first_message = writer.allocate_ids(Message, len(moments) * messages)
    tickets: list[tuple[Any, ...]] = []
    rows: list[tuple[Any, ...]] = []
    tags: list[tuple[int, int]] = []
    topics = {name: index for index, name in enumerate(tag_names)}
    for offset, at in enumerate(moments):
        ticket_id = first_id + offset
        person = world.pick_customer(rng)
        category = world.pick_category(rng)
        team = category.team
        agent = rng.choice(team.members) if team.members else rng.choice(world.agents)
        topic = rng.choice(text.TOPICS)
        unsolved = rng.random() < 0.15
        status = rng.choice(UNSOLVED) if unsolved else Status.SOLVED
        updated = at + timedelta(hours=rng.random() * 48)
        tickets.append(
            (
                ticket_id, ticket_id, text.subject(rng, topic), person.id,
                person.organisation_id, Channel.EMAIL, status, Priority.NORMAL, category.id, {},
                team.id, None if status == Status.NEW else agent.id, None, None, None,
                messages, updated, None if unsolved else updated, at, updated,
            )
        )  # fmt: skip
        for n in range(messages):
            from_customer = n % 2 == 0
            body = (
                text.customer_message(rng, topic, person.name)
                if from_customer
                else text.agent_message(rng, topic, person.name, agent.name)
            )
            rows.append(
                (
                    first_message + offset * messages + n, ticket_id,
                    MessageKind.NOTE if n == 3 else MessageKind.REPLY,
                    Direction.INBOUND if from_customer else Direction.OUTBOUND,
                    AuthorType.CUSTOMER if from_customer else AuthorType.AGENT,
                    None if from_customer else agent.id, person.id if from_customer else None,
                    Channel.EMAIL, body, "", False, "", at + timedelta(minutes=30 * n),
                )
            )  # fmt: skip
        if rng.random() < 0.5:
            tags.append((ticket_id, load.tag_ids[topics[topic.tags[0]]]))
        if offset % 500 == 0:
            load.numbers.append(ticket_id)
    writer.insert(Ticket, TICKET_FIELDS, tickets)
    writer.insert(Ticket.tags.through, ("ticket", "tag"), tags)
    writer.insert(Message, MESSAGE_FIELDS, rows)
    return list(range(first_id, first_id + len(moments)))


def _articles(rng: random.Random, count: int, world: World) -> None:
    author = User.objects.filter(is_active=True).order_by("pk").first()
    if author is None:
        raise RuntimeError("The bench world has no staff.")
    with transaction.atomic():
        category = Category.objects.create(name="Help", slug="help")
        articles = Article.objects.bulk_create(
            Article(category=category, slug=f"article-{n}", author=author) for n in range(count)
        )
        now = timezone.now()
        translations = []
        for n, article in enumerate(articles):
            title, body = text.article(rng, text.TOPICS[n % len(text.TOPICS)], n)
            translations.append(
                ArticleTranslation(
                    article=article,
                    language="en",
                    title=title,
                    body_markdown=body,
                    status=ArticleStatus.PUBLISHED,
                    published_at=now,
                )
            )
        created = ArticleTranslation.objects.bulk_create(translations)
        index_documents(ARTICLES, ARTICLE_SOURCE.documents([t.pk for t in created]))


def _searchers() -> tuple[Actor, Actor]:
    associate = User.objects.filter(role=Role.ASSOCIATE, is_active=True).order_by("pk").first()
    supervisor = User.objects.filter(role=Role.SUPERVISOR, is_active=True).order_by("pk").first()
    if associate is None or supervisor is None:
        raise RuntimeError("The bench world needs an associate and a supervisor.")
    return Actor.for_user(associate), Actor.for_user(supervisor)


def _measure(
    reporter: Reporter,
    rng: random.Random,
    emails: list[str],
    numbers: list[int],
    queries: int,
    progress: Callable[[str], None],
) -> None:
    agent_queries = text.agent_queries(rng, queries, emails=emails, numbers=numbers)
    team, everyone = _searchers()
    samples: dict[str, list[float]] = {}
    for name, actor in (("team", team), ("all", everyone)):
        samples[name] = time_each(partial(search_tickets, actor), agent_queries)
        reporter.latencies(f"ticket_search_{name}", samples[name], p50=True)
        progress(f"ticket search as {name}: {len(agent_queries)} queries")
    worse = max(samples.values(), key=lambda s: sorted(s)[int(len(s) * 0.95) - 1])
    reporter.latencies("ticket_search", worse, p50=True)
    questions = text.customer_queries(rng, queries)
    kb = time_each(lambda q: search_articles(None, q, natural=True), questions)
    reporter.latencies("kb_search", kb, p50=True)
