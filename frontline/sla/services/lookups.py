"""Calendars and policies, read once and shared.

Every ticket change replays the ticket's clocks, and most need the active policies and
the calendars. Each process keeps them in memory, keyed by the token of ``ConfigVersion``,
which every change to a calendar or a policy replaces in the same transaction: one indexed
read of the token tells whether the copy in memory is current. ``shared_lookups()`` lets a
unit of work (a sweep, a batch replay) skip even that read after the first ticket.
"""

import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.utils import timezone

from frontline.sla.models import Calendar, ConfigVersion, SlaPolicy
from frontline.sla.services.plans import active_policies

_KEEP = 8


@dataclass(frozen=True)
class _Snapshot:
    policies: list[SlaPolicy]
    default: Calendar | None
    calendars: dict[int, Calendar]


_snapshots: dict[uuid.UUID, _Snapshot] = {}


def config_changed() -> None:
    """Call in the transaction of every change to calendars or policies."""
    ConfigVersion.objects.update_or_create(
        pk=1, defaults={"token": uuid.uuid4(), "changed_at": timezone.now()}
    )


def _read() -> _Snapshot:
    calendars = Calendar.objects.in_bulk()
    default = next((c for c in calendars.values() if c.is_default), None)
    return _Snapshot(policies=list(active_policies()), default=default, calendars=calendars)


def _current() -> _Snapshot:
    token = ConfigVersion.objects.filter(pk=1).values_list("token", flat=True).first()
    if token is None:
        # No token (a database emptied by hand): never trust a copy in memory.
        return _read()
    found = _snapshots.get(token)
    if found is None:
        if len(_snapshots) >= _KEEP:
            _snapshots.clear()
        found = _snapshots[token] = _read()
    return found


@dataclass
class Lookups:
    _snapshot: _Snapshot | None = None
    _extra: dict[int, Calendar] = field(default_factory=dict)
    _sites: dict[int, Calendar | None] = field(default_factory=dict)

    def _now(self) -> _Snapshot:
        if self._snapshot is None:
            self._snapshot = _current()
        return self._snapshot

    def policies(self) -> list[SlaPolicy]:
        """Active policies in the order they are tried, with their goals."""
        return self._now().policies

    def default_calendar(self) -> Calendar | None:
        return self._now().default

    def calendars(self, ids: Iterable[int]) -> dict[int, Calendar]:
        known = self._now().calendars
        missing = set(ids) - set(known) - set(self._extra)
        if missing:
            self._extra.update(Calendar.objects.in_bulk(missing))
        return {**known, **self._extra}

    def site_calendar(self, site_id: int) -> Calendar | None:
        if site_id not in self._sites:
            found = [c for c in self._now().calendars.values() if c.site_id == site_id]
            self._sites[site_id] = found[0] if found else None
        return self._sites[site_id]


_shared: ContextVar[Lookups | None] = ContextVar("sla_lookups", default=None)


def lookups() -> Lookups:
    """The unit of work's lookups, or fresh ones outside any."""
    return _shared.get() or Lookups()


@contextmanager
def shared_lookups() -> Iterator[Lookups]:
    """Share one set of lookups with everything called inside (nested: the outer one)."""
    current = _shared.get()
    if current is not None:
        yield current
        return
    shared = Lookups()
    token = _shared.set(shared)
    try:
        yield shared
    finally:
        _shared.reset(token)
