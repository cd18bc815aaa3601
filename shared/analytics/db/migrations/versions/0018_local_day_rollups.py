"""Rollups per local day of the zones the organisation reads its answers in (setting ROLLUP_ZONES).

A local day of New York, Berlin or Kolkata is not a sum of UTC days, and merging it from 24 hourly rows
(or the raw rows, for a zone whose offset is not whole hours) made every answer in local time several
times slower than in UTC. Each row is one series' local day in one zone, built from the raw rows by the
daily maintenance once the day is over, with its quantiles. `built_from` and `built_from_days` are the sum
and number of the versions of the UTC daily rows the local day overlaps (one or two): a reader uses the
row only while they are unchanged, and reads the day's raw rows otherwise (late data, a deletion). A
series-day whose daily rows hold no value of the local day has a row of count 0 (min, max and quantiles
NULL), so that it is known to be empty.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FIGURES = "count, sum, min, max, m2, quantiles, built_from, built_from_days"


def upgrade() -> None:
    op.execute("""
CREATE TABLE metric_rollups_local_daily (
  zone varchar(64) NOT NULL,
  day date NOT NULL,
  metric_name varchar(255) NOT NULL,
  service_name service_name_enum NOT NULL,
  metric_type metric_type_enum NOT NULL,
  unit varchar(50) NOT NULL DEFAULT '',
  count bigint NOT NULL,
  sum double precision NOT NULL,
  min double precision,
  max double precision,
  m2 double precision NOT NULL,
  sketch jsonb NOT NULL,
  quantiles double precision[],
  built_from bigint NOT NULL,
  built_from_days integer NOT NULL,
  PRIMARY KEY (zone, metric_name, service_name, metric_type, unit, day)
)""")
    op.execute(
        "CREATE INDEX ix_metric_rollups_local_daily_day ON metric_rollups_local_daily (zone, day) "
        f"INCLUDE (metric_name, service_name, metric_type, unit, {FIGURES})"
    )


def downgrade() -> None:
    op.execute("DROP TABLE metric_rollups_local_daily")
