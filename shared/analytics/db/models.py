"""SQLAlchemy 2 typed models of every table. Schema changes go through Alembic migrations."""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from analytics.enums import (
    DashboardType,
    GoalAggregation,
    GoalDirection,
    GoalOutlook,
    GoalStatus,
    JobStatus,
    JobType,
    MetricType,
    ReportFormat,
    ReportStatus,
    ReportType,
    RunTrigger,
    ServiceName,
    SiblingService,
    SyncStatus,
    SyncType,
)

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def pg_enum(enum: type[StrEnum], name: str) -> SAEnum:
    """A PostgreSQL enum storing the members' values (not their Python names)."""
    return SAEnum(enum, name=name, values_callable=lambda members: [m.value for m in members])


def text_enum(enum: type[StrEnum], length: int) -> SAEnum:
    """An enum kept as text of its members' values (no PostgreSQL type to alter when one is added)."""
    return SAEnum(
        enum, native_enum=False, length=length, values_callable=lambda members: [m.value for m in members]
    )


def uuid_pk() -> Mapped[uuid.UUID]:
    return mapped_column(UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()"))


def created_at() -> Mapped[dt.datetime]:
    return mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())


def updated_at() -> Mapped[dt.datetime]:
    return mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now(), onupdate=func.now()
    )


class Metric(Base):
    """A raw measurement; partitioned by month of `timestamp` (see analytics.db.partitions)."""

    __tablename__ = "metrics"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    service_name: Mapped[ServiceName] = mapped_column(pg_enum(ServiceName, "service_name_enum"))
    metric_type: Mapped[MetricType] = mapped_column(pg_enum(MetricType, "metric_type_enum"))
    metric_name: Mapped[str] = mapped_column(String(255))
    metric_value: Mapped[float] = mapped_column(Double)
    metric_unit: Mapped[str | None] = mapped_column(String(50))
    dimensions: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    timestamp: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date)
    meta: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = created_at()

    __table_args__ = (
        Index("ix_metrics_name_timestamp", "metric_name", "timestamp"),
        Index("ix_metrics_service_type_timestamp", "service_name", "metric_type", "timestamp"),
        Index("ix_metrics_timestamp", "timestamp"),
        {"postgresql_partition_by": 'RANGE ("timestamp")'},
    )


class MetricKey(Base):
    """Idempotency keys of stored metrics: one row per key, across every partition."""

    __tablename__ = "metric_keys"

    idempotency_key: Mapped[str] = mapped_column(String(255), primary_key=True)
    metric_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    metric_timestamp: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class RollupKey:
    """The series a rollup row sums up: (service, type, name, unit)."""

    metric_name: Mapped[str] = mapped_column(String(255), primary_key=True)
    service_name: Mapped[ServiceName] = mapped_column(
        pg_enum(ServiceName, "service_name_enum"), primary_key=True
    )
    metric_type: Mapped[MetricType] = mapped_column(pg_enum(MetricType, "metric_type_enum"), primary_key=True)
    unit: Mapped[str] = mapped_column(String(50), primary_key=True, server_default=text("''"))
    count: Mapped[int] = mapped_column(BigInteger)
    sum: Mapped[float] = mapped_column(Double)
    min: Mapped[float] = mapped_column(Double)
    max: Mapped[float] = mapped_column(Double)
    m2: Mapped[float] = mapped_column(Double)  # sum of squared deviations from the mean (migration 0013)
    # {bucket: count} of analytics.sketch
    sketch: Mapped[dict[str, int]] = mapped_column(JSONB)


class MetricRollupHourly(RollupKey, Base):
    __tablename__ = "metric_rollups_hourly"

    bucket_start: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), primary_key=True, index=True)


class MetricRollupDaily(RollupKey, Base):
    """UTC days, with the sketch's quantiles kept beside it for long-range daily answers."""

    __tablename__ = "metric_rollups_daily"
    # Every column but the sketch and the quantiles: a period's daily figures are read from the index alone.
    __table_args__ = (
        Index(
            "ix_metric_rollups_daily_day",
            "day",
            postgresql_include=[
                *("metric_name", "service_name", "metric_type", "unit"),
                *("count", "sum", "min", "max", "m2", "version"),
            ],
        ),
    )

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    # p50, p90, p95, p99 of the day; NULL until computed (see migration 0002 and analytics.db.maintenance).
    quantiles: Mapped[list[float] | None] = mapped_column(ARRAY(Double))
    # Renewed on every write to the row: monthly rollups know which days they were built from (0004).
    version: Mapped[int] = mapped_column(BigInteger, server_default=text("nextval('metric_rollup_versions')"))


