"""Query benchmark: daily count/sum/avg/min/max/p95 over three years of 10 million raw metrics,
answered from the rollups (through the domain) vs a plain SQL query over the raw table, same run.
UTC days come from the daily rollups; days in another zone (New York) are merged from hourly ones.
A breakdown by a dimension, as insights ask for it, reads whole days from the dimension rollups.

    python -m tests.benchmarks.queries [--rows 10000000] [--data-dir .local/bench-queries]

The data set is generated once into the data folder and reused by later runs. Target: the rollup
answer under 50 ms p50 and at least 100 times faster than raw.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
from functools import partial
from pathlib import Path

from sqlalchemy import text

from analytics.db.engine import get_engine
from analytics.db.maintenance import roll_up_dimensions
from analytics.db.partitions import ensure_months
from analytics.db.rollup_sql import QUANTILES_OF_SKETCH, REBUILD_DAILY, REBUILD_HOURLY, REFRESH_MONTHLY
from analytics.enums import ServiceName
from analytics.services import statistics as statistics_service
from analytics.statistics import StatisticsQuery, zone_of
from analytics.wiring import unit_of_work
from tests.benchmarks.common import benchmark_database, median, timed

METRICS = 50
YEARS = 3
CHUNK = 1_000_000
ONE_METRIC = "metric_7"
QUESTIONS = (  # label, metric (None for all), zone of the days
    (f"one metric ({ONE_METRIC})", ONE_METRIC, "UTC"),
    (f"one metric ({ONE_METRIC}), New York days", ONE_METRIC, "America/New_York"),
    ("all metrics", None, "UTC"),
)

SERVICES = "ARRAY['partners_crm','projects','social_media','notification','content']::service_name_enum[]"
TYPES = "ARRAY['donation','beneficiary','engagement','notification','conversion']::metric_type_enum[]"
GENERATE = f"""
INSERT INTO metrics (id, service_name, metric_type, metric_name, metric_value, metric_unit, dimensions,
                     "timestamp", date, meta)
SELECT gen_random_uuid(), ({SERVICES})[mod(g, 5) + 1], ({TYPES})[mod(g, 5) + 1],
       'metric_' || mod(g, CAST(:metrics AS bigint)), round((exp(3 + random() * 3))::numeric, 2), 'count',
       jsonb_build_object('country', (ARRAY['US','KE','GB','DE'])[mod(g, 4) + 1],
                          'channel', (ARRAY['email','sms','push'])[mod(g / 5, 3) + 1]), ts,
       (ts AT TIME ZONE 'UTC')::date, '{{}}'
FROM (
  SELECT g, CAST(:end AS timestamptz)
            - random() * (CAST(:end AS timestamptz) - CAST(:start AS timestamptz)) AS ts
  FROM generate_series(CAST(:first AS bigint), CAST(:last AS bigint)) AS g
) AS source
"""

RAW = """
SELECT metric_name, {day}, count(*), sum(metric_value), avg(metric_value), min(metric_value),
       max(metric_value), percentile_cont(0.95) WITHIN GROUP (ORDER BY metric_value)
FROM metrics WHERE "timestamp" >= :start AND "timestamp" < :end {metric_filter}
GROUP BY 1, 2
"""


def load(rows: int, start: dt.datetime, end: dt.datetime) -> None:
    engine = get_engine()
    with engine.connect() as connection:
        present = connection.execute(text("SELECT count(*) FROM metrics")).scalar_one()
        with_channel = connection.execute(text("SELECT dimensions ? 'channel' FROM metrics LIMIT 1")).scalar()
    if present == rows and with_channel:
        print(f"reusing {rows:,} metrics already loaded")
    else:
        generate(rows, start, end)
    began = time.perf_counter()
    with engine.begin() as connection:
        months = connection.execute(text(REFRESH_MONTHLY)).rowcount
        connection.execute(text("ANALYZE metric_rollups_monthly"))
    days, _ = roll_up_dimensions(oldest=start.date(), seconds=3600)
    with engine.begin() as connection:
        connection.execute(text("ANALYZE metric_dimension_rollups_daily"))
    print(
        f"rolled up {months:,} series-months and the breakdown dimensions of {days:,} series-days, "
        f"as the daily maintenance does, in {time.perf_counter() - began:.0f}s"
    )


def generate(rows: int, start: dt.datetime, end: dt.datetime) -> None:
    engine = get_engine()
    with engine.begin() as connection:
        connection.execute(
            text(
                "TRUNCATE metrics, metric_keys, metric_rollups_hourly, metric_rollups_daily, "
                "metric_rollups_monthly, metric_dimension_rollups_daily"
            )
        )
        ensure_months(connection, "metrics", start.date(), end.date())
    began = time.perf_counter()
    for first in range(1, rows + 1, CHUNK):
        last = min(first + CHUNK - 1, rows)
        with engine.begin() as connection:
            params = {"first": first, "last": last, "metrics": METRICS, "start": start, "end": end}
            connection.execute(text(GENERATE), params)
        print(f"  raw metrics {last:,}/{rows:,} ({time.perf_counter() - began:.0f}s)")
    with engine.begin() as connection:
        print("  building hourly and daily rollups from the raw rows...")
        connection.execute(text(REBUILD_HOURLY))
        connection.execute(text(REBUILD_DAILY))
        connection.execute(text(f"UPDATE metric_rollups_daily SET quantiles = {QUANTILES_OF_SKETCH}"))
        connection.execute(text("ANALYZE"))
    print(f"loaded in {time.perf_counter() - began:.0f}s")


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


def three_years_of_days(tz: str) -> tuple[dt.datetime, dt.datetime]:
    """From the local midnight YEARS * 365 days ago to the last local midnight."""
    end = dt.datetime.now(zone_of(tz)).replace(hour=0, minute=0, second=0, microsecond=0)
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
    parser.add_argument("--data-dir", type=Path, default=Path(".local/bench-queries"))
    parser.add_argument("--raw-runs", type=int, default=3)
    parser.add_argument("--rollup-runs", type=int, default=30)
    args = parser.parse_args()
    args.data_dir.mkdir(parents=True, exist_ok=True)

    start, end = three_years_of_days("UTC")
    os.environ["CACHE_ENABLED"] = "false"  # every run asks the database
    with benchmark_database(args.data_dir):
        print(f"data: {args.rows:,} metrics of {METRICS} series over {YEARS} years")
        load(args.rows, start, end)
        for label, metric, tz in QUESTIONS:
            asked = (*three_years_of_days(tz), metric, tz)
            raw_rows, rollup_rows = raw_answer(*asked), rollup_answer(*asked)
            assert raw_rows == rollup_rows, (raw_rows, rollup_rows)
            raw = median([timed(partial(raw_answer, *asked)) for _ in range(args.raw_runs)])
            rollup = median([timed(partial(rollup_answer, *asked)) for _ in range(args.rollup_runs)])
            print(
                f"{label}, per day over {YEARS} years ({rollup_rows:,} rows): raw p50 {raw * 1000:,.1f} ms, "
                f"rollups p50 {rollup * 1000:,.1f} ms, {raw / rollup:,.0f}x faster"
            )
        asked_breakdown = three_years_of_days("Europe/Berlin")  # its edges are read from raw rows
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
