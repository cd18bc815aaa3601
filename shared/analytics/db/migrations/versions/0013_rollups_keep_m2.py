"""The rollups keep the sum of squared deviations from their own mean (`m2`) instead of the sum of squares.

The standard deviation read from the rollups was sqrt(sum_squares / count - mean^2), which cancels
catastrophically once the mean is large against the spread: ten values 1e9 + 0.1 * i gave 0.0 where the
raw rows' stddev_pop gives 0.2872, five values 1.7e12 + i gave 0.0 where it gives 1.414. `m2` is what
stddev_pop accumulates itself: each rollup row's comes from its raw rows (var_pop * count), and rows are
added up with Chan et al.'s formula (analytics.db.rollup_sql), so the deviation is sqrt(m2 / count).

Existing rows are converted, m2 = sum_squares - sum^2 / count (at least 0), which is exactly as good as
the answers were. Then the hourly and daily rows whose raw rows are all still there (as many as they
count) are computed again from those rows, exactly, in one aggregate over the raw rows each, and the
monthly rows still built from their days' current rows are added up again from those days. Dimension
rollups are only converted: the daily maintenance rebuilds them from raw rows when their day changes.
The downgrade turns m2 back into sum_squares = m2 + sum^2 / count.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-24
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (
    "metric_rollups_hourly",
    "metric_rollups_daily",
    "metric_rollups_monthly",
    "metric_dimension_rollups_daily",
)
SERIES = "metric_name, service_name, metric_type, unit"

# The raw rows of each series per hourly or daily row key, as the rollups bucket them.
FROM_RAW_ROWS = {
    "metric_rollups_hourly": (
        "bucket_start",
        "date_bin('1 hour', \"timestamp\", TIMESTAMPTZ '2000-01-01 00:00+00')",
    ),
    "metric_rollups_daily": ("day", "(\"timestamp\" AT TIME ZONE 'UTC')::date"),
}


def _recompute_from_raw(table: str, key_column: str, bucket_expression: str) -> str:
    return f"""
UPDATE {table} r SET m2 = raw.m2
FROM (
  SELECT metric_name, service_name, metric_type, coalesce(metric_unit, '') AS unit,
         {bucket_expression} AS {key_column}, count(*) AS count, var_pop(metric_value) * count(*) AS m2
  FROM metrics
  GROUP BY 1, 2, 3, 4, 5
) AS raw
WHERE (r.metric_name, r.service_name, r.metric_type, r.unit, r.{key_column}, r.count)
    = (raw.metric_name, raw.service_name, raw.metric_type, raw.unit, raw.{key_column}, raw.count)"""


# A month's m2 from its days' (Chan et al.): theirs, plus count * (day mean - month mean)^2 per day.
MONTHS_FROM_DAYS = f"""
UPDATE metric_rollups_monthly m SET m2 = f.m2
FROM (
  SELECT {SERIES}, month, sum(version) AS built_from, count(*) AS built_from_days, sum(m2_in_month) AS m2
  FROM (
    SELECT {SERIES}, month, version,
           m2 + count * (sum / count - sum(sum) OVER days / sum(count) OVER days) ^ 2 AS m2_in_month
    FROM (SELECT *, date_trunc('month', day)::date AS month FROM metric_rollups_daily) AS d
    WINDOW days AS (PARTITION BY {SERIES}, month)
  ) AS d
  GROUP BY {SERIES}, month
) AS f
WHERE (m.metric_name, m.service_name, m.metric_type, m.unit, m.month, m.built_from, m.built_from_days)
    = (f.metric_name, f.service_name, f.metric_type, f.unit, f.month, f.built_from, f.built_from_days)"""


def upgrade() -> None:
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} RENAME COLUMN sum_squares TO m2")
        op.execute(f"UPDATE {table} SET m2 = greatest(m2 - sum * sum / count, 0)")
    for table, (key_column, bucket_expression) in FROM_RAW_ROWS.items():
        op.execute(_recompute_from_raw(table, key_column, bucket_expression))
    op.execute(MONTHS_FROM_DAYS)


def downgrade() -> None:
    for table in TABLES:
        op.execute(f"UPDATE {table} SET m2 = m2 + sum * sum / count")
        op.execute(f"ALTER TABLE {table} RENAME COLUMN m2 TO sum_squares")
