"""Writes racing each other: one held in an open transaction while the other runs in a thread and waits
for it, then the first commits."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

import pytest
from sqlalchemy import text

from analytics.db.engine import get_engine
from analytics.ports import UnitOfWork
from analytics.schemas.metrics import MetricCreate
from analytics.wiring import unit_of_work
from functions.metrics.handler import lambda_handler as metrics_api
from tests.integration.conftest import HttpResult, Invoke, load_event
from tests.integration.test_ingest_queue import metric, scalar

T = TypeVar("T")

HOUR = "2025-12-24T10:{minute:02d}:00Z"


def wait_until_blocked(other: Future[Any]) -> None:
    """Returns once a backend waits for a lock (or the other side has finished without waiting)."""
    deadline = time.monotonic() + 10
    while not other.done():
        if scalar("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"):
            return
        assert time.monotonic() < deadline, "the concurrent operation neither waited nor finished"
        time.sleep(0.01)


def race(held: Callable[[UnitOfWork], T], other: Callable[[], HttpResult]) -> tuple[T, HttpResult]:
    """Runs `held` in a unit of work left open while `other` starts in a thread, then commits and joins."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        with unit_of_work() as uow:
            first = held(uow)
            second = pool.submit(other)
            wait_until_blocked(second)
        return first, second.result(timeout=30)


def stored_metrics(values: list[float]) -> list[uuid.UUID]:
    items = [
        MetricCreate.model_validate(metric(value=v, timestamp=HOUR.format(minute=i)))
        for i, v in enumerate(values)
    ]
    with unit_of_work() as uow:
        return [metric_id for metric_id, _ in uow.metrics.insert_many(items, dt.datetime.now(dt.UTC))]


def rollups(table: str) -> list[tuple[int, float]]:
    return [(row["count"], row["sum"]) for row in rows(f"SELECT count, sum FROM {table}")]


def rows(sql: str) -> list[dict[str, Any]]:
    with get_engine().connect() as connection:
        return [dict(row) for row in connection.execute(text(sql)).mappings()]


@pytest.mark.parametrize(
    ("values", "left"),
    [
        ([1.0, 2.0, 4.0], [(1, 4.0)]),  # the later delete's refill collided with the earlier one's
        ([1.0, 2.0], []),  # the later delete found nothing to refill and left the earlier one's rollup
    ],
)
def test_deletes_in_the_same_series_and_hour_leave_the_rollups_of_the_rows_left(
    invoke: Invoke, values: list[float], left: list[tuple[int, float]]
) -> None:
    # Given metrics of one series in one hour
    first, second, *_ = stored_metrics(values)

    # When two of them are deleted at the same time
    deleted, other = race(
        lambda uow: uow.metrics.delete(first),
        lambda: invoke(metrics_api, load_event("metrics_delete", path=f"/api/v1/metrics/{second}")),
    )

    # Then both deletes succeed and the hourly and daily rollups count only the rows that are left
    assert (deleted, other.status) == (True, 204)
    assert rollups("metric_rollups_hourly") == left
    assert rollups("metric_rollups_daily") == left
    assert scalar("SELECT count(*) FROM metrics") == len(values) - 2