class MetricRollupLocalDaily(RollupKey, Base):
    """Local days of the zones in ROLLUP_ZONES, built from the raw rows by the daily maintenance once the
    day is over (migration 0018); used while the UTC daily rows it overlaps are unchanged."""

    __tablename__ = "metric_rollups_local_daily"
    __table_args__ = (
        Index(
            "ix_metric_rollups_local_daily_day",
            "zone",
            "day",
            postgresql_include=[
                *("metric_name", "service_name", "metric_type", "unit"),
                *("count", "sum", "min", "max", "m2", "quantiles", "built_from", "built_from_days"),
            ],
        ),
    )

    zone: Mapped[str] = mapped_column(String(64), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    quantiles: Mapped[list[float] | None] = mapped_column(ARRAY(Double))  # NULL for a day of count 0
    built_from: Mapped[int] = mapped_column(BigInteger)  # sum of the overlapped UTC daily rows' versions
    built_from_days: Mapped[int] = mapped_column(Integer)  # how many of them


class MetricRollupMonthly(RollupKey, Base):
    """UTC months built from the daily rows by the daily maintenance; used while those are unchanged."""

    __tablename__ = "metric_rollups_monthly"

    month: Mapped[dt.date] = mapped_column(Date, primary_key=True, index=True)
    built_from: Mapped[int] = mapped_column(BigInteger)  # sum of the daily rows' versions
    built_from_days: Mapped[int] = mapped_column(Integer)  # how many daily rows


class MetricDimensionRollupDaily(Base):
    """UTC days per value of a breakdown dimension, built by the daily maintenance (migration 0011)."""

    __tablename__ = "metric_dimension_rollups_daily"
    __table_args__ = (
        Index(
            "uq_metric_dimension_rollups_daily",
            "dimension_key",
            "day",
            "metric_name",
            "service_name",
            "metric_type",
            "unit",
            "dimension_value",
            unique=True,
            postgresql_nulls_not_distinct=True,
        ),
    )

    metric_name: Mapped[str] = mapped_column(String(255))
    service_name: Mapped[ServiceName] = mapped_column(pg_enum(ServiceName, "service_name_enum"))
    metric_type: Mapped[MetricType] = mapped_column(pg_enum(MetricType, "metric_type_enum"))
    unit: Mapped[str] = mapped_column(String(50), server_default=text("''"))
    day: Mapped[dt.date] = mapped_column(Date)
    dimension_key: Mapped[str] = mapped_column(String(100))
    dimension_value: Mapped[str | None] = mapped_column(Text)  # NULL: the rows without the key
    count: Mapped[int] = mapped_column(BigInteger)
    sum: Mapped[float] = mapped_column(Double)
    min: Mapped[float] = mapped_column(Double)
    max: Mapped[float] = mapped_column(Double)
    m2: Mapped[float] = mapped_column(Double)  # sum of squared deviations from the mean (migration 0013)
    built_from: Mapped[int] = mapped_column(BigInteger)  # the daily row's version it was built from

    __mapper_args__ = {  # noqa: RUF012
        "primary_key": [metric_name, service_name, metric_type, unit, day, dimension_key, dimension_value]
    }


class Event(Base):
    """A tracked user event (spec/004); partitioned by month of `timestamp`."""

    __tablename__ = "events"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    event_name: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[str | None] = mapped_column(String(255))
    properties: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    timestamp: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = created_at()

    __table_args__ = (
        Index("ix_events_name_timestamp", "event_name", "timestamp"),
        Index("ix_events_user_timestamp", "user_id", "timestamp"),
        Index("ix_events_timestamp", "timestamp"),
        {"postgresql_partition_by": 'RANGE ("timestamp")'},
    )


class EventKey(Base):
    __tablename__ = "event_keys"

    idempotency_key: Mapped[str] = mapped_column(String(255), primary_key=True)
    event_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    event_timestamp: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class IngestRejection(Base):
    """An item from the ingest queue that failed validation, kept with its reason."""

    __tablename__ = "ingest_rejections"

    id: Mapped[uuid.UUID] = uuid_pk()
    message_id: Mapped[str] = mapped_column(String(255))
    # The item's position in its message; -1 when the whole message was unreadable.
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))  # metric, event or message
    raw: Mapped[str] = mapped_column(Text)
    reason: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    received_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), index=True
    )

    __table_args__ = (UniqueConstraint("message_id", "position"),)


