"""Monthly rollups, built from the daily ones by the daily maintenance, for answers over long periods.

Merging a year of daily sketches per question is too slow (tens of thousands of rows); twelve monthly
sketches are not. Every write to a daily row takes a new `version` from a sequence; a monthly row
records how many daily rows it was built from and the sum of their versions. A reader uses it only
when the month's days in its period have that same count and sum, which (versions only grow) means
they are exactly the days it was built from; otherwise it reads the daily rows.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SERIES = "metric_name, service_name, metric_type, unit"
SAME_SERIES = (
    "(d.metric_name, d.service_name, d.metric_type, d.unit) "
    "= (m.metric_name, m.service_name, m.metric_type, m.unit)"
)

# The monthly rows whose daily rows changed since they were built, or that do not exist yet, rebuilt
# from the daily rows, in this revision's columns (sum_squares, which 0013 turns into m2): written out
# here, as analytics.db.rollup_sql now writes the current schema's.
REFRESH_MONTHLY = f"""
WITH versions AS (
  SELECT {SERIES}, date_trunc('month', day)::date AS month, sum(version)::bigint AS built_from,
         count(*)::integer AS built_from_days
  FROM metric_rollups_daily GROUP BY {SERIES}, 5
), stale AS (
  SELECT v.* FROM versions v LEFT JOIN metric_rollups_monthly m USING ({SERIES}, month)
  WHERE (m.built_from, m.built_from_days) IS DISTINCT FROM (v.built_from, v.built_from_days)
), members AS MATERIALIZED (
  SELECT m.metric_name, m.service_name, m.metric_type, m.unit, m.month, m.built_from, m.built_from_days,
         d.count, d.sum, d.min, d.max, d.sum_squares, d.sketch
  FROM stale m JOIN metric_rollups_daily d
    ON {SAME_SERIES} AND d.day >= m.month AND d.day < (m.month + interval '1 month')::date
), sketches AS (
  SELECT {SERIES}, month, jsonb_object_agg(key, n) AS sketch
  FROM (
    SELECT {SERIES}, month, b.key, sum(b.value::bigint) AS n
    FROM members, jsonb_each_text(sketch) AS b GROUP BY {SERIES}, month, b.key
  ) AS per_bucket
  GROUP BY {SERIES}, month
)
INSERT INTO metric_rollups_monthly
  ({SERIES}, month, count, sum, min, max, sum_squares, sketch, built_from, built_from_days)
SELECT {SERIES}, month, f.count, f.sum, f.min, f.max, f.sum_squares, s.sketch, f.built_from, f.built_from_days
FROM (
  SELECT {SERIES}, month, built_from, built_from_days, sum(count)::bigint AS count, sum(sum) AS sum,
         min(min) AS min, max(max) AS max, sum(sum_squares) AS sum_squares
  FROM members GROUP BY {SERIES}, month, built_from, built_from_days
) AS f JOIN sketches s USING ({SERIES}, month)
ON CONFLICT ({SERIES}, month) DO UPDATE SET
  count = excluded.count, sum = excluded.sum, min = excluded.min, max = excluded.max,
  sum_squares = excluded.sum_squares, sketch = excluded.sketch, built_from = excluded.built_from,
  built_from_days = excluded.built_from_days
"""


def upgrade() -> None:
    op.execute("CREATE SEQUENCE metric_rollup_versions")
    op.execute(
        "ALTER TABLE metric_rollups_daily "
        "ADD COLUMN version bigint NOT NULL DEFAULT nextval('metric_rollup_versions')"
    )
    op.execute("""
        CREATE TABLE metric_rollups_monthly (
          metric_name varchar(255) NOT NULL,
          service_name service_name_enum NOT NULL,
          metric_type metric_type_enum NOT NULL,
          unit varchar(50) NOT NULL DEFAULT '',
          month date NOT NULL,
          count bigint NOT NULL,
          sum double precision NOT NULL,
          min double precision NOT NULL,
          max double precision NOT NULL,
          sum_squares double precision NOT NULL,
          sketch jsonb NOT NULL,
          built_from bigint NOT NULL,
          built_from_days integer NOT NULL,
          CONSTRAINT pk_metric_rollups_monthly
            PRIMARY KEY (metric_name, service_name, metric_type, unit, month)
        )""")
    op.execute("CREATE INDEX ix_metric_rollups_monthly_month ON metric_rollups_monthly (month)")
    op.execute(REFRESH_MONTHLY)


def downgrade() -> None:
    op.execute("DROP TABLE metric_rollups_monthly")
    op.execute("ALTER TABLE metric_rollups_daily DROP COLUMN version")
    op.execute("DROP SEQUENCE metric_rollup_versions")
