"""Statistics answered fast and unchanged: a day of one series reads its stored quantiles, a day of
several series or without stored quantiles merges sketches, and all agree with the raw rows; time groups
are written by PostgreSQL in the question's zone exactly as Python's isoformat() writes them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from analytics.db.maintenance import apply_retention
from analytics.statistics import TIME_GROUPS
from analytics.time_buckets import bucket_starts
from tests.integration.conftest import Invoke
from tests.integration.test_ingest_queue import metric
from tests.integration.test_statistics_api import ask, load

DAYS = ("2025-07-01", "2025-07-02", "2025-07-03")
SERIES = {  # metric name: its series (service_name, metric_type)
    "one_series": [("partners_crm", "donation")],
    "two_series": [("partners_crm", "donation"), ("projects", "beneficiary")],
}


def test_stored_quantiles_and_merged_sketches_agree_with_the_raw_rows(invoke: Invoke) -> None:
    rng = np.random.default_rng(11)
    values: dict[tuple[str, str], list[float]] = {}
    items = []
    for day in DAYS:
        for name, series in SERIES.items():
            for i, drawn in enumerate(rng.lognormal(3, 1, 400)):
                service, metric_type = series[i % len(series)]
                value = round(float(drawn), 2)
                values.setdefault((name, day), []).append(value)
                items.append(
                    metric(
                        name=name,
                        value=value,
                        service_name=service,
                        metric_type=metric_type,
                        dimensions={"batch": "all"},
                        timestamp=f"{day}T{i % 24:02d}:{i % 60:02d}:00Z",
                    )
                )
    load(items)
    # The daily maintenance stores the quantiles of the days before today (the last day keeps none).
    report = apply_retention(dt.date(2025, 7, 3), retention_days=3650, sync_log_days=365, months_to_create=1)
    assert report.quantiles_stored == 6  # one_series: 1 row a day, two_series: 2 rows a day

    period = {"start_date": DAYS[0], "end_date": DAYS[-1], "group_by": "metric_name,date"}
    rollups = ask(invoke, "statistics", **period).body
    raw = ask(invoke, "statistics", **period, **{"dimensions.batch": "all"}).body

    assert (rollups["source"], raw["source"]) == ("rollups", "raw")
    expected_groups = [
        {"metric_name": name, "date": f"{day}T00:00:00+00:00"} for name in SERIES for day in DAYS
    ]
    assert [g["group"] for g in rollups["groups"]] == [g["group"] for g in raw["groups"]] == expected_groups
    error = rollups["percentile_relative_error"]
    for fast, exact in zip(rollups["groups"], raw["groups"], strict=True):
        day_values = values[(fast["group"]["metric_name"], fast["group"]["date"][:10])]
        assert fast["count"] == exact["count"] == len(day_values)
        for figure in ("sum", "avg", "min", "max", "stddev"):
            assert fast[figure] == pytest.approx(exact[figure], rel=1e-9)
        for level in (50, 90, 95, 99):
            # Both interpolate between the two nearest ranks, the sketch within its error.
            assert exact[f"p{level}"] == pytest.approx(np.percentile(day_values, level), rel=1e-9)
            assert fast[f"p{level}"] == pytest.approx(exact[f"p{level}"], rel=error)

    # Days whose groups all have their quantiles stored merge no sketch at all, and answer the same.
    stored_only = {"start_date": DAYS[0], "end_date": DAYS[1], "metric_name": "one_series"}
    answer = ask(invoke, "statistics", **period | stored_only).body
    assert answer["groups"] == [g for g in rollups["groups"] if g["group"] in expected_groups[:2]]


@pytest.mark.parametrize(
    ("tz", "interval", "first_day", "days"),
    [
        ("UTC", "date", "2025-03-29", 3),
        ("America/New_York", "date", "2025-11-01", 3),  # the day of 25 hours
        ("Europe/Berlin", "hour", "2025-03-30", 1),  # the night of 23 hours
        ("Asia/Kolkata", "hour", "2025-03-30", 1),  # +05:30: answered from the raw rows
        ("America/St_Johns", "week", "2025-03-01", 21),  # -03:30, then -02:30 from 9 March
    ],
)
def test_time_groups_read_as_python_writes_the_local_period_start(
    invoke: Invoke, tz: str, interval: str, first_day: str, days: int
) -> None:
    local_start = dt.datetime.fromisoformat(first_day).replace(tzinfo=ZoneInfo(tz))
    start, end = (
        moment.astimezone(dt.UTC) for moment in (local_start, local_start + dt.timedelta(days=days))
    )
    hours = int((end - start) / dt.timedelta(hours=1))
    load([metric(value=1, timestamp=(start + dt.timedelta(hours=h)).isoformat()) for h in range(hours)])

    body = ask(
        invoke,
        "statistics",
        start_date=first_day,
        end_date=(local_start + dt.timedelta(days=days - 1)).date().isoformat(),
        group_by=interval,
        tz=tz,
    ).body

    zone = ZoneInfo(tz)
    periods = bucket_starts(start, end, TIME_GROUPS[interval], zone)
    written = [moment.astimezone(zone).isoformat() for moment in periods]
    assert len(written) == {"date": days, "hour": hours, "week": 4}[interval]
    assert [g["group"][interval] for g in body["groups"]] == written
    assert sum(g["count"] for g in body["groups"]) == hours
