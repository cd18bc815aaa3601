"""Scheduled jobs and their runs in PostgreSQL."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from analytics.cron import CronSchedule
from analytics.db.models import JobRun, ScheduledJob
from analytics.db.paging import page_of
from analytics.enums import JobStatus, RunTrigger
from analytics.schemas.jobs import JobCreate, JobFilters, JobResponse, JobRunResponse

FINISHED = (JobStatus.SUCCESS, JobStatus.FAILED)


def to_response(row: ScheduledJob) -> JobResponse:
    return JobResponse.model_validate(
        {
            **{column: getattr(row, column) for column in JobResponse.model_fields if hasattr(row, column)},
            "rule_schedule": CronSchedule.parse(row.schedule).eventbridge_expression(),
        }
    )


def conditions(filters: JobFilters) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if filters.job_type is not None:
        where.append(ScheduledJob.job_type == filters.job_type)
    if filters.is_active is not None:
        where.append(ScheduledJob.is_active == filters.is_active)
    return where


class SqlJobStore:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, job: JobCreate, next_run_at: dt.datetime | None) -> JobResponse:
        row = ScheduledJob(**job.model_dump(), next_run_at=next_run_at)
        self._session.add(row)
        self._session.flush()
        self._session.refresh(row)
        return to_response(row)

    def get(self, job_id: uuid.UUID) -> JobResponse | None:
        row = self._session.get(ScheduledJob, job_id)
        return to_response(row) if row is not None else None

    def find(self, filters: JobFilters, skip: int, limit: int) -> tuple[list[JobResponse], int]:
        where = conditions(filters)
        order = (ScheduledJob.created_at.desc(), ScheduledJob.id)
        rows, total = page_of(self._session, ScheduledJob, where, order, skip, limit)
        return [to_response(row) for row in rows], total

    def update(
        self, job_id: uuid.UUID, changes: dict[str, Any], next_run_at: dt.datetime | None
    ) -> JobResponse | None:
        row = self._session.get(ScheduledJob, job_id, with_for_update=True)
        if row is None:
            return None
        for name, value in {**changes, "next_run_at": next_run_at}.items():
            setattr(row, name, value)
        self._session.flush()
        self._session.refresh(row)
        return to_response(row)

    def delete(self, job_id: uuid.UUID) -> bool:
        row = self._session.get(ScheduledJob, job_id)
        if row is None:
            return False
        self._session.delete(row)
        return True

    def add_run(self, job_id: uuid.UUID, trigger: RunTrigger, config: dict[str, Any]) -> JobRunResponse:
        row = JobRun(job_id=job_id, trigger=trigger, config=config)
        self._session.add(row)
        self._session.flush()
        self._session.refresh(row)
        return JobRunResponse.model_validate(row)

    def get_run(self, run_id: uuid.UUID) -> JobRunResponse | None:
        row = self._session.get(JobRun, run_id)
        return JobRunResponse.model_validate(row) if row is not None else None

    def start_run(self, run_id: uuid.UUID, started_at: dt.datetime) -> JobRunResponse | None:
        """Marks a pending run running; None if it is unknown or already started (a redelivery)."""
        run = self._session.get(JobRun, run_id, with_for_update=True)
        if run is None or run.status is not JobStatus.PENDING:
            return None
        run.status, run.started_at = JobStatus.RUNNING, started_at
        job = self._session.get(ScheduledJob, run.job_id, with_for_update=True)
        if job is not None:
            job.last_status, job.last_run_at = JobStatus.RUNNING, started_at
        self._session.flush()
        return JobRunResponse.model_validate(run)

    def finish_run(
        self,
        run_id: uuid.UUID,
        *,
        status: JobStatus,
        finished_at: dt.datetime,
        error: str | None,
        result: dict[str, Any] | None,
        next_run_at: dt.datetime | None,
    ) -> None:
        run = self._session.get(JobRun, run_id, with_for_update=True)
        if run is None:
            return
        run.status, run.finished_at, run.error, run.result = status, finished_at, error, result
        job = self._session.get(ScheduledJob, run.job_id, with_for_update=True)
        if job is None:
            return
        job.last_status = status
        job.run_count += 1
        if status is JobStatus.SUCCESS:
            job.success_count += 1
        else:
            job.failure_count += 1
        job.next_run_at = next_run_at if job.is_active else None

    def runs(self, job_id: uuid.UUID, skip: int, limit: int) -> tuple[list[JobRunResponse], int]:
        where = [JobRun.job_id == job_id]
        rows, total = page_of(
            self._session, JobRun, where, (JobRun.created_at.desc(), JobRun.id), skip, limit
        )
        return [JobRunResponse.model_validate(row) for row in rows], total

    def average_duration_seconds(self, job_id: uuid.UUID) -> float | None:
        seconds = func.extract("epoch", JobRun.finished_at - JobRun.started_at)
        average = self._session.scalar(
            select(func.avg(seconds)).where(JobRun.job_id == job_id, JobRun.status.in_(FINISHED))
        )
        return float(average) if average is not None else None
