"""Local days of the zones in ROLLUP_ZONES answer exactly what the hourly rollups and the raw rows answer:
across the DST changes of New York and Berlin, in a half-hour zone, with late data and a deleted metric."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from analytics.db import maintenance
from analytics.db.engine import get_engine
from analytics.db.maintenance import roll_up_local_days
from analytics.services import statistics as statistics_service
from analytics.settings import get_settings
from analytics.statistics import StatisticsQuery, period_in_zone
from analytics.wiring import unit_of_work
from functions.scheduler.handler import lambda_handler as scheduler
from tests.integration.conftest import LambdaContext
from tests.integration.test_ingest_queue import consume, metric, sqs_event

ZONES = ("America/New_York", "Europe/Berlin", "Asia/Kolkata")
# 2025: New York's clocks go forward on 9 March, Berlin's on 30 March.
FIRST_DAY, LAST_DAY = dt.date(2025, 3, 6), dt.date(2025, 4, 2)
NOW = dt.datetime(2025, 4, 10, 12, tzinfo=dt.UTC)
OLDEST = dt.date(2025, 1, 1)
SERIES = (("donation_received", "donation", "USD"), ("post_likes", "engagement", "count"))
GROUPINGS = ((), ("date",), ("week",), ("month",), ("metric_name", "date"), ("service_name",))


def utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def some_metrics(seed: int) -> list[dict[str, Any]]:
    """Random instants over the days, and values a minute either side of every zone's local midnights."""
    rng = random.Random(seed)
    start = dt.datetime.combine(FIRST_DAY, dt.time(0), dt.UTC)
    span = (LAST_DAY - FIRST_DAY).days * 86400
    moments = [start + dt.timedelta(seconds=rng.uniform(0, span)) for _ in range(600)]
    for zone in ZONES:
        day = FIRST_DAY
        while day <= LAST_DAY:
            midnight = dt.datetime.combine(day, dt.time(0), ZoneInfo(zone))
            moments += [midnight - dt.timedelta(minutes=1), midnight, midnight + dt.timedelta(minutes=1)]
            day += dt.timedelta(days=1)
    metrics = []
    for i, moment in enumerate(moments):
        name, metric_type, unit = SERIES[i % 2]
        service = "partners_crm" if metric_type == "donation" else "social_media"
        metrics.append(
            metric(
                name,
                value=round(rng.lognormvariate(3, 1), 2),
                metric_type=metric_type,
                service_name=service,
                unit=unit,
                timestamp=utc(moment),
            )
        )
    return metrics


def store(metrics: list[dict[str, Any]], prefix: str) -> None:
    for first in range(0, len(metrics), 500):
        assert (
            consume(sqs_event([{"metrics": metrics[first : first + 500]}], prefix=f"{prefix}{first}")) == []
        )


