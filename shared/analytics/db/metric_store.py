"""Metrics in PostgreSQL: bulk loading with idempotency keys and rollups kept in step, and reads."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from pydantic import TypeAdapter
from sqlalchemy import ColumnElement, select, text
from sqlalchemy.orm import Session

from analytics.db.json_batch import Skipped, store_counting, store_reporting_each_item, unpack
from analytics.db.models import Metric
from analytics.db.paging import page_of
from analytics.db.rollup_sql import ADD_NEW_SKETCH, HOUR_OF, M2_OF_RAW, UTC_DAY_OF, rebuild_from_raw
from analytics.ports import InsertOutcome
from analytics.schemas.ingest import MessageItems
from analytics.schemas.metrics import MetricCreate, MetricFields, MetricFilters, MetricResponse
from analytics.statistics import BREAKDOWN_DIMENSIONS

ITEMS: TypeAdapter[list[MetricFields | Skipped]] = TypeAdapter(list[MetricFields | Skipped])

ITEM_COLUMNS = (
    "service_name service_name_enum, metric_type metric_type_enum, metric_name text, value double precision, "
    'unit text, dimensions jsonb, "timestamp" timestamptz, meta jsonb, idempotency_key text'
)

# A batch's hour or day (`excluded`) added to the stored row `r` (Chan et al.): each one's sum of squared
# deviations from its own mean (m2), plus what the distance between the two means adds.
MERGE_M2 = (
    "r.m2 + excluded.m2 + (excluded.sum / excluded.count - r.sum / r.count) ^ 2 "
    "* r.count * excluded.count / (r.count + excluded.count)"
)

# New keys first (one row per key, the first occurrence wins), then the metrics whose key is new or
# absent, then the hourly and daily rollups of exactly those rows: one statement, one snapshot.
STORE = f"""
WITH staged AS MATERIALIZED (
  SELECT ord, gen_random_uuid() AS id, service_name, metric_type, metric_name, value AS metric_value,
         nullif(unit, '') AS metric_unit, coalesce(dimensions, '{{}}') AS dimensions,
         coalesce("timestamp", sent_at) AS "timestamp", coalesce(meta, '{{}}') AS meta,
         coalesce(idempotency_key, 'sqs:' || message_id || ':' || position) AS idempotency_key
  FROM ({unpack(ITEM_COLUMNS)}) AS batch
  WHERE metric_name IS NOT NULL
), new_keys AS (
  INSERT INTO metric_keys (idempotency_key, metric_id, metric_timestamp)
  SELECT DISTINCT ON (idempotency_key) idempotency_key, id, "timestamp"
  FROM staged WHERE idempotency_key IS NOT NULL
  ORDER BY idempotency_key, ord
  ON CONFLICT DO NOTHING
  RETURNING idempotency_key, metric_id
), inserted AS (
  INSERT INTO metrics (id, service_name, metric_type, metric_name, metric_value, metric_unit,
                       dimensions, "timestamp", date, meta, idempotency_key)
  SELECT id, service_name, metric_type, metric_name, metric_value, metric_unit,
         dimensions, "timestamp", ("timestamp" AT TIME ZONE 'UTC')::date, meta, idempotency_key
  FROM staged s
  WHERE s.idempotency_key IS NULL OR s.id IN (SELECT metric_id FROM new_keys)
  RETURNING id, metric_name, service_name, metric_type, coalesce(metric_unit, '') AS unit,
            "timestamp", metric_value
), per_hour_bucket AS (
  SELECT metric_name, service_name, metric_type, unit, {HOUR_OF} AS hour,
         sketch_bucket(metric_value) AS bucket, count(*) AS n, sum(metric_value) AS total,
         min(metric_value) AS low, max(metric_value) AS high
  FROM inserted GROUP BY 1, 2, 3, 4, 5, 6
), per_day_bucket AS (
  SELECT metric_name, service_name, metric_type, unit, (hour AT TIME ZONE 'UTC')::date AS day, bucket,
         sum(n) AS n, sum(total) AS total, min(low) AS low, max(high) AS high
  FROM per_hour_bucket GROUP BY 1, 2, 3, 4, 5, 6
), spread AS (  -- the m2 of each new hour and of each new day, in one pass
  SELECT metric_name, service_name, metric_type, unit, hour, day, {M2_OF_RAW} AS m2
  FROM (SELECT *, {HOUR_OF} AS hour, {UTC_DAY_OF} AS day FROM inserted) AS new_rows
  GROUP BY metric_name, service_name, metric_type, unit, GROUPING SETS (hour, day)
), hourly AS (
  INSERT INTO metric_rollups_hourly AS r
    (metric_name, service_name, metric_type, unit, bucket_start, count, sum, min, max, m2, sketch)
  SELECT metric_name, service_name, metric_type, unit, hour, sum(n), sum(total), min(low), max(high),
         m2, jsonb_object_agg(bucket, n)
  FROM per_hour_bucket JOIN spread USING (metric_name, service_name, metric_type, unit, hour)
  GROUP BY 1, 2, 3, 4, 5, m2
  ORDER BY 1, 2, 3, 4, 5  -- one lock order for every writer: concurrent batches wait, never deadlock
  ON CONFLICT (metric_name, service_name, metric_type, unit, bucket_start) DO UPDATE SET
    count = r.count + excluded.count, sum = r.sum + excluded.sum, min = least(r.min, excluded.min),
    max = greatest(r.max, excluded.max), m2 = {MERGE_M2},
    sketch = {ADD_NEW_SKETCH}
), daily AS (
  INSERT INTO metric_rollups_daily AS r
    (metric_name, service_name, metric_type, unit, day, count, sum, min, max, m2, sketch)
  SELECT metric_name, service_name, metric_type, unit, day, sum(n), sum(total), min(low), max(high),
         m2, jsonb_object_agg(bucket, n)
  FROM per_day_bucket JOIN spread USING (metric_name, service_name, metric_type, unit, day)
  GROUP BY 1, 2, 3, 4, 5, m2
  ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (metric_name, service_name, metric_type, unit, day) DO UPDATE SET
    count = r.count + excluded.count, sum = r.sum + excluded.sum, min = least(r.min, excluded.min),
    max = greatest(r.max, excluded.max), m2 = {MERGE_M2},
    sketch = {ADD_NEW_SKETCH}, quantiles = NULL,
    version = nextval('metric_rollup_versions')
)
"""

# Each staged row's stored id (a repeated key maps to the first stored row), whether it is new, and its key;
# `metric_keys` here is the snapshot before the statement, `new_keys` what it added. A key that a concurrent
# transaction committed after that snapshot is in neither: its id is NULL (see store_reporting_each_item).
STORE_REPORTING_EACH_ROW = (
    STORE
    + """