class Dashboard(Base):
    __tablename__ = "dashboards"

    id: Mapped[uuid.UUID] = uuid_pk()
    name: Mapped[str] = mapped_column(String(255), index=True)
    dashboard_type: Mapped[DashboardType] = mapped_column(
        pg_enum(DashboardType, "dashboard_type_enum"), index=True
    )
    description: Mapped[str | None] = mapped_column(Text)
    config: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    is_default: Mapped[bool] = mapped_column(Boolean, server_default=text("false"), index=True)
    is_public: Mapped[bool] = mapped_column(Boolean, server_default=text("false"), index=True)
    # The token's subject; not always a UUID, so stored as text.
    created_by: Mapped[str | None] = mapped_column(String(255), index=True)
    created_at: Mapped[dt.datetime] = created_at()
    updated_at: Mapped[dt.datetime] = updated_at()

    __table_args__ = (
        # At most one default dashboard per type.
        Index(
            "uq_dashboards_default_per_type",
            "dashboard_type",
            unique=True,
            postgresql_where=text("is_default"),
        ),
    )


class DataSync(Base):
    __tablename__ = "data_syncs"

    id: Mapped[uuid.UUID] = uuid_pk()
    service_name: Mapped[SiblingService] = mapped_column(
        pg_enum(SiblingService, "data_sync_service_name_enum"), index=True
    )
    sync_type: Mapped[SyncType] = mapped_column(pg_enum(SyncType, "sync_type_enum"), index=True)
    status: Mapped[SyncStatus] = mapped_column(
        pg_enum(SyncStatus, "sync_status_enum"), index=True, server_default=SyncStatus.PENDING.value
    )
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    records_processed: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    records_failed: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    last_sync_timestamp: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    error_message: Mapped[str | None] = mapped_column(Text)
    meta: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    created_at: Mapped[dt.datetime] = created_at()
    updated_at: Mapped[dt.datetime] = updated_at()


class Report(Base):
    __tablename__ = "reports"

    id: Mapped[uuid.UUID] = uuid_pk()
    name: Mapped[str] = mapped_column(String(255), index=True)
    report_type: Mapped[ReportType] = mapped_column(pg_enum(ReportType, "report_type_enum"), index=True)
    format: Mapped[ReportFormat] = mapped_column(pg_enum(ReportFormat, "report_format_enum"), index=True)
    status: Mapped[ReportStatus] = mapped_column(
        pg_enum(ReportStatus, "report_status_enum"), index=True, server_default=ReportStatus.PENDING.value
    )
    parameters: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    # The object key in the reports bucket.
    file_path: Mapped[str | None] = mapped_column(String(1024))
    file_size: Mapped[int | None] = mapped_column(Integer)
    generated_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    error_message: Mapped[str | None] = mapped_column(Text)
    scheduled: Mapped[bool] = mapped_column(Boolean, server_default=text("false"), index=True)
    schedule_config: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    email_recipients: Mapped[list[str]] = mapped_column(ARRAY(String(320)), server_default=text("'{}'"))
    created_by: Mapped[str | None] = mapped_column(String(255), index=True)
    created_at: Mapped[dt.datetime] = created_at()
    updated_at: Mapped[dt.datetime] = updated_at()

    __table_args__ = (
        Index("ix_reports_type_status", "report_type", "status"),
        Index("ix_reports_created_at", "created_at"),
    )


