"""Query benchmark: daily count/sum/avg/min/max/p95 over three years of 10 million raw metrics,
answered from the rollups (through the domain) vs a plain SQL query over the raw table, same run.
UTC days come from the daily rollups; days in another zone (New York) are merged from hourly ones.
A breakdown by a dimension, as insights ask for it, reads whole days from the dimension rollups.

    python -m tests.benchmarks.queries [--rows 10000000]

The data set is generated once into its own folder per row count and reused by later runs
(tests.benchmarks.dataset). Target: the rollup answer under 50 ms p50 and at least 100 times faster
than raw.
"""

from __future__ import annotations

import argparse
import datetime as dt
from functools import partial

from sqlalchemy import text

from analytics.db.engine import get_engine
from analytics.enums import ServiceName
from analytics.services import statistics as statistics_service
from analytics.statistics import StatisticsQuery, zone_of
from analytics.wiring import unit_of_work
from tests.benchmarks.common import median, timed
from tests.benchmarks.dataset import ONE_METRIC, YEARS, DataSet, data_set

QUESTIONS = (  # label, metric (None for all), zone of the days
    (f"one metric ({ONE_METRIC})", ONE_METRIC, "UTC"),
    (f"one metric ({ONE_METRIC}), New York days", ONE_METRIC, "America/New_York"),
    ("all metrics", None, "UTC"),
)

RAW = """
SELECT metric_name, {day}, count(*), sum(metric_value), avg(metric_value), min(metric_value),
       max(metric_value), percentile_cont(0.95) WITHIN GROUP (ORDER BY metric_value)
FROM metrics WHERE "timestamp" >= :start AND "timestamp" < :end {metric_filter}
GROUP BY 1, 2
"""


def raw_answer(start: dt.datetime, end: dt.datetime, metric: str | None, tz: str) -> int:
    metric_filter = "AND metric_name = :metric" if metric else ""
    day = "date" if tz == "UTC" else '("timestamp" AT TIME ZONE :tz)::date'  # `date` is the UTC day
    with get_engine().connect() as connection:
        rows = connection.execute(
            text(RAW.format(day=day, metric_filter=metric_filter)),
            {"start": start, "end": end, "metric": metric, "tz": tz},
        )
        return len(rows.all())


def rollup_answer(start: dt.datetime, end: dt.datetime, metric: str | None, tz: str) -> int:
    """The statistics service's answer, as the statistics endpoint gets it (never from its cache)."""
    query = StatisticsQuery(start=start, end=end, tz=tz, metric_name=metric, group_by=("metric_name", "date"))
    return len(statistics_service.statistics(unit_of_work(), query).groups)


def three_years_of_days(tz: str, data: DataSet) -> tuple[dt.datetime, dt.datetime]:
    """The YEARS * 365 local days up to the data set's last day, from local midnight to local midnight."""
    end = dt.datetime.combine(data.last_day + dt.timedelta(days=1), dt.time(0), tzinfo=zone_of(tz))
    return end - dt.timedelta(days=365 * YEARS), end


BREAKDOWN_SERVICE = ServiceName.NOTIFICATION
RAW_BREAKDOWN = """
SELECT metric_name, dimensions->>'channel', count(*), sum(metric_value), min(metric_value), max(metric_value)
FROM metrics WHERE "timestamp" >= :start AND "timestamp" < :end AND service_name = :service
GROUP BY 1, 2
"""


def raw_breakdown(start: dt.datetime, end: dt.datetime) -> int:
    with get_engine().connect() as connection:
        params = {"start": start, "end": end, "service": BREAKDOWN_SERVICE.value}
        return len(connection.execute(text(RAW_BREAKDOWN), params).all())


def rollup_breakdown(start: dt.datetime, end: dt.datetime) -> int:
    """An insights breakdown: one service's metrics per channel (whole days from the dimension rollups)."""
    query = StatisticsQuery(
        start=start, end=end, service_name=BREAKDOWN_SERVICE, group_by=("metric_name", "dimensions.channel")
    )
    return len(statistics_service.statistics(unit_of_work(), query, percentiles=False).groups)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--raw-runs", type=int, default=3)
    parser.add_argument("--rollup-runs", type=int, default=30)
    args = parser.parse_args()

    with data_set(args.rows) as data:
        for label, metric, tz in QUESTIONS:
            asked = (*three_years_of_days(tz, data), metric, tz)
            raw_rows, rollup_rows = raw_answer(*asked), rollup_answer(*asked)
            assert raw_rows == rollup_rows, (raw_rows, rollup_rows)
            raw = median([timed(partial(raw_answer, *asked)) for _ in range(args.raw_runs)])
            rollup = median([timed(partial(rollup_answer, *asked)) for _ in range(args.rollup_runs)])
            print(
                f"{label}, per day over {YEARS} years ({rollup_rows:,} rows): raw p50 {raw * 1000:,.1f} ms, "
                f"rollups p50 {rollup * 1000:,.1f} ms, {raw / rollup:,.0f}x faster"
            )
        asked_breakdown = three_years_of_days("Europe/Berlin", data)  # its edges are read from raw rows
        assert raw_breakdown(*asked_breakdown) == rollup_breakdown(*asked_breakdown)
        raw = median([timed(partial(raw_breakdown, *asked_breakdown)) for _ in range(args.raw_runs)])
        rollup = median([timed(partial(rollup_breakdown, *asked_breakdown)) for _ in range(args.rollup_runs)])
        print(
            f"{BREAKDOWN_SERVICE} metrics per channel over {YEARS} years in Berlin (count, sum, min, max): "
            f"raw p50 {raw * 1000:,.1f} ms, rollups p50 {rollup * 1000:,.1f} ms, {raw / rollup:,.0f}x faster"
        )
        print("targets: rollups under 50 ms p50 and at least 100x faster than raw")


if __name__ == "__main__":
    main()
