"""The standard deviation answered from the rollups is the raw rows' stddev_pop, also where the mean is
large against the spread, whichever rollup rows are added up: one batch's hour and day, batches merged
into the stored rows, days into a month, hours into a New York day, rows refilled after a delete, and
dimension rollups with raw rows at a breakdown's edges. Migration 0013 keeps the rollups' figures, and so
does its downgrade."""

from __future__ import annotations

import datetime as dt
import statistics
import uuid
from typing import Any

import pytest
from sqlalchemy import text

from analytics.db.engine import get_engine
from analytics.db.maintenance import apply_retention, roll_up_dimensions
from analytics.db.migrate import upgrade_to_head
from analytics.enums import ServiceName
from analytics.services import statistics as statistics_service
from analytics.statistics import StatisticsQuery
from analytics.wiring import unit_of_work
from tests.integration.conftest import Invoke
from tests.integration.test_ingest_queue import consume, metric, scalar, sqs_event
from tests.integration.test_percentiles_rollups_and_raw_agree import migrate
from tests.integration.test_statistics_api import ask

# Ten values whose mean is 3.5e9 times their deviation: sums of squares cancel to nothing (0.0).
VALUES = [1e9 + 0.1 * i for i in range(10)]
EXACT = statistics.pstdev(VALUES)  # 0.2872281240..., correctly rounded
# Doubles hold these values to 1.2e-7, against a deviation of 0.29: any deviation computed from sums,
# PostgreSQL's stddev_pop too, is good to about 1e-7 (stddev_pop says 0.2872280950 over them in this
# order, 0.2872281074 in the reverse order), and rows added up in another order differ from it as much.
LARGE_MEAN_TOLERANCE = 1e-6
TOLERANCE = 1e-9  # where sums of squares were good enough, or the same rows are summed the same way
DAY = dt.date(2025, 7, 1)


def tagged(value: float, moment: str, **dimensions: str) -> dict[str, Any]:
    """A metric with a dimension by which a question is answered from the raw rows."""
    return metric(value=value, timestamp=moment, dimensions={"batch": "all", **dimensions})


def store(metrics: list[dict[str, Any]], batch: str) -> None:
    """One ingest batch: one statement that inserts the metrics and upserts their hours and days."""
    assert consume(sqs_event([{"metrics": metrics}], prefix=batch)) == []


