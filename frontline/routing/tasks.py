"""Background jobs of routing: thin wrappers over the engine and the presence service."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from frontline.routing import engine, presence


@db_task()  # type: ignore[untyped-decorator]
def route_ticket(ticket_id: int, trigger: str = "new") -> bool:
    return engine.route_ticket(ticket_id, trigger=trigger)


@db_task()  # type: ignore[untyped-decorator]
def offer_to_agent(user_id: int) -> int:
    return engine.offer_to_agent(user_id)


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def sweep_routing() -> None:
    """Relax what waited too long, drain what a missed trigger left, turn idle agents away."""
    presence.mark_idle_away()
    engine.sweep()
