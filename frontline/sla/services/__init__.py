"""Every change to calendars, policies and tickets' SLA state. These are the only writers."""

from frontline.sla.services.actions import Alert, clean_actions, run_actions
from frontline.sla.services.clocks import (
    refresh_once,
    refresh_ticket_sla,
    refresh_tickets,
    replay_open_tickets,
)
from frontline.sla.services.config import (
    CalendarFields,
    GoalFields,
    PolicyFields,
    create_calendar,
    create_policy,
    delete_calendar,
    delete_policy,
    ensure_defaults,
    update_calendar,
    update_policy,
)
from frontline.sla.services.notifications import deliver_notifications, next_working_moment
from frontline.sla.services.sweep import SweepResult, handle_alert, sweep

__all__ = [
    "Alert",
    "CalendarFields",
    "GoalFields",
    "PolicyFields",
    "SweepResult",
    "clean_actions",
    "create_calendar",
    "create_policy",
    "delete_calendar",
    "delete_policy",
    "deliver_notifications",
    "ensure_defaults",
    "handle_alert",
    "next_working_moment",
    "refresh_once",
    "refresh_ticket_sla",
    "refresh_tickets",
    "replay_open_tickets",
    "run_actions",
    "sweep",
    "update_calendar",
    "update_policy",
]
