"""Daily rollups per value of the breakdown dimensions (analytics.statistics.BREAKDOWN_DIMENSIONS).

Insights break a service's metrics down by a dimension (partner_type, platform, channel, ...), which
only the raw rows kept, so such a breakdown read every row of its period. This table holds, per UTC
day, series, breakdown key and value (NULL for rows without the key), the figures the other rollups
hold but the sketch. The daily maintenance builds it, off the ingest path, for the days whose daily
rollup row changed since: `built_from` is that row's `version` (migration 0004). A reader takes a day
from here only while every daily row of the day still has that version, and the rest from raw rows.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE metric_dimension_rollups_daily (
          metric_name varchar(255) NOT NULL,
          service_name service_name_enum NOT NULL,
          metric_type metric_type_enum NOT NULL,
          unit varchar(50) NOT NULL DEFAULT '',
          day date NOT NULL,
          dimension_key varchar(100) NOT NULL,
          dimension_value text,
          count bigint NOT NULL,
          sum double precision NOT NULL,
          min double precision NOT NULL,
          max double precision NOT NULL,
          sum_squares double precision NOT NULL,
          built_from bigint NOT NULL
        )""")
    op.execute("""
        CREATE UNIQUE INDEX uq_metric_dimension_rollups_daily ON metric_dimension_rollups_daily
          (dimension_key, day, metric_name, service_name, metric_type, unit, dimension_value)
          NULLS NOT DISTINCT""")


def downgrade() -> None:
    op.execute("DROP TABLE metric_dimension_rollups_daily")
