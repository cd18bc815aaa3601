"""Goals measured from the metrics: what each one measures, its forecast and chance, and its alerts.

A goal picks metrics by its `metric_type` and the optional service, name and dimension filters (none of
them: tracked by hand, its values in `manual_values`), aggregates them over its days in its time zone,
and aims at least (or at most) at its target. Its progress, forecast (with a 90% interval), probability
of reaching the target and outlook are computed from the metrics and kept here with the time they were
computed; `alerts_sent` names each alert already sent, so each is sent once.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    service_name = postgresql.ENUM(name="service_name_enum", create_type=False)
    columns = [
        sa.Column("service_name", service_name, nullable=True),
        sa.Column("metric_name", sa.String(255), nullable=True),
        sa.Column("dimensions", postgresql.JSONB, nullable=False, server_default=sa.text("'{}'")),
        sa.Column("aggregation", sa.String(10), nullable=False, server_default="sum"),
        sa.Column("direction", sa.String(10), nullable=False, server_default="at_least"),
        sa.Column("tz", sa.String(64), nullable=False, server_default="UTC"),
        sa.Column("alert_recipients", postgresql.JSONB, nullable=False, server_default=sa.text("'[]'")),
        sa.Column("alerts_sent", postgresql.ARRAY(sa.Text), nullable=False, server_default=sa.text("'{}'")),
        sa.Column("manual_values", postgresql.JSONB, nullable=False, server_default=sa.text("'[]'")),
        sa.Column("forecast_lower", sa.Double, nullable=True),
        sa.Column("forecast_upper", sa.Double, nullable=True),
        sa.Column("probability", sa.Double, nullable=True),
        sa.Column("outlook", sa.String(20), nullable=True),
        sa.Column("progress_updated_at", sa.DateTime(timezone=True), nullable=True),
    ]
    for column in columns:
        op.add_column("goals", column)
    op.create_index("ix_goals_created_by_status", "goals", ["created_by", "status"])


def downgrade() -> None:
    op.drop_index("ix_goals_created_by_status", table_name="goals")
    for name in (
        "progress_updated_at",
        "outlook",
        "probability",
        "forecast_upper",
        "forecast_lower",
        "manual_values",
        "alerts_sent",
        "alert_recipients",
        "tz",
        "direction",
        "aggregation",
        "dimensions",
        "metric_name",
        "service_name",
    ):
        op.drop_column("goals", name)
