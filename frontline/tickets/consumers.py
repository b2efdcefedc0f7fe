"""Live updates for open pages, over WebSocket.

- ``WorkspaceConsumer`` (``/ws/workspace/``): an agent's inbox and header. Joins
  ``team.<id>`` for the agent's teams (every team for staff who see all tickets) and
  ``agent.<id>``, forwards ticket-change and notification notices, keeps presence.
- ``TicketConsumer`` (``/ws/tickets/<id>/``): one open ticket, for agents and for the
  customer on the portal. Joins ``ticket.<id>`` after ``get_ticket_for`` allows it. Agents
  also tell each other who is viewing and who is typing; customers hear only public changes.

Notices name what changed, never its content: pages re-fetch through the ordinary views.
"""

from dataclasses import dataclass
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from frontline.accounts.models import Team, User
from frontline.accounts.permissions import is_staff_member, sees_all_tickets
from frontline.core import presence, realtime
from frontline.core.actors import Actor
from frontline.core.errors import NotFound
from frontline.tickets.queries import get_ticket_for

REFUSED = 4403
PRESENCE_STATES = frozenset({"viewing", "typing", "idle"})


def _signed_in_user(scope: dict[str, Any]) -> User | None:
    user = scope.get("user")
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return user if isinstance(user, User) else User.objects.filter(pk=user.pk).first()


def _workspace_groups(scope: dict[str, Any]) -> tuple[int, list[str]] | None:
    user = _signed_in_user(scope)
    if user is None or user.is_customer or not is_staff_member(user):
        return None
    if sees_all_tickets(user):
        team_ids: list[int | None] = [*Team.objects.values_list("pk", flat=True), None]
    else:
        team_ids = list(user.memberships.values_list("team_id", flat=True))
    groups = [realtime.team_group(t) for t in team_ids] + [realtime.agent_group(user.pk)]
    return user.pk, groups


class WorkspaceConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]
    async def connect(self) -> None:
        found = await database_sync_to_async(_workspace_groups)(self.scope)
        if found is None:
            await self.close(code=REFUSED)
            return
        self.user_id, self.joined = found
        for group in self.joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await database_sync_to_async(presence.mark_online)(self.user_id)

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "heartbeat":
            await database_sync_to_async(presence.mark_online)(self.user_id)

    async def ticket_changed(self, message: dict[str, Any]) -> None:
        await self.send_json(_notice(message))

    async def notification_created(self, message: dict[str, Any]) -> None:
        await self.send_json({"type": "notification"})


@dataclass(frozen=True)
class Viewer:
    user_id: int
    name: str
    is_agent: bool


def _ticket_viewer(scope: dict[str, Any], ticket_id: int) -> Viewer | None:
    user = _signed_in_user(scope)
    if user is None:
        return None
    actor = Actor.for_user(user)
    if not actor.is_agent and not actor.is_customer:
        return None
    try:
        get_ticket_for(actor, ticket_id)
    except NotFound:
        return None
    return Viewer(user_id=user.pk, name=str(user), is_agent=actor.is_agent)


class TicketConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]
    async def connect(self) -> None:
        ticket_id = int(self.scope["url_route"]["kwargs"]["ticket_id"])
        viewer = await database_sync_to_async(_ticket_viewer)(self.scope, ticket_id)
        if viewer is None:
            await self.close(code=REFUSED)
            return
        self.viewer = viewer
        self.group = realtime.ticket_group(ticket_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        if viewer.is_agent:
            await self._announce("joined")

    async def disconnect(self, code: int) -> None:
        viewer: Viewer | None = getattr(self, "viewer", None)
        if viewer is None:
            return
        if viewer.is_agent:
            await self._announce("left")
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        state = content.get("type") if isinstance(content, dict) else None
        if self.viewer.is_agent and state in PRESENCE_STATES:
            await self._announce(str(state))

    async def _announce(self, state: str) -> None:
        await self.channel_layer.group_send(self.group, self._presence(state))

    def _presence(self, state: str) -> dict[str, Any]:
        return {
            "type": "presence.update",
            "state": state,
            "user_id": self.viewer.user_id,
            "name": self.viewer.name,
            "reply_to": self.channel_name,
        }

    async def presence_update(self, message: dict[str, Any]) -> None:
        """Another agent's presence; a newcomer also learns that this one is here."""
        if not self.viewer.is_agent or message["reply_to"] == self.channel_name:
            return
        await self.send_json(
            {k: message[k] for k in ("state", "user_id", "name")} | {"type": "presence"}
        )
        if message["state"] == "joined":
            await self.channel_layer.send(message["reply_to"], self._presence("viewing"))

    async def ticket_changed(self, message: dict[str, Any]) -> None:
        if message.get("internal") and not self.viewer.is_agent:
            return
        await self.send_json(_notice(message))


def _notice(message: dict[str, Any]) -> dict[str, Any]:
    keys = ("ticket_id", "number", "event", "event_id", "actor_id", "internal")
    return {"type": "ticket.changed", **{k: message.get(k) for k in keys}}
