"""Enumerations of the data model (spec/001, spec/003 and spec/004). Values are stored as PostgreSQL
enums: a new value needs a migration (`ALTER TYPE ... ADD VALUE`)."""

from enum import StrEnum


class ServiceName(StrEnum):
    """Who sent a metric: a sibling service, or `external` for callers of the simple API (spec/004)."""

    AUTH = "auth"
    CONTENT = "content"
    PARTNERS_CRM = "partners_crm"
    PROJECTS = "projects"
    SOCIAL_MEDIA = "social_media"
    NOTIFICATION = "notification"
    EXTERNAL = "external"


class SiblingService(StrEnum):
    """The sibling services data is synchronised from (spec/000): every ServiceName but `external`."""

    AUTH = "auth"
    CONTENT = "content"
    PARTNERS_CRM = "partners_crm"
    PROJECTS = "projects"
    SOCIAL_MEDIA = "social_media"
    NOTIFICATION = "notification"


class MetricType(StrEnum):
    DONATION = "donation"
    PARTNER = "partner"
    PROJECT = "project"
    BENEFICIARY = "beneficiary"
    SOCIAL_POST = "social_post"
    NOTIFICATION = "notification"
    ENGAGEMENT = "engagement"
    CONVERSION = "conversion"
    REVENUE = "revenue"
    CUSTOM = "custom"  # a metric with no domain meaning, such as those of the simple API (spec/004)


class DashboardType(StrEnum):
    EXECUTIVE = "executive"
    PARTNER = "partner"
    PROJECT = "project"
    SOCIAL_MEDIA = "social_media"
    NOTIFICATION = "notification"
    CUSTOM = "custom"


class SyncType(StrEnum):
    FULL = "full"
    INCREMENTAL = "incremental"
    MANUAL = "manual"


class SyncStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"  # stopped on request between two pages
    TIMED_OUT = "timed_out"  # SYNC_TIMEOUT_SECONDS spent before the last page


class ReportType(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    ANNUAL = "annual"
    CUSTOM = "custom"


class ReportFormat(StrEnum):
    PDF = "pdf"
    EXCEL = "excel"
    CSV = "csv"
    JSON = "json"


class ReportStatus(StrEnum):
    PENDING = "pending"
    GENERATING = "generating"
    COMPLETED = "completed"
    FAILED = "failed"


class GoalStatus(StrEnum):
    ACTIVE = "active"
    ACHIEVED = "achieved"
    FAILED = "failed"
    CANCELLED = "cancelled"


class GoalAggregation(StrEnum):
    """How a goal's metrics over its days become its value: `latest` for snapshots (active_partners)."""

    SUM = "sum"
    COUNT = "count"
    AVG = "avg"
    MAX = "max"
    MIN = "min"
    LATEST = "latest"


class GoalDirection(StrEnum):
    AT_LEAST = "at_least"  # a target to reach (donations)
    AT_MOST = "at_most"  # a ceiling to stay under (a cost)


class GoalOutlook(StrEnum):
    """Where a goal stands: by its chance of reaching the target while it runs, then by its result."""

    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    ACHIEVED = "achieved"
    FAILED = "failed"


class JobType(StrEnum):
    DATA_SYNC = "data_sync"
    REPORT_GENERATION = "report_generation"
    GOAL_UPDATE = "goal_update"
    CUSTOM = "custom"


class JobStatus(StrEnum):
    SUCCESS = "success"
    FAILED = "failed"
    RUNNING = "running"
    PENDING = "pending"


class RunTrigger(StrEnum):
    """What started a run of a scheduled job."""

    SCHEDULE = "schedule"
    MANUAL = "manual"


class Role(StrEnum):
    VIEWER = "viewer"
    ANALYST = "analyst"
    ADMIN = "admin"
    SERVICE = "service"
