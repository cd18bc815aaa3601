"""Shared set-up of the on-demand benchmarks: a real PostgreSQL, migrated, and figures printed."""

from __future__ import annotations

import multiprocessing
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from analytics.db.embedded import start_embedded_server, stop_embedded_server
from analytics.db.engine import get_engine, get_session_factory
from analytics.db.migrate import upgrade_to_head
from analytics.settings import get_settings

T = TypeVar("T")


@contextmanager
def benchmark_database(data_dir: Path | None) -> Iterator[str]:
    """DATABASE_URL if set, else an embedded server in `data_dir` (kept) or a temporary folder, stopped at
    the end: a server left idle would still take memory and wake-ups from the next run's figures. The
    embedded server's URL is forgotten at the end, so a later database of the same run gets its own."""
    configured = os.environ.get("DATABASE_URL")
    with tempfile.TemporaryDirectory(prefix="analytics-bench-") as scratch:
        folder = data_dir or Path(scratch)
        url = configured or start_embedded_server(folder)
        os.environ["DATABASE_URL"] = url
        clear_cached_settings()
        try:
            upgrade_to_head(get_engine())
            yield url
        finally:
            if not configured:
                get_engine().dispose()
                stop_embedded_server(folder)
                del os.environ["DATABASE_URL"]
                clear_cached_settings()


def clear_cached_settings() -> None:
    """Settings, engine and sessions are built once per process; the environment changed under them."""
    for cached in (get_settings, get_engine, get_session_factory):
        cached.cache_clear()


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def median(values: list[float]) -> float:
    return statistics.median(values)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def in_own_process(function: Callable[..., T], *args: object) -> T:
    """`function(*args)` in a fresh Python process: each size of a scale check starts from the same state,
    not from what measuring the previous size left in memory."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(function, args)
