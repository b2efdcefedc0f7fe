"""``timezone.now()`` while a demo loads: the demo's own time, moving on one step per
``tick``, so the same seed writes the same rows whenever it runs. Services read the time
only through ``django.utils.timezone.now``; one demo loads at a time, in one thread."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from unittest.mock import patch

from django.utils import timezone


class DemoClock:
    def __init__(self, start: datetime, *, step: timedelta) -> None:
        self.at = start
        self.step = step

    def now(self) -> datetime:
        return self.at

    def tick(self) -> None:
        self.at += self.step


@contextmanager
def demo_clock(start: datetime, *, step: timedelta = timedelta(seconds=20)) -> Iterator[DemoClock]:
    clock = DemoClock(start, step=step)
    with patch.object(timezone, "now", clock.now):
        yield clock
