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

from analytics.db.rollup_sql import REFRESH_MONTHLY

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


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
