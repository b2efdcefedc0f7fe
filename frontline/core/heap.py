"""Keep the objects a process builds at start-up out of the garbage collector's way.

A full collection walks every tracked object. A Django process holds about 150,000 of
them once its apps, URLs and views are loaded, and on a small server (2 cores) a full
collection took about 100 ms: a pause some unlucky request pays. Those objects live as
long as the process, so ``gc.freeze`` moves them where collections no longer look;
what requests build is still collected as before.
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


def freeze_startup_objects() -> None:
    """Collect what start-up left behind, then freeze everything that remains."""
    gc.collect()
    gc.freeze()


@contextmanager
def frozen_heap() -> Iterator[None]:
    """``freeze_startup_objects`` for a stretch of work (a benchmark's measurements)."""
    freeze_startup_objects()
    try:
        yield
    finally:
        gc.unfreeze()
