"""A question without time groups is answered from the fewest rollup rows that tile its period (whole
months, whole UTC days, whole hours, the minutes outside whole hours from raw rows), and answers exactly
what the raw rows answer: in any zone, over periods that start and end anywhere on the hour or on a
local midnight, with late data and a deleted metric."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from typing import Any

import pytest
from pydantic_core import from_json
from sqlalchemy import text

from analytics.db.engine import get_engine
from analytics.db.rollup_sql import REFRESH_MONTHLY
from analytics.db.statistics_queries import _answer, _from_raw
from analytics.db.tiles import Tiles
from analytics.services import statistics as statistics_service
from analytics.settings import get_settings
from analytics.statistics import FIGURES, Source, StatisticsQuery, period_in_zone
from analytics.wiring import unit_of_work
from tests.integration.test_ingest_queue import consume, metric, sqs_event

FIRST, LAST = dt.datetime(2025, 1, 20, tzinfo=dt.UTC), dt.datetime(2025, 4, 12, tzinfo=dt.UTC)
SERIES = (
    ("donation_received", "donation", "USD", "partners_crm"),
    ("post_likes", "engagement", "count", "social_media"),
    ("people_reached", "beneficiary", "people", "projects"),
)
GROUPINGS = (("unit",), ("metric_name",), ("service_name", "unit"), ("metric_type", "metric_name"))
ZONES = ("UTC", "America/New_York", "Europe/Berlin", "Asia/Kolkata", "America/St_Johns")


def utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def some_metrics(seed: int) -> list[dict[str, Any]]:
    """Random instants, and instants either side of every UTC hour of a few days and of every period's
    start and end."""
    rng = random.Random(seed)
    span = (LAST - FIRST).total_seconds()
    moments = [FIRST + dt.timedelta(seconds=rng.uniform(0, span)) for _ in range(1500)]
    for hours in range(0, 24 * 4):
        hour = dt.datetime(2025, 3, 8, tzinfo=dt.UTC) + dt.timedelta(hours=hours)
        moments += [hour - dt.timedelta(minutes=1), hour, hour + dt.timedelta(minutes=31)]
    for _, start, end in periods():
        for edge in (start, end):
            moments += [edge + dt.timedelta(minutes=minutes) for minutes in (-31, -1, 0, 1, 31)]
    metrics = []
    for i, moment in enumerate(moments):
        name, metric_type, unit, service = SERIES[i % len(SERIES)]
        value = round(rng.lognormvariate(3, 1), 2) * (-1 if i % 17 == 0 else 1)
        metrics.append(
            metric(
                name,
                value=value,
                metric_type=metric_type,
                service_name=service,
                unit=unit,
                timestamp=utc(moment),
            )
        )
    return metrics


def store(metrics: list[dict[str, Any]], prefix: str) -> None:
    for first in range(0, len(metrics), 500):
        batch = [{"metrics": metrics[first : first + 500]}]
        assert consume(sqs_event(batch, prefix=f"{prefix}{first}")) == []


def roll_up_months() -> None:
    with get_engine().begin() as connection:
        assert connection.execute(text(REFRESH_MONTHLY)).rowcount > 0


def periods() -> list[tuple[str, dt.datetime, dt.datetime]]:
    """Whole local days in each zone (whole months inside), hours on either side of UTC days, and a few
    hours within one day."""
    local_days = [(tz, *period_in_zone(dt.date(2025, 1, 25), dt.date(2025, 4, 8), tz)) for tz in ZONES]
    most_of_two_months = [
        (tz, *period_in_zone(dt.date(2025, 2, 5), dt.date(2025, 3, 25), tz)) for tz in ("UTC", "Asia/Kolkata")
    ]
    return [
        *local_days,
        *most_of_two_months,
        ("UTC", dt.datetime(2025, 2, 3, 17, tzinfo=dt.UTC), dt.datetime(2025, 3, 9, 5, tzinfo=dt.UTC)),
        (
            "Europe/Berlin",
            dt.datetime(2025, 3, 8, 9, tzinfo=dt.UTC),
            dt.datetime(2025, 3, 8, 14, tzinfo=dt.UTC),
        ),
        (
            "America/New_York",
            dt.datetime(2025, 3, 8, 22, tzinfo=dt.UTC),
            dt.datetime(2025, 3, 9, 3, tzinfo=dt.UTC),
        ),
    ]


def raw_answer(query: StatisticsQuery) -> list[dict[str, Any]]:
    rows, groups, params = _from_raw(query, percentiles=True)
    with get_engine().connect() as connection:
        answer = connection.execute(text(_answer(query, rows, groups, params, FIGURES)), params)
        return list(from_json(answer.scalar_one()))


def answered(query: StatisticsQuery) -> list[Any]:
    statistics_service.forget_answers()
    return statistics_service.statistics(unit_of_work(), query).groups


def assert_as_raw(query: StatisticsQuery) -> None:
    groups, raw_rows = answered(query), raw_answer(query)
    assert len(groups) == len(raw_rows)
    width = len(query.group_by)
    for group, row in zip(groups, raw_rows, strict=True):
        count, total, _, low, high, stddev, *quantiles = row[width:-2]
        assert list(group.group.values()) == row[:width]
        assert (group.count, group.min, group.max) == (count, low, high)
        assert group.sum == pytest.approx(total, rel=1e-12)
        assert group.stddev == pytest.approx(stddev, rel=1e-9)
        for level, exact in zip(("p50", "p90", "p95", "p99"), quantiles, strict=True):
            assert getattr(group, level) == pytest.approx(exact, rel=0.0101, abs=1e-9), level


@pytest.fixture
def rolled_up_zones(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("ROLLUP_ZONES", "Asia/Kolkata,America/St_Johns")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.usefixtures("rolled_up_zones")
def test_every_period_answers_as_its_raw_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    store(some_metrics(seed=11), "t")
    roll_up_months()

    for tz, start, end in periods():
        for group_by in GROUPINGS:
            query = StatisticsQuery(start=start, end=end, tz=tz, group_by=group_by)
            assert query.source is Source.ROLLUPS, (tz, start, end)
            assert_as_raw(query)
        assert_as_raw(StatisticsQuery(start=start, end=end, tz=tz, metric_name="post_likes"))


def late_metric_and_deletion(late: dt.datetime, deleted_before: str) -> None:
    """A late metric at `late` and the deletion of a metric timestamped before `deleted_before`."""
    store([metric("donation_received", value=90000.0, timestamp=utc(late))], f"late{late.isoformat()}")
    with get_engine().connect() as connection:
        some_id = connection.execute(
            text(
                "SELECT id FROM metrics WHERE metric_name = 'post_likes' AND \"timestamp\" < :before "
                'ORDER BY "timestamp" DESC LIMIT 1 OFFSET 3'
            ),
            {"before": deleted_before},
        ).scalar_one()
    with unit_of_work() as uow:
        assert uow.metrics.delete(uuid.UUID(str(some_id)))


@pytest.mark.usefixtures("rolled_up_zones")
@pytest.mark.parametrize(
    ("late", "deleted_before"),
    [
        pytest.param(dt.datetime(2025, 2, 14, 6, 30, tzinfo=dt.UTC), "2025-03-01", id="inside the period"),
        # Days of the period's first and last months outside it: each month is no longer what it was
        # built from, and its sketch less theirs would be wrong.
        pytest.param(dt.datetime(2025, 3, 28, 6, 30, tzinfo=dt.UTC), "2025-02-03", id="outside the period"),
    ],
)
def test_late_data_and_a_deletion_in_a_rolled_up_month_are_answered(
    late: dt.datetime, deleted_before: str
) -> None:
    store(some_metrics(seed=12), "u")
    roll_up_months()
    late_metric_and_deletion(late, deleted_before)

    for tz in ("UTC", "Asia/Kolkata"):
        for first, last in (
            (dt.date(2025, 1, 25), dt.date(2025, 4, 8)),
            (dt.date(2025, 2, 5), dt.date(2025, 3, 25)),
        ):
            start, end = period_in_zone(first, last, tz)
            for group_by in GROUPINGS:
                assert_as_raw(StatisticsQuery(start=start, end=end, tz=tz, group_by=group_by))


def test_months_partly_in_the_period_are_their_monthly_rollup_less_the_days_outside() -> None:
    store(some_metrics(seed=13), "v")
    roll_up_months()
    start, end = period_in_zone(dt.date(2025, 2, 5), dt.date(2025, 3, 25), "UTC")

    queries = [
        StatisticsQuery(start=start, end=end, group_by=g)
        for g in (("month", "metric_name"), ("metric_name",))
    ]
    with_months = [answered(query) for query in queries]
    with get_engine().begin() as connection:
        connection.execute(text("DELETE FROM metric_rollups_monthly"))
    from_days = [answered(query) for query in queries]

    for query, mine, theirs in zip(queries, with_months, from_days, strict=True):
        assert_as_raw(query)
        for group, same in zip(mine, theirs, strict=True):  # the same buckets, however they were added up
            assert (group.group, group.count, group.unit) == (same.group, same.count, same.unit)
            for figure in ("sum", "min", "max", "stddev", "p50", "p90", "p95", "p99"):
                assert getattr(group, figure) == pytest.approx(getattr(same, figure), rel=1e-12), figure


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2025, 1, day, hour, minute, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("start", "end", "days", "hours", "raw"),
    [
        pytest.param(  # Kolkata's local days
            at(1, 18, 30),
            at(4, 18, 30),
            (dt.date(2025, 1, 2), dt.date(2025, 1, 4)),
            ((at(1, 19), at(2, 0)), (at(4, 0), at(4, 18))),
            ((at(1, 18, 30), at(1, 19)), (at(4, 18), at(4, 18, 30))),
            id="days-hours-minutes",
        ),
        pytest.param(at(1, 22), at(2, 3), (), ((at(1, 22), at(2, 0)), (at(2, 0), at(2, 3))), (), id="hours"),
        pytest.param(at(1, 3, 10), at(1, 3, 50), (), (), ((at(1, 3, 10), at(1, 3, 50)),), id="minutes"),
    ],
)
def test_a_period_is_tiled_by_days_hours_and_minutes(
    start: dt.datetime, end: dt.datetime, days: Any, hours: Any, raw: Any
) -> None:
    tiles = Tiles.of(start, end)

    assert (tiles.first_day, tiles.last_day) == days or (not days and tiles.first_day == tiles.last_day)
    assert (tiles.hours, tiles.raw) == (hours, raw)
