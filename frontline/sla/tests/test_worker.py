"""The SLA jobs on a real worker: consumer threads reading a SQLite and a Redis queue
(``job_queue`` runs each test on both; CI fails rather than skips without Redis).

The database must be visible to the worker threads, so these tests commit
(``transaction=True``) and leave an empty database behind, as every such test does: no
test relies on the shipped calendar and policies being there.
"""

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from frontline.accounts.queries import notifications_for
from frontline.core import worker
from frontline.core.actors import Actor
from frontline.sla import services, tasks
from frontline.sla.models import ChangeKind, SlaChange, SlaTarget
from frontline.sla.tests.conftest import berlin
from frontline.testing import factories
from frontline.testing.worker import running_worker, sqlite_queue
from frontline.tickets import services as ticket_services
from frontline.tickets.models import Priority

pytestmark = pytest.mark.django_db(transaction=True)

WAIT = 30  # seconds a job may take before the test gives up


def friday_ticket(team, agent):
    """Opened Friday 16:45 under a 1-business-hour first-response goal, Mon-Fri 9-17."""
    calendar = factories.make_calendar(name="Office")
    factories.make_sla_policy(
        goals=(("first_response", "urgent", 60),),
        calendar=calendar,
        breach_actions=[
            {"type": "notify", "recipients": ["assignee"]},
            {"type": "add_tag", "tag": "sla-breached"},
            {"type": "internal_note", "body": "{target} breached, due {due}."},
        ],
    )
    with time_machine.travel(berlin(2025, 3, 7, 16, 45), tick=False):
        ticket = factories.make_ticket(team=team, priority=Priority.URGENT)
        ticket_services.assign_ticket(ticket, assignee=agent, actor=Actor.for_user(agent))
    return ticket


def breach_with_two_workers(storage, ticket):
    """Monday 09:46: four sweeps queued at once, run by two consumers of two threads each."""
    with (
        time_machine.travel(berlin(2025, 3, 10, 9, 46), tick=False),
        running_worker(storage, consumers=2, workers=2),
    ):
        queued = [tasks.sweep_sla_now() for _ in range(4)]
        return [result.get(blocking=True, timeout=WAIT) for result in queued]


def assert_breached_once(ticket, outcomes):
    target = SlaTarget.objects.get(ticket=ticket, target="first_response")
    assert target.due_at == berlin(2025, 3, 10, 9, 45)
    assert target.state == "breached"
    assert sum(outcome["breached"] for outcome in outcomes) == 1
    assert SlaChange.objects.filter(ticket=ticket, kind=ChangeKind.BREACHED).count() == 1
    assert ticket.messages.filter(kind="note").count() == 1
    assert list(ticket.tags.values_list("name", flat=True)) == ["sla-breached"]
    assert ticket.events.filter(type="tags_changed").count() == 1


def test_friday_ticket_is_due_monday_and_breached_once_with_two_workers(agent, team, job_queue):
    ticket = friday_ticket(team, agent)
    due = SlaTarget.objects.get(ticket=ticket, target="first_response").due_at

    outcomes = breach_with_two_workers(job_queue, ticket)

    assert due == berlin(2025, 3, 10, 9, 45)
    assert_breached_once(ticket, outcomes)


def test_nothing_is_breached_at_0945_the_due_minute_itself(agent, team, job_queue):
    ticket = friday_ticket(team, agent)

    with (
        time_machine.travel(berlin(2025, 3, 10, 9, 45), tick=False),
        running_worker(job_queue, consumers=2, workers=2),
    ):
        outcome = tasks.sweep_sla_now().get(blocking=True, timeout=WAIT)

    assert outcome["breached"] == 0
    assert SlaTarget.objects.get(ticket=ticket, target="first_response").state == "active"


def test_a_policy_change_replays_open_tickets_in_the_background(support_hours, team, job_queue):
    policy = factories.make_sla_policy(
        goals=(("first_response", "normal", 240),), calendar=support_hours
    )
    with time_machine.travel(berlin(2025, 3, 4, 10), tick=False):
        tickets = [factories.make_ticket(team=team) for _ in range(3)]
    changed = services.PolicyFields(goals=[services.GoalFields("normal", "first_response", 30)])

    with (
        time_machine.travel(berlin(2025, 3, 4, 10, 5), tick=False),
        running_worker(job_queue) as huey,
    ):
        services.update_policy(policy, fields=changed, actor=Actor.system())
        # The replay was queued when the change committed; wait for the queue to drain.
        _wait_until_idle(huey)

    due = SlaTarget.objects.filter(ticket__in=tickets, target="first_response")
    assert {row.due_at for row in due} == {berlin(2025, 3, 4, 10, 30)}


def test_notifications_go_out_from_the_worker_as_one_digest(support_hours, agent, team, job_queue):
    factories.make_sla_policy(goals=(("first_response", "normal", 60),), calendar=support_hours)
    with time_machine.travel(berlin(2025, 3, 4, 10), tick=False):
        for _ in range(3):
            ticket = factories.make_ticket(team=team)
            ticket_services.assign_ticket(ticket, assignee=agent, actor=Actor.for_user(agent))

    with (
        time_machine.travel(berlin(2025, 3, 4, 11, 1), tick=False),
        running_worker(job_queue) as huey,
    ):
        swept = tasks.sweep_sla_now().get(blocking=True, timeout=WAIT)
        # The sweep queued the delivery when it finished.
        _wait_until_idle(huey)

    assert swept["breached"] == 3
    assert [m.subject for m in mail.outbox] == ["3 SLA alerts on your tickets"]
    assert mail.outbox[0].to == [agent.email]
    assert [n.title for n in notifications_for(agent)] == ["3 SLA alerts on your tickets"]


def test_the_sweep_and_the_delivery_are_periodic_jobs_every_minute():
    periodic = {task.name for task in worker.queue()._registry.periodic_tasks}

    assert {"sweep_sla", "deliver_sla_notifications"} <= {name.split(".")[-1] for name in periodic}


def test_frontline_run_starts_the_worker_in_threads(tmp_path):
    huey = worker.queue()
    saved = huey.storage
    huey._immediate = False
    huey.storage = sqlite_queue(tmp_path)
    consumer = worker.start_embedded(workers=1, periodic=False)
    assert consumer is not None
    try:
        result = tasks.recompute_open_tickets(0).get(blocking=True, timeout=WAIT)
    finally:
        consumer.stop(graceful=True)
        huey.storage.flush_all()
        huey.storage = saved
        huey._immediate = True

    assert result == 0


def test_immediate_mode_needs_no_worker():
    assert worker.start_embedded() is None


def test_a_sweep_with_nothing_due_reads_one_indexed_query(policy, team):
    with time_machine.travel(berlin(2025, 3, 4, 10), tick=False):
        factories.make_ticket(team=team, priority=Priority.URGENT)

    with (
        time_machine.travel(berlin(2025, 3, 4, 10, 1), tick=False),
        CaptureQueriesContext(connection) as queries,
    ):
        result = services.sweep()

    assert result.examined == 0
    assert len(queries) == 1


def _wait_until_idle(huey, seconds=WAIT):
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if huey.pending_count() == 0 and huey.scheduled_count() == 0:
            time.sleep(0.3)  # a job may still be running; give it a moment to finish
            if huey.pending_count() == 0:
                return
        time.sleep(0.05)
    raise AssertionError("the queue did not drain")