SELECT coalesce(n.metric_id, k.metric_id, i.id) AS id, i.id IS NOT NULL AS created, s.idempotency_key
FROM staged s
LEFT JOIN inserted i ON i.id = s.id
LEFT JOIN new_keys n ON n.idempotency_key = s.idempotency_key
LEFT JOIN metric_keys k ON k.idempotency_key = s.idempotency_key
ORDER BY s.ord
"""
)

STORE_COUNTING = STORE + "SELECT count(*) FROM inserted"

# The stored ids of keys that a concurrent transaction committed after STORE_REPORTING_EACH_ROW's snapshot.
FIND_KEYS = (
    "SELECT idempotency_key, metric_id FROM metric_keys WHERE idempotency_key = ANY(CAST(:keys AS text[]))"
)

# Deletes clear and refill the hour and day rollups of their metric's series: two at once in the same
# series-day would each refill from raw rows that still hold the other's metric, or collide on the row
# the other refilled. This lock makes them take turns; READ COMMITTED then shows the later one the
# earlier one's committed rows, from its next statement on. Answers the metric's timestamp (no row: gone).
LOCK_SERIES_DAY = f"""
SELECT "timestamp", pg_advisory_xact_lock(hashtextextended(concat_ws(chr(31), 'metric_rollups', metric_name,
         service_name, metric_type, coalesce(metric_unit, ''), {UTC_DAY_OF}), 0))
