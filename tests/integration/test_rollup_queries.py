"""Daily, weekly and monthly answers from the rollups, in UTC and in local time zones."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from analytics.db.engine import get_session_factory
from analytics.db.rollup_queries import period_statistics
from analytics.errors import InvalidRequest
from analytics.rollups import Interval, SeriesFilters, time_zone
from tests.integration.test_ingest_queue import consume, metric, sqs_event

UTC = dt.UTC


def statistics(interval: Interval, tz: str, start: str, end: str):  # type: ignore[no-untyped-def]
    filters = SeriesFilters(
        metric_name="donation_received",
        start=dt.datetime.fromisoformat(start).replace(tzinfo=UTC),
        end=dt.datetime.fromisoformat(end).replace(tzinfo=UTC),
    )
    with get_session_factory().begin() as session:
        return period_statistics(session, filters, interval, tz)


def load_hours(values_by_hour: dict[str, list[float]]) -> None:
    bodies = [
        {"metrics": [metric(value=v, timestamp=hour) for v in values]}
        for hour, values in values_by_hour.items()
    ]
    consume(sqs_event(bodies))


def test_utc_days_match_hand_computed_figures() -> None:
    load_hours(
        {"2025-03-01T10:00:00Z": [1, 2, 3], "2025-03-01T23:30:00Z": [4], "2025-03-02T00:10:00Z": [10, 20]}
    )

    days = statistics(Interval.DAY, "UTC", "2025-03-01", "2025-03-03")

    assert [(d.period_start.date().isoformat(), d.count, d.sum, d.min, d.max) for d in days] == [
        ("2025-03-01", 4, 10.0, 1.0, 4.0),
        ("2025-03-02", 2, 30.0, 10.0, 20.0),
    ]
    assert days[0].avg == 2.5
    assert days[0].stddev == pytest.approx(float(np.std([1, 2, 3, 4])))


def test_local_days_follow_the_zone() -> None:
    # 23:30 UTC on 1 March is 00:30 on 2 March in Berlin (UTC+1).
    load_hours(
        {"2025-03-01T10:00:00Z": [1, 2, 3], "2025-03-01T23:30:00Z": [4], "2025-03-02T00:10:00Z": [10, 20]}
    )

    days = statistics(Interval.DAY, "Europe/Berlin", "2025-02-28", "2025-03-03")

    berlin = ZoneInfo("Europe/Berlin")
    assert [(d.period_start, d.count) for d in days] == [
        (dt.datetime(2025, 3, 1, tzinfo=berlin), 3),
        (dt.datetime(2025, 3, 2, tzinfo=berlin), 3),
    ]


def test_weeks_and_months_merge_sketches_within_their_error() -> None:
    rng = np.random.default_rng(3)
    values = {f"2025-04-{day:02d}T12:00:00Z": list(rng.lognormal(4, 1, 50).round(3)) for day in range(1, 31)}
    load_hours(values)
    everything = np.concatenate([np.array(v) for v in values.values()])

    [month] = statistics(Interval.MONTH, "UTC", "2025-04-01", "2025-05-01")
    [local_month] = statistics(
        Interval.MONTH, "America/New_York", "2025-04-01T04:00:00", "2025-05-01T04:00:00"
    )
    weeks = statistics(Interval.WEEK, "UTC", "2025-04-01", "2025-05-01")

    assert month.count == local_month.count == 1500
    assert month.sum == pytest.approx(float(everything.sum()))
    for estimate, q in ((month.p50, 50), (month.p95, 95), (local_month.p99, 99)):
        assert estimate == pytest.approx(float(np.percentile(everything, q, method="lower")), rel=0.0101)
    assert sum(w.count for w in weeks) == 1500
    assert weeks[0].period_start.date() == dt.date(2025, 3, 31)  # ISO weeks start on Monday


def test_half_hour_zones_are_refused() -> None:
    with pytest.raises(InvalidRequest, match="whole-hour"):
        time_zone("Asia/Kolkata", dt.datetime(2025, 1, 1, tzinfo=UTC), dt.datetime(2025, 2, 1, tzinfo=UTC))
    with pytest.raises(InvalidRequest, match="unknown time zone"):
        time_zone("Mars/Olympus", dt.datetime(2025, 1, 1, tzinfo=UTC), dt.datetime(2025, 2, 1, tzinfo=UTC))
