"""Statistics per series and period from the rollup tables, built as JSON on the server.

UTC days, weeks and months read the daily rollup (its quantiles are stored once a day is over);
other zones and hours read the hourly rollup, grouped by local period, with sketches merged per period.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from analytics.db.rollup_sql import DAILY_QUANTILES, quantiles_of
from analytics.rollups import Interval, PeriodStatistics, SeriesFilters, local_start, population_stddev

SERIES = "metric_name, service_name, metric_type, unit"


def _where(filters: SeriesFilters, time_column: str) -> tuple[str, dict[str, Any]]:
    clauses = [f"{time_column} >= :start", f"{time_column} < :end"]
    params: dict[str, Any] = {"start": filters.start, "end": filters.end}
    for column in ("service_name", "metric_type", "metric_name"):
        value = getattr(filters, column)
        if value is not None:
            clauses.append(f"{column} = :{column}")
            params[column] = str(value)
    return " AND ".join(clauses), params


def _utc_days(filters: SeriesFilters) -> tuple[str, dict[str, Any]]:
    where, params = _where(filters, "day")
    params |= {"start": filters.start.date(), "end": filters.end.date()}
    sql = f"""
      SELECT coalesce(json_agg(json_build_array(day, {SERIES}, count, sum, min, max, sum_squares,
                                                {DAILY_QUANTILES}) ORDER BY day, {SERIES}), '[]')::text
      FROM metric_rollups_daily WHERE {where}"""
    return sql, params


def _merged(
    filters: SeriesFilters, interval: Interval, tz: str, utc_daily: bool
) -> tuple[str, dict[str, Any]]:
    if utc_daily:
        where, params = _where(filters, "day")
        params |= {"start": filters.start.date(), "end": filters.end.date()}
        table, period = "metric_rollups_daily", f"date_trunc('{interval}', day::timestamp)"
    else:
        where, params = _where(filters, "bucket_start")
        table, period = "metric_rollups_hourly", f"date_trunc('{interval}', bucket_start AT TIME ZONE :tz)"
        params["tz"] = tz
    sql = f"""
      WITH source AS (
        SELECT {period} AS period, {SERIES}, count, sum, min, max, sum_squares, sketch
        FROM {table} WHERE {where}
      ), figures AS (
        SELECT period, {SERIES}, sum(count) AS count, sum(sum) AS sum, min(min) AS min, max(max) AS max,
               sum(sum_squares) AS sum_squares
        FROM source GROUP BY period, {SERIES}
      ), buckets AS (
        SELECT period, {SERIES}, bucket.key, sum(bucket.value::bigint) AS n
        FROM source, jsonb_each_text(sketch) AS bucket GROUP BY period, {SERIES}, bucket.key
      ), sketches AS (
        SELECT period, {SERIES}, jsonb_object_agg(key, n) AS sketch FROM buckets GROUP BY period, {SERIES}
      )
      SELECT coalesce(json_agg(json_build_array(f.period, f.metric_name, f.service_name, f.metric_type,
                                                f.unit, f.count, f.sum, f.min, f.max, f.sum_squares,
                                                {quantiles_of("s.sketch")})
                               ORDER BY f.period, f.metric_name), '[]')::text
      FROM figures f JOIN sketches s USING (period, {SERIES})"""
    return sql, params


def period_statistics(
    session: Session, filters: SeriesFilters, interval: Interval, tz: str
) -> list[PeriodStatistics]:
    utc = tz == "UTC"
    if utc and interval is Interval.DAY:
        sql, params = _utc_days(filters)
    else:
        sql, params = _merged(filters, interval, tz, utc_daily=utc and interval is not Interval.HOUR)
    rows = json.loads(session.execute(text(sql), params).scalar_one())
    return [_statistics(row, tz) for row in rows]


def _statistics(row: list[Any], tz: str) -> PeriodStatistics:
    period, name, service, metric_type, unit, count, total, low, high, squares, quantiles = row
    p50, p90, p95, p99 = quantiles or (None, None, None, None)
    return PeriodStatistics(
        period_start=local_start(period, tz),
        service_name=service,
        metric_type=metric_type,
        metric_name=name,
        unit=unit or None,
        count=count,
        sum=total,
        avg=total / count,
        min=low,
        max=high,
        stddev=population_stddev(count, total, squares),
        p50=p50,
        p90=p90,
        p95=p95,
        p99=p99,
    )
