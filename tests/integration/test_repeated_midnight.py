"""A local midnight that happens twice (Havana's clocks go back from 1:00 to 0:00) starts its day at its
first instant, in the SQL's answers as in Python's buckets, so no day of a time series goes missing."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from functions.metrics.handler import lambda_handler as metrics_api
from tests.integration.conftest import Invoke, load_event
from tests.integration.test_ingest_queue import consume, metric, sqs_event

HAVANA = ZoneInfo("America/Havana")
HOURS = [dt.datetime(2025, 11, 1, 4, 30, tzinfo=dt.UTC) + dt.timedelta(hours=h) for h in range(72)]


def test_every_day_around_a_repeated_midnight_is_answered(invoke: Invoke) -> None:
    stamps = [moment.isoformat().replace("+00:00", "Z") for moment in HOURS]
    consume(sqs_event([{"metrics": [metric("hourly", value=1.0, timestamp=t) for t in stamps]}]))
    expected: dict[dt.date, int] = {}
    for moment in HOURS:
        day = moment.astimezone(HAVANA).date()
        expected[day] = expected.get(day, 0) + 1
    query = {
        "metric_name": "hourly",
        "start_date": "2025-11-01",
        "end_date": "2025-11-03",
        "tz": "America/Havana",
    }

    series = invoke(
        metrics_api,
        load_event(
            "metrics_statistics",
            path="/api/v1/metrics/time-series/data",
            query={**query, "interval": "day", "agg": "count"},
        ),
    )
    groups = invoke(metrics_api, load_event("metrics_statistics", query={**query, "group_by": "date"}))

    days = [dt.date(2025, 11, 1) + dt.timedelta(days=n) for n in range(3)]
    assert series.status == 200, series.body
    assert series.body["series"][0]["values"] == [float(expected[day]) for day in days]
    starts = [dt.datetime.combine(day, dt.time(0), HAVANA).isoformat() for day in days]
    assert [g["group"]["date"] for g in groups.body["groups"]] == starts
    assert starts[1].endswith("-04:00")  # the first of the two midnights of 2 November
