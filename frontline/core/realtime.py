"""Live updates over Django Channels: group names and sending after the transaction commits.

Pages learn *that* something changed, never the data itself: a notice names the ticket and
the kind of change, and the page re-fetches its fragments through the ordinary views, which
check permissions. So a notice reaching a group member who lost access leaks nothing.
"""

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
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
    _send_all([(group, message) for group in dict.fromkeys(groups)])


def send_on_commit(groups: list[str], message: dict[str, Any]) -> None:
    """Send ``message`` to each group once the surrounding transaction commits.

    Everything a transaction sends goes out in one batch on commit: a bulk change of 500
    tickets costs one hop into the event loop, not 1,500."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        send_now(groups, message)
        return
    batch = _open_batch(connection)
    batch.extend((group, message) for group in groups)


class _Batch(list[tuple[str, dict[str, Any]]]):
    def __call__(self) -> None:
        _send_all(self)


def _open_batch(connection: Any) -> _Batch:
    """This transaction's batch: the one whose commit hook is still pending on it."""
    for _savepoints, hook, _robust in reversed(connection.run_on_commit):
        if isinstance(hook, _Batch):
            return hook
    batch = _Batch()
    transaction.on_commit(batch)
    return batch


def _send_all(sends: list[tuple[str, dict[str, Any]]]) -> None:
    layer = get_channel_layer()
    if layer is None or not sends:
        return
    unique = list({(group, id(message)): (group, message) for group, message in sends}.values())
    if isinstance(layer, InMemoryChannelLayer):
        # Only pages served by this process can listen: none in a CLI import or a worker
        # without a server, and then there is nothing to send (and no loop to start).
        unique = [(group, message) for group, message in unique if layer.groups.get(group)]
        if not unique:
            return

    async def send() -> None:
        for group, message in unique:
            try:
                await layer.group_send(group, message)
            except Exception:  # A live notice is best effort; the page still works on reload.
                logger.exception("realtime.send.failed", extra={"group": group})

    async_to_sync(send)()