def from_rollups_and_raw(invoke: Invoke, **question: Any) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Each group of the answer from the rollups beside the same group from the raw rows."""
    statistics_service.forget_answers()
    rollups = ask(invoke, "statistics", **question).body
    raw = ask(invoke, "statistics", **question, **{"dimensions.batch": "all"}).body
    assert (rollups["source"], raw["source"]) == ("rollups", "raw")
    assert [g["group"] for g in rollups["groups"]] == [g["group"] for g in raw["groups"]]
    return list(zip(rollups["groups"], raw["groups"], strict=True))


def assert_same_stddev(fast: dict[str, Any], raw: dict[str, Any]) -> None:
    """The rollups' answer is the raw rows' and the correctly rounded deviation of VALUES."""
    assert fast["count"] == raw["count"] == len(VALUES)
    assert raw["stddev"] == pytest.approx(EXACT, rel=LARGE_MEAN_TOLERANCE)
    assert fast["stddev"] == pytest.approx(raw["stddev"], rel=LARGE_MEAN_TOLERANCE)
    assert fast["stddev"] == pytest.approx(EXACT, rel=LARGE_MEAN_TOLERANCE)


def test_one_batch_in_one_hour(invoke: Invoke) -> None:
    # Given the ten values in one batch, in one hour
    store([tagged(v, f"{DAY}T10:00:{i:02d}Z") for i, v in enumerate(VALUES)], "one")

    # When the day and its hours are asked for
    [(fast, exact)] = from_rollups_and_raw(invoke, start_date=str(DAY), end_date=str(DAY))
    [(fast_hour, exact_hour)] = from_rollups_and_raw(
        invoke, start_date=str(DAY), end_date=str(DAY), group_by="hour"
    )

    # Then the rollups answer the raw rows' deviation, where the sums of squares answered 0.0
    assert_same_stddev(fast, exact)
    assert_same_stddev(fast_hour, exact_hour)


def test_five_large_integers() -> None:
    # Given five values around 1.7e12 that differ by one, whose sums of squares left 0.0
    values = [1.7e12 + i for i in range(5)]
    store([tagged(v, f"{DAY}T10:00:{i:02d}Z") for i, v in enumerate(values)], "one")

    # When the stored day is read
    m2, count = scalar("SELECT array[m2, count] FROM metric_rollups_daily")

    # Then it holds their deviation, sqrt(2)
    assert (m2 / count) ** 0.5 == pytest.approx(2**0.5, rel=TOLERANCE)


def test_batches_merged_into_the_stored_hour_and_day(invoke: Invoke) -> None:
    # Given the ten values sent in four batches into the same hour
    metrics = [tagged(v, f"{DAY}T10:{i:02d}:00Z") for i, v in enumerate(VALUES)]
    for number, (first, last) in enumerate([(0, 3), (3, 4), (4, 8), (8, 10)]):
        store(metrics[first:last], f"batch{number}")
    assert scalar("SELECT count(*) FROM metric_rollups_hourly") == 1

    # When the day and the hour are asked for
    [(fast, exact)] = from_rollups_and_raw(invoke, start_date=str(DAY), end_date=str(DAY))
    [(fast_hour, exact_hour)] = from_rollups_and_raw(
        invoke, start_date=str(DAY), end_date=str(DAY), group_by="hour"
    )

    # Then both stored rows merged each batch exactly
    assert_same_stddev(fast, exact)
    assert_same_stddev(fast_hour, exact_hour)


def test_days_added_up_into_a_month_and_the_monthly_rollup(invoke: Invoke) -> None:
    # Given the ten values on ten days of a month, and its monthly rollup built by the maintenance
    store([tagged(v, f"2025-07-{1 + i:02d}T10:00:00Z") for i, v in enumerate(VALUES)], "month")
    report = apply_retention(dt.date(2025, 8, 1), retention_days=3650, sync_log_days=365, months_to_create=1)
    assert report.months_rolled_up == 1

    # When the month is asked for
    [(fast, exact)] = from_rollups_and_raw(
        invoke, start_date="2025-07-01", end_date="2025-07-31", group_by="month"
    )

    # Then the days added up give the raw rows' deviation, and so does the monthly row
    assert_same_stddev(fast, exact)
    m2, count = scalar("SELECT array[m2, count] FROM metric_rollups_monthly")
    assert (m2 / count) ** 0.5 == pytest.approx(EXACT, rel=LARGE_MEAN_TOLERANCE)


def test_hours_added_up_into_a_new_york_day(invoke: Invoke) -> None:
    # Given the ten values in ten hours of a New York day (04:00 to 04:00 UTC), across two UTC days
    first = dt.datetime.combine(DAY, dt.time(18, 30), dt.UTC)
    moments = [(first + dt.timedelta(hours=i)).isoformat() for i in range(len(VALUES))]
    store([tagged(v, moment) for v, moment in zip(VALUES, moments, strict=True)], "hours")

    # When that local day is asked for
    [(fast, exact)] = from_rollups_and_raw(
        invoke, start_date=str(DAY), end_date=str(DAY), tz="America/New_York", group_by="date"
    )

    # Then its hourly rows added up give the raw rows' deviation
    assert_same_stddev(fast, exact)


def test_hour_and_day_refilled_after_a_delete(invoke: Invoke) -> None:
    # Given the ten values and one more in one hour
    store([tagged(v, f"{DAY}T10:{i:02d}:00Z") for i, v in enumerate([*VALUES, 1e9 + 7.0])], "eleven")

    # When the extra one is deleted, which rebuilds its hour and day from the raw rows left
    extra = scalar("SELECT id FROM metrics WHERE metric_value = 1e9 + 7.0")
    with unit_of_work() as uow:
        assert uow.metrics.delete(uuid.UUID(str(extra)))
    [(fast, exact)] = from_rollups_and_raw(invoke, start_date=str(DAY), end_date=str(DAY))
    [(fast_hour, exact_hour)] = from_rollups_and_raw(
        invoke, start_date=str(DAY), end_date=str(DAY), group_by="hour"
    )

    # Then both answer the deviation of the ten left
    assert_same_stddev(fast, exact)
    assert_same_stddev(fast_hour, exact_hour)


def raw_breakdown(start: dt.datetime, end: dt.datetime) -> dict[str | None, tuple[int, float]]:
    with get_engine().connect() as connection:
        rows = connection.execute(
            text(
                "SELECT dimensions->>'partner_type', count(*), stddev_pop(metric_value) FROM metrics "
                'WHERE "timestamp" >= :start AND "timestamp" < :end GROUP BY 1'
            ),
            {"start": start, "end": end},
        )
        return {partner_type: (n, deviation) for partner_type, n, deviation in rows}


def test_breakdown_from_dimension_rollups_and_raw_edges() -> None:
    # Given values of two partner types over two whole days and the morning of a third, rolled up by
    # dimension (the third day too: the question's period ends inside it, so its rows are read raw)
    partner_types = ("ngo", "school")
    metrics = [
        tagged(
            1e9 + 0.1 * i,
            f"{DAY + dt.timedelta(days=i % 3)}T{8 + i % 5:02d}:00:00Z",
            partner_type=partner_types[i % 2],
        )
        for i in range(30)
    ]
    store(metrics, "dims")
    assert roll_up_dimensions(oldest=dt.date(2020, 1, 1), seconds=60) == (3, False)
    start = dt.datetime.combine(DAY, dt.time(0), dt.UTC)
    end = start + dt.timedelta(days=2, hours=18)

    # When they are broken down by partner type
    query = StatisticsQuery(
        start=start,
        end=end,
        tz="UTC",
        service_name=ServiceName.PARTNERS_CRM,
        group_by=("dimensions.partner_type",),
    )
    statistics_service.forget_answers()
    answer = statistics_service.statistics(unit_of_work(), query, percentiles=False)

    # Then each type's deviation is the raw rows'
    fast = {g.group["dimensions.partner_type"]: (g.count, g.stddev) for g in answer.groups}
    exact = raw_breakdown(start, end)
    assert set(fast) == set(exact) == set(partner_types)
    for kind in partner_types:
        assert fast[kind][0] == exact[kind][0] == 15
        assert fast[kind][1] == pytest.approx(exact[kind][1], rel=LARGE_MEAN_TOLERANCE)


FIGURES_OF_TABLES = {
    "metric_rollups_hourly": "bucket_start",
    "metric_rollups_daily": "day",
    "metric_rollups_monthly": "month",
    "metric_dimension_rollups_daily": "day, dimension_key, dimension_value",
}


def stored_deviations() -> dict[tuple[Any, ...], float]:
    """sqrt(m2 / count) of every rollup row, by table and key."""
    deviations = {}
    with get_engine().connect() as connection:
        for table, key in FIGURES_OF_TABLES.items():
            rows = connection.execute(text(f"SELECT metric_name, {key}, sqrt(m2 / count) FROM {table}"))
            for *row_key, deviation in rows:
                deviations[(table, *row_key)] = deviation
    return deviations


def test_migration_0013_and_its_downgrade_keep_the_rollups_figures() -> None:
    # Given a series of large values whose raw rows are kept and one of small values whose raw rows
    # retention dropped, each with hourly, daily, monthly and dimension rollups
    store([tagged(v, f"{DAY}T10:{i:02d}:00Z", partner_type="ngo") for i, v in enumerate(VALUES)], "large")
    small = [
        metric("partner_created", value=float(v), timestamp=f"{DAY}T11:{v:02d}:00Z") for v in range(1, 11)
    ]
    store(small, "small")
    report = apply_retention(
        DAY + dt.timedelta(days=1), retention_days=3650, sync_log_days=365, months_to_create=1
    )
    assert (report.months_rolled_up, report.dimension_days_rolled_up) == (2, 2)
    with get_engine().begin() as connection:
        connection.execute(text("DELETE FROM metrics WHERE metric_name = 'partner_created'"))
    before = stored_deviations()
    assert len(before) == 2 * (3 + 5)  # 3 rollup rows and 5 breakdown rows per series
    try:
        # When the database goes back to sums of squares (0012), then up again
        migrate(to="0012")
        sums_of_squares = scalar(
            "SELECT sum_squares FROM metric_rollups_daily WHERE metric_name = 'partner_created'"
        )
        migrate(to="head")
    finally:
        upgrade_to_head(get_engine())

    # Then the downgrade stored sums of squares, and the upgrade m2 again: computed again from the raw
    # rows where they are kept, converted where they are not (exact enough for small values)
    assert sums_of_squares == pytest.approx(sum(v * v for v in range(1, 11)), rel=TOLERANCE)
    after = stored_deviations()
    assert set(after) == set(before)
    for key, deviation in before.items():
        if key[0] == "metric_dimension_rollups_daily" and key[1] == "donation_received":
            continue  # converted only: the large values' sums of squares lost their deviation
        assert after[key] == pytest.approx(deviation, rel=TOLERANCE), key
    large_day = before["metric_rollups_daily", "donation_received", DAY]
    assert large_day == pytest.approx(EXACT, rel=LARGE_MEAN_TOLERANCE)
