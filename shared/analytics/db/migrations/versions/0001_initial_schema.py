"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22 19:47:21.797357
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dashboards",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column(
            "dashboard_type",
            sa.Enum(
                "executive",
                "partner",
                "project",
                "social_media",
                "notification",
                "custom",
                name="dashboard_type_enum",
            ),
            nullable=False,
        ),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column(
            "config",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("is_default", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("is_public", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("created_by", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dashboards")),
    )
    op.create_index(op.f("ix_dashboards_created_by"), "dashboards", ["created_by"], unique=False)
    op.create_index(op.f("ix_dashboards_dashboard_type"), "dashboards", ["dashboard_type"], unique=False)
    op.create_index(op.f("ix_dashboards_is_default"), "dashboards", ["is_default"], unique=False)
    op.create_index(op.f("ix_dashboards_is_public"), "dashboards", ["is_public"], unique=False)
    op.create_index(op.f("ix_dashboards_name"), "dashboards", ["name"], unique=False)
    op.create_index(
        "uq_dashboards_default_per_type",
        "dashboards",
        ["dashboard_type"],
        unique=True,
        postgresql_where=sa.text("is_default"),
    )
    op.create_table(
        "data_syncs",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column(
            "service_name",
            sa.Enum(
                "auth",
                "content",
                "partners_crm",
                "projects",
                "social_media",
                "notification",
                name="data_sync_service_name_enum",
            ),
            nullable=False,
        ),
        sa.Column(
            "sync_type", sa.Enum("full", "incremental", "manual", name="sync_type_enum"), nullable=False
        ),
        sa.Column(
            "status",
            sa.Enum("pending", "running", "completed", "failed", name="sync_status_enum"),
            server_default="pending",
            nullable=False,
        ),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("records_processed", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("records_failed", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_sync_timestamp", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column(
            "meta",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_syncs")),
    )
    op.create_index(
        op.f("ix_data_syncs_last_sync_timestamp"), "data_syncs", ["last_sync_timestamp"], unique=False
    )
    op.create_index(op.f("ix_data_syncs_service_name"), "data_syncs", ["service_name"], unique=False)
    op.create_index(op.f("ix_data_syncs_status"), "data_syncs", ["status"], unique=False)
    op.create_index(op.f("ix_data_syncs_sync_type"), "data_syncs", ["sync_type"], unique=False)
    op.create_table(
        "events",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("event_name", sa.String(length=255), nullable=False),
        sa.Column("user_id", sa.String(length=255), nullable=True),
        sa.Column(
            "properties",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("timestamp", sa.DateTime(timezone=True), nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    op.create_index(op.f("ix_events_event_name"), "events", ["event_name"], unique=False)
    op.create_index("ix_events_name_timestamp", "events", ["event_name", "timestamp"], unique=False)
    op.create_index(op.f("ix_events_timestamp"), "events", ["timestamp"], unique=False)
    op.create_index(op.f("ix_events_user_id"), "events", ["user_id"], unique=False)
    op.create_index(
        "uq_events_idempotency_key",
        "events",
        ["idempotency_key"],
        unique=True,
        postgresql_where=sa.text("idempotency_key IS NOT NULL"),
    )
    op.create_table(
        "goals",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column(
            "metric_type",
            sa.Enum(
                "donation",
                "partner",
                "project",
                "beneficiary",
                "social_post",
                "notification",
                "engagement",
                "conversion",
                "revenue",
                name="metric_type_enum",
            ),
            nullable=False,
        ),
        sa.Column("target_value", sa.Double(), nullable=False),
        sa.Column("current_value", sa.Double(), server_default=sa.text("0"), nullable=False),
        sa.Column("unit", sa.String(length=50), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("active", "achieved", "failed", "cancelled", name="goal_status_enum"),
            server_default="active",
            nullable=False,
        ),
        sa.Column("progress_percentage", sa.Double(), server_default=sa.text("0"), nullable=False),
        sa.Column("alert_threshold", sa.Double(), nullable=True),
        sa.Column("alert_sent", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("forecast_value", sa.Double(), nullable=True),
        sa.Column("forecast_updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goals")),
    )
    op.create_index(op.f("ix_goals_created_by"), "goals", ["created_by"], unique=False)
    op.create_index(op.f("ix_goals_end_date"), "goals", ["end_date"], unique=False)
    op.create_index(op.f("ix_goals_metric_type"), "goals", ["metric_type"], unique=False)
    op.create_index("ix_goals_metric_type_status", "goals", ["metric_type", "status"], unique=False)
    op.create_index(op.f("ix_goals_name"), "goals", ["name"], unique=False)
    op.create_index(op.f("ix_goals_start_date"), "goals", ["start_date"], unique=False)
    op.create_index(op.f("ix_goals_status"), "goals", ["status"], unique=False)
    op.create_table(
        "metrics",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column(
            "service_name",
            sa.Enum(
                "auth",
                "content",
                "partners_crm",
                "projects",
                "social_media",
                "notification",
                name="service_name_enum",
            ),
            nullable=False,
        ),
        sa.Column(
            "metric_type",
            sa.Enum(
                "donation",
                "partner",
                "project",
                "beneficiary",
                "social_post",
                "notification",
                "engagement",
                "conversion",
                "revenue",
                name="metric_type_enum",
            ),
            nullable=False,
        ),
        sa.Column("metric_name", sa.String(length=255), nullable=False),
        sa.Column("metric_value", sa.Double(), nullable=False),
        sa.Column("metric_unit", sa.String(length=50), nullable=True),
        sa.Column(
            "dimensions",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("timestamp", sa.DateTime(timezone=True), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column(
            "meta",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("idempotency_key", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_metrics")),
    )
    op.create_index(op.f("ix_metrics_date"), "metrics", ["date"], unique=False)
    op.create_index("ix_metrics_dimensions", "metrics", ["dimensions"], unique=False, postgresql_using="gin")
    op.create_index(op.f("ix_metrics_metric_name"), "metrics", ["metric_name"], unique=False)
    op.create_index(op.f("ix_metrics_metric_type"), "metrics", ["metric_type"], unique=False)
    op.create_index("ix_metrics_name_date", "metrics", ["metric_name", "date"], unique=False)
    op.create_index(op.f("ix_metrics_service_name"), "metrics", ["service_name"], unique=False)
    op.create_index(
        "ix_metrics_service_type_date", "metrics", ["service_name", "metric_type", "date"], unique=False
    )
    op.create_index(op.f("ix_metrics_timestamp"), "metrics", ["timestamp"], unique=False)
    op.create_index(
        "uq_metrics_idempotency_key",
        "metrics",
        ["idempotency_key"],
        unique=True,
        postgresql_where=sa.text("idempotency_key IS NOT NULL"),
    )
    op.create_table(
        "reports",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column(
            "report_type",
            sa.Enum("daily", "weekly", "monthly", "annual", "custom", name="report_type_enum"),
            nullable=False,
        ),
        sa.Column(
            "format", sa.Enum("pdf", "excel", "csv", "json", name="report_format_enum"), nullable=False
        ),
        sa.Column(
            "status",
            sa.Enum("pending", "generating", "completed", "failed", name="report_status_enum"),
            server_default="pending",
            nullable=False,
        ),
        sa.Column(
            "parameters",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("file_path", sa.String(length=1024), nullable=True),
        sa.Column("file_size", sa.Integer(), nullable=True),
        sa.Column("generated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("scheduled", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("schedule_config", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column(
            "email_recipients",
            sa.ARRAY(sa.String(length=320)),
            server_default=sa.text("'{}'"),
            nullable=False,
        ),
        sa.Column("created_by", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
    )
    op.create_index("ix_reports_created_at", "reports", ["created_at"], unique=False)
    op.create_index(op.f("ix_reports_created_by"), "reports", ["created_by"], unique=False)
    op.create_index(op.f("ix_reports_format"), "reports", ["format"], unique=False)
    op.create_index(op.f("ix_reports_generated_at"), "reports", ["generated_at"], unique=False)
    op.create_index(op.f("ix_reports_name"), "reports", ["name"], unique=False)
    op.create_index(op.f("ix_reports_report_type"), "reports", ["report_type"], unique=False)
    op.create_index(op.f("ix_reports_scheduled"), "reports", ["scheduled"], unique=False)
    op.create_index(op.f("ix_reports_status"), "reports", ["status"], unique=False)
    op.create_index("ix_reports_type_status", "reports", ["report_type", "status"], unique=False)
    op.create_table(
        "scheduled_jobs",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column(
            "job_type",
            sa.Enum("data_sync", "report_generation", "goal_update", "custom", name="job_type_enum"),
            nullable=False,
        ),
        sa.Column("schedule", sa.String(length=100), nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("last_run_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_run_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "last_status",
            sa.Enum("success", "failed", "running", "pending", name="job_status_enum"),
            nullable=True,
        ),
        sa.Column("run_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("success_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("failure_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "config",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduled_jobs")),
    )
    op.create_index(op.f("ix_scheduled_jobs_is_active"), "scheduled_jobs", ["is_active"], unique=False)
    op.create_index(op.f("ix_scheduled_jobs_job_type"), "scheduled_jobs", ["job_type"], unique=False)
    op.create_index(op.f("ix_scheduled_jobs_last_run_at"), "scheduled_jobs", ["last_run_at"], unique=False)
    op.create_index(op.f("ix_scheduled_jobs_last_status"), "scheduled_jobs", ["last_status"], unique=False)
    op.create_index(op.f("ix_scheduled_jobs_name"), "scheduled_jobs", ["name"], unique=False)
    op.create_index(op.f("ix_scheduled_jobs_next_run_at"), "scheduled_jobs", ["next_run_at"], unique=False)
    op.create_index(
        "ix_scheduled_jobs_type_active", "scheduled_jobs", ["job_type", "is_active"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_scheduled_jobs_type_active", table_name="scheduled_jobs")
    op.drop_index(op.f("ix_scheduled_jobs_next_run_at"), table_name="scheduled_jobs")
    op.drop_index(op.f("ix_scheduled_jobs_name"), table_name="scheduled_jobs")
    op.drop_index(op.f("ix_scheduled_jobs_last_status"), table_name="scheduled_jobs")
    op.drop_index(op.f("ix_scheduled_jobs_last_run_at"), table_name="scheduled_jobs")
    op.drop_index(op.f("ix_scheduled_jobs_job_type"), table_name="scheduled_jobs")
    op.drop_index(op.f("ix_scheduled_jobs_is_active"), table_name="scheduled_jobs")
    op.drop_table("scheduled_jobs")
    op.drop_index("ix_reports_type_status", table_name="reports")
    op.drop_index(op.f("ix_reports_status"), table_name="reports")
    op.drop_index(op.f("ix_reports_scheduled"), table_name="reports")
    op.drop_index(op.f("ix_reports_report_type"), table_name="reports")
    op.drop_index(op.f("ix_reports_name"), table_name="reports")
    op.drop_index(op.f("ix_reports_generated_at"), table_name="reports")
    op.drop_index(op.f("ix_reports_format"), table_name="reports")
    op.drop_index(op.f("ix_reports_created_by"), table_name="reports")
    op.drop_index("ix_reports_created_at", table_name="reports")
    op.drop_table("reports")
    op.drop_index(
        "uq_metrics_idempotency_key",
        table_name="metrics",
        postgresql_where=sa.text("idempotency_key IS NOT NULL"),
    )
    op.drop_index(op.f("ix_metrics_timestamp"), table_name="metrics")
    op.drop_index("ix_metrics_service_type_date", table_name="metrics")
    op.drop_index(op.f("ix_metrics_service_name"), table_name="metrics")
    op.drop_index("ix_metrics_name_date", table_name="metrics")
    op.drop_index(op.f("ix_metrics_metric_type"), table_name="metrics")
    op.drop_index(op.f("ix_metrics_metric_name"), table_name="metrics")
    op.drop_index("ix_metrics_dimensions", table_name="metrics", postgresql_using="gin")
    op.drop_index(op.f("ix_metrics_date"), table_name="metrics")
    op.drop_table("metrics")
    op.drop_index(op.f("ix_goals_status"), table_name="goals")
    op.drop_index(op.f("ix_goals_start_date"), table_name="goals")
    op.drop_index(op.f("ix_goals_name"), table_name="goals")
    op.drop_index("ix_goals_metric_type_status", table_name="goals")
    op.drop_index(op.f("ix_goals_metric_type"), table_name="goals")
    op.drop_index(op.f("ix_goals_end_date"), table_name="goals")
    op.drop_index(op.f("ix_goals_created_by"), table_name="goals")
    op.drop_table("goals")
    op.drop_index(
        "uq_events_idempotency_key",
        table_name="events",
        postgresql_where=sa.text("idempotency_key IS NOT NULL"),
    )
    op.drop_index(op.f("ix_events_user_id"), table_name="events")
    op.drop_index(op.f("ix_events_timestamp"), table_name="events")
    op.drop_index("ix_events_name_timestamp", table_name="events")
    op.drop_index(op.f("ix_events_event_name"), table_name="events")
    op.drop_table("events")
    op.drop_index(op.f("ix_data_syncs_sync_type"), table_name="data_syncs")
    op.drop_index(op.f("ix_data_syncs_status"), table_name="data_syncs")
    op.drop_index(op.f("ix_data_syncs_service_name"), table_name="data_syncs")
    op.drop_index(op.f("ix_data_syncs_last_sync_timestamp"), table_name="data_syncs")
    op.drop_table("data_syncs")
    op.drop_index(
        "uq_dashboards_default_per_type", table_name="dashboards", postgresql_where=sa.text("is_default")
    )
    op.drop_index(op.f("ix_dashboards_name"), table_name="dashboards")
    op.drop_index(op.f("ix_dashboards_is_public"), table_name="dashboards")
    op.drop_index(op.f("ix_dashboards_is_default"), table_name="dashboards")
    op.drop_index(op.f("ix_dashboards_dashboard_type"), table_name="dashboards")
    op.drop_index(op.f("ix_dashboards_created_by"), table_name="dashboards")
    op.drop_table("dashboards")
    for enum_name in (
        "dashboard_type_enum",
        "data_sync_service_name_enum",
        "sync_type_enum",
        "sync_status_enum",
        "metric_type_enum",
        "goal_status_enum",
        "service_name_enum",
        "report_type_enum",
        "report_format_enum",
        "report_status_enum",
        "job_type_enum",
        "job_status_enum",
    ):
        sa.Enum(name=enum_name).drop(op.get_bind(), checkfirst=True)
