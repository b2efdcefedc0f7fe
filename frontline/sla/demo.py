"""The SLA app's part of the demo (called by ``frontline.demo`` after the tickets are
written): the shipped calendar and policies, then targets for the unsolved tickets, which
were written in bulk, so no event handler replayed their clocks."""

from datetime import datetime

from frontline.sla import services


def load_demo(*, now: datetime) -> None:
    services.ensure_defaults()
    services.replay_open_tickets(now=now)
