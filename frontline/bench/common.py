"""What every benchmark suite shares: a throw-away database, timing, and the output format.

Each figure is one JSON object on its own line of stdout::

    {"bench": "core", "metric": "create_api_per_s", "value": 612.4, "unit": "tickets/s",
     "n": 500, "db": "sqlite", "tickets": 100000}

Progress goes to stderr, so stdout can be piped into a file or a dashboard as is.
"""

import json
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from django.db import DEFAULT_DB_ALIAS, connections


class Output(Protocol):
    def write(self, text: str, /) -> object: ...

    def flush(self) -> object: ...


class Reporter:
    """Writes the figures of one suite run."""

    def __init__(self, *, bench: str, tickets: int, out: Output, db: str) -> None:
        self.bench, self.tickets, self.out, self.db = bench, tickets, out, db
        self.figures: dict[str, float] = {}

    def metric(self, name: str, value: float, unit: str, n: int) -> None:
        self.figures[name] = value
        line = {
            "bench": self.bench,
            "metric": name,
            "value": round(value, 3),
            "unit": unit,
            "n": n,
            "db": self.db,
            "tickets": self.tickets,
        }
        self.out.write(json.dumps(line))
        self.out.flush()

    def latencies(self, prefix: str, samples_ms: Sequence[float], *, p50: bool = False) -> None:
        if p50:
            self.metric(f"{prefix}_p50_ms", percentile(samples_ms, 50), "ms", len(samples_ms))
        self.metric(f"{prefix}_p95_ms", percentile(samples_ms, 95), "ms", len(samples_ms))


class Progress:
    """Timestamped lines on stderr."""

    def __init__(self, err: Output) -> None:
        self.err = err
        self.started = time.perf_counter()

    def __call__(self, message: str) -> None:
        self.err.write(f"[{time.perf_counter() - self.started:7.1f} s] {message}")
        self.err.flush()


def percentile(samples: Sequence[float], p: float) -> float:
    """The p-th percentile, interpolating between the nearest ranks."""
    if not samples:
        raise ValueError("No samples.")
    if len(samples) == 1:
        return float(samples[0])
    return statistics.quantiles(samples, n=100, method="inclusive")[int(p) - 1]


def time_each(action: Callable[[Any], object], inputs: Sequence[Any]) -> list[float]:
    """Milliseconds for ``action(x)`` for every input, after one untimed warm-up call."""
    action(inputs[0])
    samples = []
    for item in inputs:
        started = time.perf_counter()
        action(item)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def rate(action: Callable[[int], object], count: int) -> float:
    """Calls per second of ``action(i)`` for ``i`` in ``range(count)``, after a warm-up."""
    action(-1)
    started = time.perf_counter()
    for index in range(count):
        action(index)
    return count / (time.perf_counter() - started)


def database_vendor(using: str = DEFAULT_DB_ALIAS) -> str:
    return str(connections[using].vendor)


@contextmanager
def reused_database(name: str, *, using: str = DEFAULT_DB_ALIAS) -> Iterator[str]:
    """Point the connection at a database kept by an earlier run's ``--keep``."""
    connection = connections[using]
    original = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = name
    try:
        yield name
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original


@contextmanager
def throwaway_database(
    *, keep: bool, progress: Callable[[str], None], using: str = DEFAULT_DB_ALIAS
) -> Iterator[str]:
    """Point the connection at a new, migrated database and drop it afterwards.

    Django's test-database machinery does the work; the configured database is never
    touched. SQLite gets a real file in a temporary directory (with the configured WAL
    mode), so figures include the disk. PostgreSQL gets ``test_<name>_bench_<pid>``, a name
    of its own so that test runs and other benchmarks on the same server are left alone.
    """
    connection = connections[using]
    settings_dict = connection.settings_dict
    original_name = settings_dict["NAME"]
    test_settings = settings_dict.setdefault("TEST", {})
    original_test_name = test_settings.get("NAME")
    directory = None
    if connection.vendor == "sqlite":
        directory = Path(tempfile.mkdtemp(prefix="frontline-bench-"))
        test_settings["NAME"] = str(directory / "bench.sqlite3")
    else:
        test_settings["NAME"] = f"test_{original_name}_bench_{os.getpid()}"
    try:
        name = connection.creation.create_test_db(
            verbosity=0, autoclobber=True, serialize=False, keepdb=False
        )
        progress(f"throw-away database {name} ready")
        try:
            yield str(name)
        finally:
            connection.creation.destroy_test_db(original_name, verbosity=0, keepdb=keep)
            progress(f"kept the database {name}" if keep else f"dropped {name}")
    finally:
        test_settings["NAME"] = original_test_name
        if directory is not None and not keep:
            shutil.rmtree(directory, ignore_errors=True)
