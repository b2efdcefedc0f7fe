"""Agents' routing presence: set by the agent or a supervisor, idle agents turn away.

Going online offers the agent the waiting tickets first in line; going offline hands
their chats back to routing (emails stay with them).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from frontline.accounts.models import User
from frontline.accounts.permissions import can_manage_routing, is_staff_member
from frontline.core import presence as heartbeat
from frontline.core.actors import Actor
from frontline.core.errors import PermissionDenied, ValidationFailed
from frontline.routing.models import AgentPresence, PresenceStatus
from frontline.tickets.models import Channel, Ticket


def idle_away_seconds() -> int:
    return int(settings.ROUTING_IDLE_AWAY_SECONDS)


CACHE_SECONDS = 600


def _cache_key(user_id: int) -> str:
    return f"routing:presence:{user_id}"


def presence_of(user: User) -> AgentPresence:
    """The agent's presence; an agent never seen is offline since they joined."""
    found = AgentPresence.objects.filter(user=user).first()
    return found or AgentPresence(user=user, status=PresenceStatus.OFFLINE, since=user.date_joined)


def cached_presence(user: User) -> tuple[str, datetime]:
    """Status and since for the header switch on every page, from the cache when it can
    (no query per page); every status change through this module refreshes it."""
    key = _cache_key(user.pk)
    found = cache.get(key)
    if found is None:
        row = presence_of(user)
        found = (row.status, row.since)
        cache.set(key, found, timeout=CACHE_SECONDS)
    return found[0], found[1]


def _forget(user_ids: list[int]) -> None:
    cache.delete_many([_cache_key(i) for i in user_ids])


def ensure_may_set(actor: Actor, user: User) -> None:
    if actor.user is None or not is_staff_member(actor.user):
        raise PermissionDenied("This is for staff only.")
    if actor.user.pk != user.pk and not can_manage_routing(actor.user):
        raise PermissionDenied("Only supervisors set another agent's presence.")
    if not is_staff_member(user):
        raise ValidationFailed("Only staff members have a presence.", field="user_id")


def set_presence(
    user: User, *, status: str, actor: Actor, now: datetime | None = None
) -> AgentPresence:
    """Change the agent's status; online offers waiting work, offline re-routes chats."""
    if actor.kind.value != "system":
        ensure_may_set(actor, user)
    if status not in PresenceStatus.values:
        raise ValidationFailed("Presence is one of online, away or offline.", field="status")
    now = now or timezone.now()
    with transaction.atomic():
        row, _ = AgentPresence.objects.select_for_update().get_or_create(
            user=user, defaults={"status": PresenceStatus.OFFLINE, "since": now}
        )
        if row.status == status:
            return row
        row.status, row.since, row.last_seen_at = status, now, now
        row.save(update_fields=["status", "since", "last_seen_at"])
        transaction.on_commit(lambda: _forget([user.pk]))
        _forget([user.pk])
        if status == PresenceStatus.ONLINE:
            transaction.on_commit(lambda: _offer(user.pk))
        elif status == PresenceStatus.OFFLINE:
            _release_chats(user)
    return row


def _offer(user_id: int) -> None:
    from frontline.routing import tasks

    tasks.offer_to_agent(user_id)


def _release_chats(user: User) -> None:
    """An agent going offline keeps their emails; their live chats go back to routing."""
    from frontline.tickets.services import assign_ticket

    chats = Ticket.objects.filter(
        assignee=user, channel=Channel.CHAT, status__in=("new", "open")
    ).select_related("team")
    for ticket in chats:
        assign_ticket(ticket, assignee=None, actor=Actor.system())


def mark_idle_away(*, now: datetime | None = None) -> int:
    """Online agents whose workspace sent no heartbeat for the idle time turn away."""
    now = now or timezone.now()
    online = list(
        AgentPresence.objects.filter(status=PresenceStatus.ONLINE).values_list("user_id", flat=True)
    )
    live = heartbeat.online_user_ids(online)
    if live:
        AgentPresence.objects.filter(user_id__in=live).update(last_seen_at=now)
    cutoff = now - timedelta(seconds=idle_away_seconds())
    idle = AgentPresence.objects.filter(status=PresenceStatus.ONLINE, last_seen_at__lt=cutoff)
    ids = list(idle.exclude(user_id__in=live).values_list("user_id", flat=True))
    changed = AgentPresence.objects.filter(user_id__in=ids, status=PresenceStatus.ONLINE).update(
        status=PresenceStatus.AWAY, since=now
    )
    _forget(ids)
    return changed


def warm_presence(sender: object, *, user: User, **_: object) -> None:
    """On sign-in: the staff member's presence, read once into the cache."""
    if is_staff_member(user):
        cache.delete(_cache_key(user.pk))
        cached_presence(user)
