"""Scheduled jobs (spec/003): what the API takes and answers, and what a run records."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator

from analytics.enums import JobStatus, JobType, RunTrigger
from analytics.schemas.common import Name, PartialUpdate, RequestBody
from analytics.schemas.reports import ReportJobConfig
from analytics.schemas.sync import DataSyncJobConfig

JOB_EXAMPLE: dict[str, Any] = {
    "name": "Daily Data Sync",
    "job_type": "data_sync",
    "schedule": "0 0 * * *",
    "config": {"services": ["all"]},
}
CRON_DESCRIPTION = (
    "A standard five-field cron expression in UTC (minute hour day-of-month month day-of-week), "
    "e.g. `0 0 * * *` for every midnight; run by an EventBridge rule."
)


def check_config(job_type: JobType | None, config: dict[str, Any] | None) -> None:
    """A report job's config must describe a report, a data sync job's the services to sync; the other
    types take free-form settings."""
    if config is None:
        return
    if job_type is JobType.REPORT_GENERATION:
        ReportJobConfig.model_validate(config)
    elif job_type is JobType.DATA_SYNC:
        DataSyncJobConfig.model_validate(config)


class JobCreate(RequestBody):
    model_config = ConfigDict(json_schema_extra={"examples": [JOB_EXAMPLE]})

    name: Name
    description: str | None = Field(None, max_length=2000)
    job_type: JobType
    schedule: str = Field(min_length=1, max_length=100, description=CRON_DESCRIPTION)
    is_active: bool = True
    config: dict[str, Any] = Field(
        default_factory=dict,
        description="Settings of the run: a report_generation job takes `report` (name, report_type, "
        "format, parameters) and `email_recipients`; a data_sync job takes `services` (names, or `all`, "
        "the default) and `sync_type` (incremental, the default, or full); a custom job takes `task` "
        "(a built-in task, such as `retention`).",
    )

    @model_validator(mode="after")
    def _config_fits_type(self) -> JobCreate:
        check_config(self.job_type, self.config)
        return self


class JobUpdate(PartialUpdate):
    """The fields to change; the others keep their values. Setting `is_active` false pauses the job."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"schedule": "30 6 * * MON", "is_active": False}]}
    )

    clearable = frozenset({"description"})

    name: Name | None = None
    description: str | None = Field(None, max_length=2000)
    schedule: str | None = Field(None, min_length=1, max_length=100, description=CRON_DESCRIPTION)
    is_active: bool | None = None
    config: dict[str, Any] | None = None


class JobFilters(BaseModel):
    job_type: JobType | None = None
    is_active: bool | None = None


class JobResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    description: str | None
    job_type: JobType
    schedule: str
    rule_schedule: str = Field(description="The EventBridge schedule expression the job's rule runs on")
    is_active: bool
    last_run_at: dt.datetime | None
    next_run_at: dt.datetime | None = Field(description="None while the job is paused")
    last_status: JobStatus | None
    run_count: int
    success_count: int
    failure_count: int
    config: dict[str, Any]
    created_at: dt.datetime
    updated_at: dt.datetime


class JobTriggerRequest(RequestBody):
    """spec/003 JobTriggerRequest: run now, optionally with settings that override the job's config."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"config": {"services": ["partners_crm"]}}]})

    config: dict[str, Any] | None = Field(None, description="Merged over the job's config for this run only")


class JobRunResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    job_id: uuid.UUID
    trigger: RunTrigger
    status: JobStatus
    config: dict[str, Any]
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    error: str | None
    result: dict[str, Any] | None
    created_at: dt.datetime

    @computed_field  # type: ignore[prop-decorator]
    @property
    def duration_seconds(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class JobStatistics(BaseModel):
    """spec/003 ScheduledJobStats."""

    job_id: uuid.UUID
    run_count: int
    success_count: int
    failure_count: int
    success_rate: float | None = Field(
        description="Successful runs in percent of finished runs; None before any"
    )
    average_duration_seconds: float | None
    last_run_at: dt.datetime | None
    last_status: JobStatus | None
    next_run_at: dt.datetime | None
    recent_runs: list[JobRunResponse]
