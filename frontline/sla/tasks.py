"""Background jobs of the SLA engine: thin, idempotent wrappers over ``services``.

The sweep and the notification delivery run every minute on any number of consumers;
their claims make running twice harmless. Periodic jobs keep no result, so each has an
on-demand twin (``…_now``) that continuations and callers queue. Large work runs in
bounded batches that queue their own continuation.
"""

from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from frontline.sla import services
from frontline.tickets.models import UNSOLVED_STATUSES, Ticket

RECOMPUTE_BATCH = 500


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def sweep_sla() -> None:
    """Send due warnings and run due breach actions."""
    _sweep()


@db_task()  # type: ignore[untyped-decorator]
def sweep_sla_now() -> dict[str, Any]:
    return _sweep()


def _sweep() -> dict[str, Any]:
    result = services.sweep()
    if result.more:
        sweep_sla_now()
    elif result.warned or result.breached:
        deliver_sla_notifications_now()
    return result.as_dict()


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def deliver_sla_notifications() -> None:
    """Email the notifications whose recipients are now at work."""
    services.deliver_notifications()


@db_task()  # type: ignore[untyped-decorator]
def deliver_sla_notifications_now() -> int:
    return services.deliver_notifications()


@db_task()  # type: ignore[untyped-decorator]
def recompute_open_tickets(after_id: int = 0) -> int:
    """Re-match policies and replay the clocks of unsolved tickets, a batch at a time."""
    ids = list(
        Ticket.objects.filter(pk__gt=after_id, status__in=UNSOLVED_STATUSES)
        .order_by("pk")
        .values_list("pk", flat=True)[:RECOMPUTE_BATCH]
    )
    if not ids:
        return 0
    services.refresh_tickets(ids, why="calendars or policies changed")  # one transaction
    if len(ids) == RECOMPUTE_BATCH:
        recompute_open_tickets(ids[-1])
    return len(ids)