class Goal(Base):
    __tablename__ = "goals"

    id: Mapped[uuid.UUID] = uuid_pk()
    name: Mapped[str] = mapped_column(String(255), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    metric_type: Mapped[MetricType] = mapped_column(pg_enum(MetricType, "metric_type_enum"), index=True)
    target_value: Mapped[float] = mapped_column(Double)
    current_value: Mapped[float] = mapped_column(Double, server_default=text("0"))
    unit: Mapped[str | None] = mapped_column(String(50))
    start_date: Mapped[dt.date] = mapped_column(Date, index=True)
    end_date: Mapped[dt.date] = mapped_column(Date, index=True)
    status: Mapped[GoalStatus] = mapped_column(
        pg_enum(GoalStatus, "goal_status_enum"), index=True, server_default=GoalStatus.ACTIVE.value
    )
    progress_percentage: Mapped[float] = mapped_column(Double, server_default=text("0"))
    alert_threshold: Mapped[float | None] = mapped_column(Double)
    alert_sent: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    forecast_value: Mapped[float | None] = mapped_column(Double)
    forecast_updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str | None] = mapped_column(String(255), index=True)
    created_at: Mapped[dt.datetime] = created_at()
    updated_at: Mapped[dt.datetime] = updated_at()
    # What it measures (migration 0017): no service, name or dimension filter means tracked by hand.
    service_name: Mapped[ServiceName | None] = mapped_column(pg_enum(ServiceName, "service_name_enum"))
    metric_name: Mapped[str | None] = mapped_column(String(255))
    dimensions: Mapped[dict[str, str]] = mapped_column(JSONB, server_default=text("'{}'"))
    aggregation: Mapped[GoalAggregation] = mapped_column(text_enum(GoalAggregation, 10), server_default="sum")
    direction: Mapped[GoalDirection] = mapped_column(text_enum(GoalDirection, 10), server_default="at_least")
    tz: Mapped[str] = mapped_column(String(64), server_default="UTC")
    alert_recipients: Mapped[list[str]] = mapped_column(JSONB, server_default=text("'[]'"))
    alerts_sent: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default=text("'{}'"))
    manual_values: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, server_default=text("'[]'"))
    # Its progress as last computed: the forecast's 90% interval, the chance of reaching the target.
    forecast_lower: Mapped[float | None] = mapped_column(Double)
    forecast_upper: Mapped[float | None] = mapped_column(Double)
    probability: Mapped[float | None] = mapped_column(Double)
    outlook: Mapped[GoalOutlook | None] = mapped_column(text_enum(GoalOutlook, 20))
    progress_updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("ix_goals_metric_type_status", "metric_type", "status"),
        Index("ix_goals_created_by_status", "created_by", "status"),
    )


class ScheduledJob(Base):
    __tablename__ = "scheduled_jobs"

    id: Mapped[uuid.UUID] = uuid_pk()
    name: Mapped[str] = mapped_column(String(255), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    job_type: Mapped[JobType] = mapped_column(pg_enum(JobType, "job_type_enum"), index=True)
    # A standard five-field cron expression.
    schedule: Mapped[str] = mapped_column(String(100))
    is_active: Mapped[bool] = mapped_column(Boolean, server_default=text("true"), index=True)
    last_run_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    next_run_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    last_status: Mapped[JobStatus | None] = mapped_column(pg_enum(JobStatus, "job_status_enum"), index=True)
    run_count: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    success_count: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    failure_count: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    config: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    created_at: Mapped[dt.datetime] = created_at()
    updated_at: Mapped[dt.datetime] = updated_at()

    __table_args__ = (Index("ix_scheduled_jobs_type_active", "job_type", "is_active"),)


class JobRun(Base):
    __tablename__ = "job_runs"

    id: Mapped[uuid.UUID] = uuid_pk()
    job_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("scheduled_jobs.id", ondelete="CASCADE")
    )
    trigger: Mapped[RunTrigger] = mapped_column(pg_enum(RunTrigger, "job_run_trigger_enum"))
    status: Mapped[JobStatus] = mapped_column(
        pg_enum(JobStatus, "job_status_enum"), server_default=JobStatus.PENDING.value
    )
    config: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    created_at: Mapped[dt.datetime] = created_at()

    __table_args__ = (Index("ix_job_runs_job_id_created_at", "job_id", "created_at"),)
