"""Who is online: an open workspace page sends a heartbeat, kept in the cache for a while.

The cache is per process by default (one process serves everything) and Redis when
``REDIS_URL`` is set, so every web process sees the same answer. Presence here means "has
the workspace open"; routing's own availability (online, away, capacity) builds on it.
"""

from collections.abc import Iterable

from django.core.cache import cache

HEARTBEAT_SECONDS = 20
# A closed tab drops off after this long; a live one refreshes well before it.
TIMEOUT_SECONDS = 50


def _key(user_id: int) -> str:
    return f"presence:user:{user_id}"


def mark_online(user_id: int) -> None:
    cache.set(_key(user_id), 1, timeout=TIMEOUT_SECONDS)


def mark_offline(user_id: int) -> None:
    cache.delete(_key(user_id))


def online_user_ids(user_ids: Iterable[int]) -> set[int]:
    ids = list(user_ids)
    found = cache.get_many([_key(i) for i in ids])
    return {i for i in ids if _key(i) in found}
