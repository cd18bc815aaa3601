"""The simple API's questions in PostgreSQL: each one statement that PostgreSQL aggregates, never rows
loaded into Python; and its development deletes, which rebuild the rollups they touch from raw rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from analytics.db.rollup_sql import HOUR_OF, UTC_DAY_OF, rebuild_from_raw
from analytics.db.tiles import Tiles, within
from analytics.enums import ServiceName
from analytics.schemas.simple import MetricFigures

# The period tiled (analytics.db.tiles): whole UTC days from the daily rollup, whole hours around them from
# the hourly one, the partial hours at either end from raw rows. Exact (counts, sums, minima and maxima add
# up), and a three-year period reads ~1,100 rollup rows instead of every raw row.
FIGURES = """
SELECT coalesce(sum(n), 0)::bigint AS count, coalesce(sum(total), 0) AS sum,
       sum(total) / nullif(sum(n), 0)::double precision AS average, min(low) AS min, max(high) AS max
FROM (
  SELECT count, sum, min, max FROM metric_rollups_daily
  WHERE metric_name = :name AND service_name = :service AND day >= :first_day AND day < :last_day
  UNION ALL
  SELECT count, sum, min, max FROM metric_rollups_hourly
  WHERE metric_name = :name AND service_name = :service AND {hours}
  UNION ALL
  SELECT count(*), sum(metric_value), min(metric_value), max(metric_value) FROM metrics
  WHERE metric_name = :name AND service_name = :service AND {raw}
) AS parts(n, total, low, high)
"""

# The daily rollup has a row per series and day, kept beyond the raw rows' retention: far fewer rows
# to read than the raw metrics. Names in code point order, as Python sorts them.
METRIC_COUNTS = """
SELECT metric_name, sum(count)::bigint FROM metric_rollups_daily
WHERE service_name = :service
GROUP BY metric_name ORDER BY metric_name COLLATE "C"
"""

COUNT_EVENTS = "SELECT count(*) FROM events"

# The series' raw rows and their idempotency keys, so that a key sent again stores a new metric.
DELETE_METRICS = """
WITH gone AS (
  DELETE FROM metrics WHERE service_name = :service AND metric_name = :name RETURNING idempotency_key
), forgotten_keys AS (
  DELETE FROM metric_keys WHERE idempotency_key IN (SELECT idempotency_key FROM gone)
)
SELECT count(*) FROM gone
"""

# The rollups of a series (every type and unit of a service's metric name) rebuilt from the raw rows
# that remain: none after DELETE_METRICS, unless a writer committed some since. Rollup rows whose raw
# rows retention has already dropped go too: clearing a metric clears its whole history. Monthly rows
# and dimension rows are only dropped: the daily maintenance builds them again from the daily and raw rows
# (a breakdown reads raw rows meanwhile).
SERIES = "service_name = :service AND metric_name = :name"
REBUILD_SERIES = (
    f"DELETE FROM metric_rollups_hourly WHERE {SERIES}",
    rebuild_from_raw("metric_rollups_hourly", "bucket_start", HOUR_OF, SERIES),
    f"DELETE FROM metric_rollups_daily WHERE {SERIES}",
    rebuild_from_raw("metric_rollups_daily", "day", UTC_DAY_OF, SERIES),
    f"DELETE FROM metric_rollups_monthly WHERE {SERIES}",
    f"DELETE FROM metric_dimension_rollups_daily WHERE {SERIES}",
)

DELETE_EVENTS = """
WITH gone AS (DELETE FROM events RETURNING 1), forgotten_keys AS (DELETE FROM event_keys)
SELECT count(*) FROM gone
"""


class SqlSimpleStore:
    def __init__(self, session: Session) -> None:
        self._session = session

    def metric_counts(self, service: ServiceName) -> dict[str, int]:
        rows = self._session.execute(text(METRIC_COUNTS), {"service": service.value})
        return {name: count for name, count in rows}

    def metric_figures(
        self, service: ServiceName, metric_name: str, start: dt.datetime, end: dt.datetime
    ) -> MetricFigures:
        tiles = Tiles.of(start, end)
        params: dict[str, Any] = {
            "service": service.value,
            "name": metric_name,
            "first_day": tiles.first_day,
            "last_day": tiles.last_day,
        }
        hours = within("bucket_start", "hour", tiles.hours, params)
        raw = within('"timestamp"', "raw", tiles.raw, params)
        figures = FIGURES.format(hours=hours, raw=raw)
        row = self._session.execute(text(figures), params).mappings().one()
        return MetricFigures.model_validate(dict(row))

    def count_events(self) -> int:
        return int(self._session.execute(text(COUNT_EVENTS)).scalar_one())

    def delete_metrics(self, service: ServiceName, metric_name: str) -> int:
        params = {"service": service.value, "name": metric_name}
        deleted = int(self._session.execute(text(DELETE_METRICS), params).scalar_one())
        for statement in REBUILD_SERIES:
            self._session.execute(text(statement), params)
        return deleted

    def delete_events(self) -> int:
        return int(self._session.execute(text(DELETE_EVENTS)).scalar_one())
