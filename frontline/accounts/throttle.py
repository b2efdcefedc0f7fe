"""Counters that stop guessing: failed sign-ins, and mails with sign-in or reset links, per
account (or address) and per client address, in a fixed window.

They live in Django's cache, so every web process behind a load balancer shares them once
``REDIS_URL`` is set (the local-memory cache of one process works the same way for
``frontline run``). A counter starts at the first attempt and lasts one window; ``incr``
does not extend it, so a lockout ends at most one window after it began.
"""

import hashlib
import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class Limit:
    """At most ``attempts`` per ``window`` seconds for one ``scope`` key."""

    scope: str
    attempts: int
    window: int

    @property
    def minutes(self) -> int:
        return max(1, -(-self.window // 60))


def sign_in_limits() -> tuple[Limit, Limit]:
    """Failed sign-ins: (per account, per client address)."""
    window = settings.FRONTLINE_SIGN_IN_WINDOW_SECONDS
    return (
        Limit("sign_in.account", settings.FRONTLINE_SIGN_IN_FAILURES_PER_ACCOUNT, window),
        Limit("sign_in.ip", settings.FRONTLINE_SIGN_IN_FAILURES_PER_IP, window),
    )


def mail_link_limits(kind: str) -> tuple[Limit, Limit]:
    """Mails of ``kind`` (password reset, portal sign-in link): (per address, per client)."""
    window = settings.FRONTLINE_MAIL_LINKS_WINDOW_SECONDS
    return (
        Limit(f"{kind}.address", settings.FRONTLINE_MAIL_LINKS_PER_ADDRESS, window),
        Limit(f"{kind}.ip", settings.FRONTLINE_MAIL_LINKS_PER_IP, window),
    )


def account_key(email: str) -> str:
    """One counter per address however it is typed (``Alice@`` and ``alice@`` share it)."""
    return email.strip().lower()


def ip_key(ip: str) -> str:
    """One counter per IPv4 address, and per /64 for IPv6: one machine holds a whole /64."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _cache_key(limit: Limit, key: str) -> str:
    # Hashed: addresses and emails are no part of the key a cache listing shows.
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    return f"frontline.throttle.{limit.scope}.{digest}"


def count(limit: Limit, key: str) -> int:
    return int(cache.get(_cache_key(limit, key), 0))


def is_exceeded(limit: Limit, key: str) -> bool:
    """Whether ``key`` has used up its attempts in the current window."""
    return count(limit, key) >= limit.attempts


def record(limit: Limit, key: str) -> int:
    """Count one attempt; returns the count in the window so far."""
    name = _cache_key(limit, key)
    if cache.add(name, 1, timeout=limit.window):
        return 1
    try:
        return int(cache.incr(name))
    except ValueError:
        # The window ended between add and incr: this attempt opens the next one.
        cache.add(name, 1, timeout=limit.window)
        return 1


def clear(limit: Limit, key: str) -> None:
    cache.delete(_cache_key(limit, key))


def first_exceeded(limits: tuple[Limit, Limit], keys: tuple[str, str]) -> Limit | None:
    """The first of ``limits`` whose key has no attempts left, if any."""
    for limit, key in zip(limits, keys, strict=True):
        if is_exceeded(limit, key):
            return limit
    return None
