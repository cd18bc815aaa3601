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
from analytics.schemas.events import EventCreate
from analytics.schemas.metrics import MetricCreate
from analytics.wiring import unit_of_work
from functions.events.handler import lambda_handler as events_api
from functions.metrics.handler import lambda_handler as metrics_api
from tests.integration.conftest import HttpResult, Invoke, load_event
from tests.integration.test_ingest_queue import metric, scalar

T = TypeVar("T")

HOUR = "2025-12-24T10:{minute:02d}:00Z"
EVENT: dict[str, Any] = {"event_name": "user_signup", "user_id": "u1", "timestamp": "2025-12-24T10:00:00Z"}


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


def test_a_metric_posted_while_its_key_is_being_stored_answers_the_stored_one(invoke: Invoke) -> None:
    body = metric(idempotency_key="retry-1")

    [(stored_id, created)], again = race(
        lambda uow: uow.metrics.insert_many([MetricCreate.model_validate(body)], dt.datetime.now(dt.UTC)),
        lambda: invoke(metrics_api, load_event("metrics_create", body={**body, "value": 99.0})),
    )

    assert created
    assert again.status == 200
    assert (again.body["id"], again.body["value"]) == (str(stored_id), body["value"])
    assert scalar("SELECT count(*) FROM metrics") == 1


def test_a_bulk_of_metrics_with_a_key_being_stored_reports_the_stored_one(invoke: Invoke) -> None:
    body = metric(idempotency_key="retry-1")
    fresh = metric(idempotency_key="retry-2", timestamp=HOUR.format(minute=5))

    [(stored_id, _)], bulk = race(
        lambda uow: uow.metrics.insert_many([MetricCreate.model_validate(body)], dt.datetime.now(dt.UTC)),
        lambda: invoke(metrics_api, load_event("metrics_bulk", body={"metrics": [body, fresh, body]})),
    )

    assert (bulk.status, bulk.body["created"], bulk.body["duplicates"]) == (201, 1, 2)
    statuses = [(item["id"], item["status"]) for item in bulk.body["items"]]
    assert statuses[0] == statuses[2] == (str(stored_id), "duplicate")
    assert statuses[1][1] == "created"
    stored = {str(row["id"]) for row in rows("SELECT id FROM metrics")}
    assert stored == {str(stored_id), statuses[1][0]}


def test_an_event_posted_while_its_key_is_being_stored_answers_the_stored_one(invoke: Invoke) -> None:
    body = {**EVENT, "idempotency_key": "signup-u1"}

    [(stored_id, _)], again = race(
        lambda uow: uow.events.insert_many([EventCreate.model_validate(body)], dt.datetime.now(dt.UTC)),
        lambda: invoke(events_api, load_event("events_create", body={**body, "user_id": "u2"})),
    )

    assert again.status == 200
    assert (again.body["id"], again.body["user_id"]) == (str(stored_id), "u1")
    assert scalar("SELECT count(*) FROM events") == 1


def test_a_bulk_of_events_with_a_key_being_stored_reports_the_stored_one(invoke: Invoke) -> None:
    body = {**EVENT, "idempotency_key": "signup-u1"}

    [(stored_id, _)], bulk = race(
        lambda uow: uow.events.insert_many([EventCreate.model_validate(body)], dt.datetime.now(dt.UTC)),
        lambda: invoke(
            events_api, load_event("events_bulk", body={"events": [body, {**EVENT, "user_id": "u3"}]})
        ),
    )

    assert (bulk.status, bulk.body["created"], bulk.body["duplicates"]) == (201, 1, 1)
    assert (bulk.body["items"][0]["id"], bulk.body["items"][0]["status"]) == (str(stored_id), "duplicate")
    assert scalar("SELECT count(*) FROM events") == 2
