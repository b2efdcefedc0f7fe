"""Live updates over Django Channels: group names and sending after the transaction commits.

Pages learn *that* something changed, never the data itself: a notice names the ticket and
the kind of change, and the page re-fetches its fragments through the ordinary views, which
check permissions. So a notice reaching a group member who lost access leaks nothing.
"""

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

NO_TEAM = "none"


def ticket_group(ticket_id: int) -> str:
    return f"ticket.{ticket_id}"


def team_group(team_id: int | None) -> str:
    """Tickets without a team go to ``team.none``, which only staff who see everything join."""
    return f"team.{team_id if team_id is not None else NO_TEAM}"


def agent_group(user_id: int) -> str:
    return f"agent.{user_id}"


def send_now(groups: list[str], message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    send = async_to_sync(layer.group_send)
    for group in dict.fromkeys(groups):
        try:
            send(group, message)
        except Exception:  # A live notice is best effort; the page still works on reload.
            logger.exception("realtime.send.failed", extra={"group": group})


def send_on_commit(groups: list[str], message: dict[str, Any]) -> None:
    """Send ``message`` to each group once the surrounding transaction commits."""
    transaction.on_commit(lambda: send_now(groups, message))
