"""SQL fragments over the rollup tables, shared by the stores and the queries."""

QUANTILE_LEVELS = (0.5, 0.9, 0.95, 0.99)


def quantiles_of(sketch_column: str) -> str:
    """p50, p90, p95 and p99 of a sketch column, as a double precision[]."""
    levels = ",".join(str(q) for q in QUANTILE_LEVELS)
    return f"sketch_quantiles({sketch_column}, '{{{levels}}}'::double precision[])"


QUANTILES_OF_SKETCH = quantiles_of("sketch")
# A daily row's quantiles: stored once the day is over, computed from the sketch until then.
DAILY_QUANTILES = f"coalesce(quantiles, {QUANTILES_OF_SKETCH})"

HOUR_OF = "date_trunc('hour', \"timestamp\", 'UTC')"
UTC_DAY_OF = "(\"timestamp\" AT TIME ZONE 'UTC')::date"


def rebuild_from_raw(table: str, key_column: str, bucket_expression: str, where: str = "TRUE") -> str:
    """INSERT of the rollup rows of `table` computed from the raw metrics that match `where`."""
    return f"""
INSERT INTO {table} (metric_name, service_name, metric_type, unit, {key_column},
                     count, sum, min, max, sum_squares, sketch)
SELECT metric_name, service_name, metric_type, unit, {key_column},
       sum(n), sum(total), min(low), max(high), sum(squares), jsonb_object_agg(bucket, n)
FROM (
  SELECT metric_name, service_name, metric_type, coalesce(metric_unit, '') AS unit,
         {bucket_expression} AS {key_column}, sketch_bucket(metric_value) AS bucket,
         count(*) AS n, sum(metric_value) AS total, min(metric_value) AS low, max(metric_value) AS high,
         sum(metric_value * metric_value) AS squares
  FROM metrics
  WHERE {where}
  GROUP BY 1, 2, 3, 4, 5, 6
) AS per_bucket
GROUP BY 1, 2, 3, 4, 5
"""


REBUILD_HOURLY = rebuild_from_raw("metric_rollups_hourly", "bucket_start", HOUR_OF)
REBUILD_DAILY = rebuild_from_raw("metric_rollups_daily", "day", UTC_DAY_OF)
