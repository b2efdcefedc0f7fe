"""Several workers routing at once never exceed an agent's capacity and never assign a
ticket twice: processes on PostgreSQL (row locks, skip-locked queue), threads on SQLite
(one writer at a time, waiting on the busy timeout). The database is committed to, so
the test runs with ``transaction=True``."""

import os
import subprocess
import sys
import threading
from collections import Counter

import pytest
from django.db import connection, connections

from frontline.routing import engine
from frontline.routing.models import AgentCapacity, Strategy
from frontline.routing.tests.helpers import online_agent, routed_team, waiting
from frontline.tickets.models import Channel, Ticket, TicketEvent

pytestmark = pytest.mark.django_db(transaction=True)

WORKERS = 4
SCRIPT = """
import sys, django
django.setup()
from frontline.routing import engine
from frontline.accounts.models import Team
team = Team.objects.get(pk=int(sys.argv[1]))
for ticket_id in sys.argv[2:]:
    engine.route_ticket(int(ticket_id))
    engine.route_team(team)
"""


def _world():
    team = routed_team(Strategy.LEAST_LOADED)
    agents = [online_agent(team, name=f"Agent {n}") for n in range(3)]
    for agent in agents:
        AgentCapacity.objects.create(user=agent, channel=Channel.EMAIL, max_concurrent=4)
    tickets = [waiting(team) for _ in range(24)]
    return team, agents, tickets


def _in_processes(team, tickets):
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "frontline.settings"}
    ids = [str(t.pk) for t in tickets]
    workers = [
        subprocess.Popen(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", SCRIPT, str(team.pk), *ids[n::WORKERS]],
            env=env,
        )
        for n in range(WORKERS)
    ]
    assert [w.wait(timeout=120) for w in workers] == [0] * WORKERS


def _in_threads(team, tickets):
    errors: list[BaseException] = []

    def work(share):
        try:
            for ticket in share:
                engine.route_ticket(ticket.pk)
                engine.route_team(team)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(tickets[n::WORKERS],)) for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []


def test_concurrent_workers_respect_capacity_and_assign_each_ticket_once():
    team, agents, tickets = _world()
    if connection.vendor == "postgresql":
        _in_processes(team, tickets)
    else:
        _in_threads(team, tickets)

    loads = Counter(
        Ticket.objects.filter(assignee__isnull=False).values_list("assignee_id", flat=True)
    )
    assert loads == {agent.pk: 4 for agent in agents}
    assignments = Counter(
        TicketEvent.objects.filter(type="assigned").values_list("ticket_id", flat=True)
    )
    assert sum(assignments.values()) == 12
    assert set(assignments.values()) == {1}
