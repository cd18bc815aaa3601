"""Breakdowns by a dimension read whole days from the dimension rollups and the rest from raw rows,
and answer what the raw rows alone answer."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from typing import Any

import pytest
from sqlalchemy import text

from analytics.db.engine import get_engine
from analytics.db.maintenance import apply_retention, roll_up_dimensions
from analytics.enums import ServiceName
from analytics.services import statistics as statistics_service
from analytics.statistics import StatisticsQuery
from analytics.wiring import simple_unit_of_work, unit_of_work
from tests.integration.test_ingest_queue import consume, metric, scalar, sqs_event

FIRST_DAY = dt.date(2025, 3, 1)
DAYS = 10
SERIES = (("donation_received", "donation"), ("partner_created", "partner"))
TYPES = ("ngo", "school", "company")


def utc(day: dt.date, hours: float = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), dt.UTC) + dt.timedelta(hours=hours)


def some_metrics(seed: int = 3, count: int = 400) -> list[dict[str, Any]]:
    """Metrics of two series over DAYS days, a third of them without a partner_type."""
    rng = random.Random(seed)
    metrics = []
    for i in range(count):
        name, metric_type = SERIES[i % 2]
        moment = utc(FIRST_DAY, rng.uniform(0, DAYS * 24))
        dimensions = {} if i % 3 == 0 else {"partner_type": rng.choice(TYPES), "country": "KE"}
        metrics.append(
            metric(
                name,
                value=round(rng.uniform(1, 100), 2),
                metric_type=metric_type,
                dimensions=dimensions,
                timestamp=moment.isoformat().replace("+00:00", "Z"),
            )
        )
    return metrics


def store(metrics: list[dict[str, Any]], prefix: str) -> None:
    assert consume(sqs_event([{"metrics": metrics}], prefix=prefix)) == []


def breakdown(
    start: dt.datetime, end: dt.datetime, tz: str = "UTC"
) -> dict[tuple[Any, ...], tuple[int, float]]:
    """Count and sum per (metric_name, partner_type), as insights ask for them."""
    query = StatisticsQuery(
        start=start,
        end=end,
        tz=tz,
        service_name=ServiceName.PARTNERS_CRM,
        group_by=("metric_name", "dimensions.partner_type"),
    )
    statistics_service.forget_answers()
    answer = statistics_service.statistics(unit_of_work(), query, percentiles=False)
    return {tuple(g.group.values()): (g.count, round(g.sum or 0.0, 6)) for g in answer.groups}


def from_raw_rows(start: dt.datetime, end: dt.datetime) -> dict[tuple[Any, ...], tuple[int, float]]:
    with get_engine().connect() as connection:
        rows = connection.execute(
            text(
                "SELECT metric_name, dimensions->>'partner_type', count(*), sum(metric_value) FROM metrics "
                'WHERE "timestamp" >= :start AND "timestamp" < :end GROUP BY 1, 2'
            ),
            {"start": start, "end": end},
        )
        return {(name, value): (n, round(total, 6)) for name, value, n, total in rows}


def roll_up() -> tuple[int, bool]:
    return roll_up_dimensions(oldest=dt.date(2020, 1, 1), seconds=60)


def rolled_up_days() -> int:
    return scalar("SELECT count(DISTINCT (metric_name, day)) FROM metric_dimension_rollups_daily")


def test_every_series_day_is_rolled_up_once_per_breakdown_key() -> None:
    store(some_metrics(), "m")

    assert roll_up() == (2 * DAYS, False)
    assert rolled_up_days() == 2 * DAYS
    assert roll_up() == (0, False)  # nothing changed since
    without_type = scalar(
        "SELECT sum(count) FROM metric_dimension_rollups_daily "
        "WHERE dimension_key = 'partner_type' AND dimension_value IS NULL"
    )
    assert without_type == scalar("SELECT count(*) FROM metrics WHERE NOT dimensions ? 'partner_type'")
    assert scalar("SELECT count(*) FROM metric_dimension_rollups_daily WHERE dimension_key = 'country'") == 0


def test_the_answer_is_the_raw_rows_answer_before_and_after_the_roll_up() -> None:
    store(some_metrics(), "m")
    start, end = utc(FIRST_DAY), utc(FIRST_DAY + dt.timedelta(days=DAYS))
    before = breakdown(start, end)

    roll_up()

    assert before == breakdown(start, end) == from_raw_rows(start, end)
    assert len(before) == 2 * (len(TYPES) + 1)


def test_whole_days_come_from_the_dimension_rollups() -> None:
    store(some_metrics(), "m")
    roll_up()
    start, end = utc(FIRST_DAY), utc(FIRST_DAY + dt.timedelta(days=DAYS))
    expected = breakdown(start, end)
    with get_engine().begin() as connection:  # as retention drops old raw rows
        connection.execute(text("DELETE FROM metrics"))

    assert breakdown(start, end) == expected


def test_the_period_edges_and_changed_days_are_read_from_raw_rows() -> None:
    store(some_metrics(), "m")
    roll_up()
    late_day = FIRST_DAY + dt.timedelta(days=4)
    late = [
        metric(value=1000.0, dimensions={"partner_type": "ngo"}, timestamp=f"{late_day}T08:00:00Z"),
        metric(value=2000.0, dimensions={"partner_type": "new"}, timestamp=f"{late_day}T09:00:00Z"),
    ]
    store(late, "late")
    with unit_of_work() as uow:
        first_id = scalar("SELECT id FROM metrics ORDER BY timestamp LIMIT 1 OFFSET 100")
        assert uow.metrics.delete(uuid.UUID(str(first_id)))

    for start, end, tz in (
        (utc(FIRST_DAY, 7.5), utc(FIRST_DAY, 24 * 8 + 3), "UTC"),
        (utc(FIRST_DAY, 5), utc(FIRST_DAY, 24 * 9 + 5), "America/New_York"),  # New York's midnights
        (utc(FIRST_DAY, 2), utc(FIRST_DAY, 20), "UTC"),  # no whole day
    ):
        assert breakdown(start, end, tz) == from_raw_rows(start, end)


def test_a_changed_day_is_rolled_up_again_by_the_next_run() -> None:
    store(some_metrics(), "m")
    roll_up()
    store([metric(value=5.0, dimensions={"partner_type": "ngo"}, timestamp=f"{FIRST_DAY}T01:00:00Z")], "late")

    assert roll_up() == (1, False)
    start, end = utc(FIRST_DAY), utc(FIRST_DAY + dt.timedelta(days=1))
    with get_engine().begin() as connection:
        connection.execute(text("DELETE FROM metrics"))
    assert breakdown(start, end)[("donation_received", "ngo")][0] == 1 + sum(
        1
        for m in some_metrics()
        if m["metric_name"] == "donation_received"
        and m["timestamp"].startswith(str(FIRST_DAY))
        and m["dimensions"].get("partner_type") == "ngo"
    )


def test_a_run_stops_at_its_time_budget_and_the_next_one_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("analytics.db.maintenance.DIMENSION_DAYS_PER_STATEMENT", 3)
    store(some_metrics(), "m")

    assert roll_up_dimensions(oldest=dt.date(2020, 1, 1), seconds=0) == (3, True)
    assert rolled_up_days() == 3
    assert roll_up() == (2 * DAYS - 3, False)


def test_the_daily_maintenance_rolls_up_dimensions() -> None:
    store(some_metrics(), "m")

    report = apply_retention(dt.date(2025, 6, 1), retention_days=1095, sync_log_days=365, months_to_create=1)

    assert report.dimension_days_rolled_up == 2 * DAYS
    assert not report.dimension_days_waiting


def test_a_cleared_metric_is_gone_from_breakdowns_before_the_next_roll_up() -> None:
    start, end = utc(FIRST_DAY), utc(FIRST_DAY + dt.timedelta(days=DAYS))
    store(some_metrics(), "first")
    roll_up()

    with simple_unit_of_work() as uow:  # what DELETE /metrics/{name} of the simple API does
        uow.simple.delete_metrics(ServiceName.PARTNERS_CRM, "donation_received")

    assert {key[0] for key in breakdown(start, end)} == {"partner_created"}
    assert breakdown(start, end) == from_raw_rows(start, end)
