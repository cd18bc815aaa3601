"""The daily rollups' index on `day` also holds every column but the sketch and the quantiles, so that
reading a period's daily figures is an index-only scan.

A year of all series (18,250 daily rows) was a sequential scan of the whole table, which its inline
sketches make wide (about 1.9 KB a row): 54 ms of the 152 ms "statistics grouped by service over a
year" took in the answers benchmark, before the monthly rollups could even be checked against the days'
versions. Index-only, the answer takes 77 ms. Daily rows written by ingest are no longer updated in
place (HOT), since `version` and the figures are in an index now: a batch touches a day's row once per
series, against the hourly rows' once per series and hour, which stay HOT.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-23
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FIGURES = "metric_name, service_name, metric_type, unit, count, sum, min, max, m2, version"


def upgrade() -> None:
    op.execute("DROP INDEX ix_metric_rollups_daily_day")
    op.execute(f"CREATE INDEX ix_metric_rollups_daily_day ON metric_rollups_daily (day) INCLUDE ({FIGURES})")


def downgrade() -> None:
    op.execute("DROP INDEX ix_metric_rollups_daily_day")
    op.execute("CREATE INDEX ix_metric_rollups_daily_day ON metric_rollups_daily (day)")