@pytest.fixture
def rolled_up_zones(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("ROLLUP_ZONES", ",".join(ZONES))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def roll_up() -> int:
    report = roll_up_local_days(get_settings().rollup_zones, NOW, OLDEST)
    assert not report.waiting
    return report.series_days_rolled_up


def answer(tz: str, group_by: tuple[str, ...], first: dt.date = FIRST_DAY, last: dt.date = LAST_DAY) -> Any:
    start, end = period_in_zone(first, last, tz)
    query = StatisticsQuery(start=start, end=end, tz=tz, group_by=group_by, metric_type=None)
    statistics_service.forget_answers()
    return query, statistics_service.statistics(unit_of_work(), query).groups


def without_local_days(monkeypatch: pytest.MonkeyPatch, tz: str, group_by: tuple[str, ...]) -> Any:
    monkeypatch.setenv("ROLLUP_ZONES", "")
    get_settings.cache_clear()
    try:
        return answer(tz, group_by)
    finally:
        monkeypatch.setenv("ROLLUP_ZONES", ",".join(ZONES))
        get_settings.cache_clear()


def assert_same(local: list[Any], reference: list[Any], reference_is_raw: bool) -> None:
    assert [g.group for g in local] == [g.group for g in reference]
    for mine, theirs in zip(local, reference, strict=True):
        assert (mine.count, mine.min, mine.max, mine.unit) == (
            theirs.count,
            theirs.min,
            theirs.max,
            theirs.unit,
        )
        assert mine.sum == pytest.approx(theirs.sum, rel=1e-12)
        assert mine.stddev == pytest.approx(theirs.stddev, rel=1e-9)
        for level in ("p50", "p90", "p95", "p99"):
            # Merged from the same sketch buckets, or within the sketch's 1% of the raw rows' percentile.
            tolerance = 0.01 if reference_is_raw else 1e-12
            assert getattr(mine, level) == pytest.approx(getattr(theirs, level), rel=tolerance), level


def grouped(metrics_by: str) -> tuple[str, ...]:
    return ("metric_name", metrics_by)


@pytest.mark.usefixtures("rolled_up_zones")
@pytest.mark.parametrize("tz", ZONES)
def test_local_days_answer_what_hours_and_raw_rows_answer(tz: str, monkeypatch: pytest.MonkeyPatch) -> None:
    store(some_metrics(seed=1), "a")
    assert roll_up() > 0

    for group_by in (("metric_name",), grouped("date"), grouped("week"), grouped("month")):
        query, local = answer(tz, group_by)
        reference_query, reference = without_local_days(monkeypatch, tz, group_by)
        assert query.on_local_days and not reference_query.on_local_days
        assert_same(local, reference, reference_is_raw=tz == "Asia/Kolkata")


@pytest.mark.usefixtures("rolled_up_zones")
def test_a_fresh_local_row_is_what_the_answer_reads() -> None:
    store(some_metrics(seed=2), "b")
    roll_up()
    tz = "Europe/Berlin"
    _, before = answer(tz, grouped("date"))
    with get_engine().begin() as connection:
        connection.execute(
            text("UPDATE metric_rollups_local_daily SET sum = sum + 1000 WHERE zone = :tz AND day = :day"),
            {"tz": tz, "day": dt.date(2025, 3, 20)},
        )

    _, after = answer(tz, grouped("date"))

    changed = {tuple(g.group.values()) for g, h in zip(before, after, strict=True) if g.sum != h.sum}
    assert {day for _, day in changed} == {"2025-03-20T00:00:00+01:00"}


@pytest.mark.usefixtures("rolled_up_zones")
@pytest.mark.parametrize("tz", ZONES)
def test_late_data_and_a_deletion_are_answered_before_the_next_roll_up(
    tz: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store(some_metrics(seed=3), "c")
    roll_up()
    late = dt.datetime.combine(dt.date(2025, 3, 30), dt.time(0, 30), ZoneInfo(tz))
    store([metric("donation_received", value=5000.0, timestamp=utc(late))], "late")
    with get_engine().connect() as connection:
        some_id = connection.execute(
            text(
                "SELECT id FROM metrics WHERE metric_name = 'post_likes' "
                'ORDER BY "timestamp" LIMIT 1 OFFSET 300'
            )
        ).scalar_one()
    with unit_of_work() as uow:
        assert uow.metrics.delete(uuid.UUID(str(some_id)))

    for moment in ("before", "after"):
        for group_by in (grouped("date"), ("metric_name",)):
            _, local = answer(tz, group_by)
            _, reference = without_local_days(monkeypatch, tz, group_by)
            assert_same(local, reference, reference_is_raw=tz == "Asia/Kolkata")
        if moment == "before":
            assert roll_up() > 0  # the changed days are rolled up again


@pytest.mark.usefixtures("rolled_up_zones")
def test_a_day_not_over_is_not_rolled_up_and_a_zone_dropped_from_the_setting_goes() -> None:
    store(some_metrics(seed=4), "d")
    early = dt.datetime.combine(LAST_DAY, dt.time(12), dt.UTC)

    roll_up_local_days(frozenset(ZONES), early, OLDEST)
    with get_engine().connect() as connection:
        last_days = dict(
            connection.execute(
                text("SELECT zone, max(day) FROM metric_rollups_local_daily GROUP BY zone")
            ).all()
        )
    roll_up_local_days(frozenset({"Asia/Kolkata"}), early, OLDEST)
    with get_engine().connect() as connection:
        zones = (
            connection.execute(text("SELECT DISTINCT zone FROM metric_rollups_local_daily")).scalars().all()
        )

    assert last_days == {zone: LAST_DAY - dt.timedelta(days=1) for zone in ZONES}
    assert zones == ["Asia/Kolkata"]


@pytest.mark.usefixtures("rolled_up_zones")
def test_the_hourly_task_rolls_up_the_zones_of_the_setting() -> None:
    store(some_metrics(seed=5), "e")

    first = scheduler({"task": "local_days"}, LambdaContext())
    again = scheduler({"task": "local_days"}, LambdaContext())

    assert first["status"] == "success" and first["result"]["zones"] == sorted(ZONES)
    assert first["result"]["series_days_rolled_up"] > 0 and not first["result"]["waiting"]
    assert again["result"]["series_days_rolled_up"] == 0  # nothing changed since


@pytest.mark.usefixtures("rolled_up_zones")
def test_a_run_stops_at_its_time_budget_and_the_next_one_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    store(some_metrics(seed=6), "f")
    monkeypatch.setattr(maintenance, "LOCAL_DAYS_PER_STATEMENT", 10)

    cut_short = roll_up_local_days(frozenset(ZONES), NOW, OLDEST, seconds=0)
    rest = roll_up_local_days(frozenset(ZONES), NOW, OLDEST, seconds=600)

    assert cut_short.waiting and cut_short.series_days_rolled_up == 10
    assert not rest.waiting and rest.series_days_rolled_up > 10