FROM metrics WHERE id = :id
"""

# Deleting a metric frees its idempotency key, rebuilds the rollup rows it was part of from the raw rows
# that remain and drops its series-day's dimension rollups (whose staleness readers only notice while
# the day still has a daily row).
REBUILD_ROLLUPS = """
WITH gone AS (
  DELETE FROM metrics WHERE id = :id AND "timestamp" = :timestamp  -- its partition only
  RETURNING metric_name, service_name, metric_type, coalesce(metric_unit, '') AS unit, "timestamp"
), forget_key AS (  -- the same key may be stored again later
  DELETE FROM metric_keys WHERE metric_id = :id
), clear_hour AS (
  DELETE FROM metric_rollups_hourly r USING gone g
  WHERE (r.metric_name, r.service_name, r.metric_type, r.unit, r.bucket_start)
      = (g.metric_name, g.service_name, g.metric_type, g.unit, date_trunc('hour', g."timestamp", 'UTC'))
), clear_day AS (
  DELETE FROM metric_rollups_daily r USING gone g
  WHERE (r.metric_name, r.service_name, r.metric_type, r.unit, r.day)
      = (g.metric_name, g.service_name, g.metric_type, g.unit, (g."timestamp" AT TIME ZONE 'UTC')::date)
), clear_dimensions AS (  -- readers take the day from raw rows until the maintenance rolls it up again
  DELETE FROM metric_dimension_rollups_daily b USING gone g
  WHERE b.dimension_key = ANY(CAST(:dimension_keys AS text[]))
    AND (b.day, b.metric_name, b.service_name, b.metric_type, b.unit)
      = ((g."timestamp" AT TIME ZONE 'UTC')::date, g.metric_name, g.service_name, g.metric_type, g.unit)
)
SELECT metric_name, service_name, metric_type, unit, "timestamp" FROM gone
"""

# The rows of one series in one hour or day, as a rollup rebuild filter.
ONE_SERIES = (
    "metric_name = :metric_name AND service_name = :service_name AND metric_type = :metric_type "
    'AND coalesce(metric_unit, \'\') = :unit AND "timestamp" >= :start AND "timestamp" < :end'
)
REFILL_HOUR = rebuild_from_raw("metric_rollups_hourly", "bucket_start", HOUR_OF, ONE_SERIES)
REFILL_DAY = rebuild_from_raw("metric_rollups_daily", "day", UTC_DAY_OF, ONE_SERIES)


def to_response(row: Metric) -> MetricResponse:
    return MetricResponse(
        id=row.id,
        service_name=row.service_name,
        metric_type=row.metric_type,
        metric_name=row.metric_name,
        value=row.metric_value,
        unit=row.metric_unit,
        dimensions=row.dimensions,
        timestamp=row.timestamp,
        date=row.date,
        meta=row.meta,
        idempotency_key=row.idempotency_key,
        created_at=row.created_at,
    )


def conditions(filters: MetricFilters) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if filters.service_name is not None:
        where.append(Metric.service_name == filters.service_name)
    if filters.metric_type is not None:
        where.append(Metric.metric_type == filters.metric_type)
    if filters.metric_name is not None:
        where.append(Metric.metric_name == filters.metric_name)
    if filters.start is not None:
        where.append(Metric.timestamp >= filters.start)
    if filters.end is not None:
        where.append(Metric.timestamp < filters.end)
    for key, value in filters.dimensions.items():
        # Compared as text so that `dimensions.partner_id=123` matches both 123 and "123".
        where.append(Metric.dimensions.op("->>")(key) == value)
    return where


class SqlMetricStore:
    def __init__(self, session: Session) -> None:
        self._session = session

    def insert_many(self, metrics: Sequence[MetricCreate], default_time: dt.datetime) -> list[InsertOutcome]:
        return store_reporting_each_item(
            self._session, STORE_REPORTING_EACH_ROW, FIND_KEYS, metrics, default_time, ITEMS
        )

    def store(self, messages: Sequence[MessageItems[MetricFields]]) -> int:
        """Stores the messages' metrics; answers how many were new (the ingest queue's path)."""
        return store_counting(self._session, STORE_COUNTING, messages, ITEMS)

    def get(self, metric_id: uuid.UUID) -> MetricResponse | None:
        row = self._session.scalars(select(Metric).where(Metric.id == metric_id)).first()
        return to_response(row) if row is not None else None

    def delete(self, metric_id: uuid.UUID) -> bool:
        found = self._session.execute(text(LOCK_SERIES_DAY), {"id": metric_id}).first()
        if found is None:
            return False
        parameters = {"id": metric_id, "timestamp": found[0], "dimension_keys": list(BREAKDOWN_DIMENSIONS)}
        gone = self._session.execute(text(REBUILD_ROLLUPS), parameters).mappings().first()
        if gone is None:
            return False
        series = {key: gone[key] for key in ("metric_name", "service_name", "metric_type", "unit")}
        hour = gone["timestamp"].astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)
        self._session.execute(
            text(REFILL_HOUR), {**series, "start": hour, "end": hour + dt.timedelta(hours=1)}
        )
        day = hour.replace(hour=0)
        self._session.execute(text(REFILL_DAY), {**series, "start": day, "end": day + dt.timedelta(days=1)})
        return True

    def find(self, filters: MetricFilters, skip: int, limit: int) -> tuple[list[MetricResponse], int]:
        where = conditions(filters)
        rows, total = page_of(self._session, Metric, where, (Metric.timestamp.desc(), Metric.id), skip, limit)
        return [to_response(row) for row in rows], total
