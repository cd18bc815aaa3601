"""Scheduled jobs (spec/003): each job is a row and an EventBridge rule kept in step with it; the
scheduler function runs a job when its rule fires or when someone triggers it."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from analytics.auth import Principal, may_change
from analytics.cron import CronSchedule
from analytics.enums import JobStatus, JobType, RunTrigger
from analytics.errors import DomainError, Forbidden, InvalidRequest, NotFound
from analytics.observability import logger
from analytics.ports import UnitOfWork
from analytics.report_ports import JobLauncher, JobRules
from analytics.schemas.common import Page
from analytics.schemas.jobs import (
    JobCreate,
    JobFilters,
    JobResponse,
    JobRunResponse,
    JobStatistics,
    JobUpdate,
    check_config,
)

RECENT_RUNS = 10
MAX_JOBS_RESTORED = 10_000

# Runs a job of a type with its config; answers what the run produced, or raises DomainError.
JobRunner = Callable[[JobResponse, dict[str, Any]], dict[str, Any]]


def valid_schedule(expression: str) -> CronSchedule:
    """The job's cron, checked to be one EventBridge can run (InvalidRequest, a 400, names the problem)."""
    schedule = CronSchedule.parse(expression)
    schedule.eventbridge_expression()
    return schedule


def describe(job: JobResponse) -> str:
    return f"{job.job_type} job {job.name!r} ({job.schedule} UTC)"


def create_job(uow: UnitOfWork, rules: JobRules, job: JobCreate, now: dt.datetime) -> JobResponse:
    schedule = valid_schedule(job.schedule)
    with uow:
        stored = uow.jobs.add(job, schedule.next_run(now) if job.is_active else None)
        # Inside the transaction: if the rule cannot be written, the job is not stored either.
        rules.put(
            stored.id,
            schedule_expression=stored.rule_schedule,
            enabled=stored.is_active,
            description=describe(stored),
        )
    return stored


def get_job(uow: UnitOfWork, job_id: uuid.UUID) -> JobResponse:
    with uow:
        return _existing(uow, job_id)


def list_jobs(uow: UnitOfWork, filters: JobFilters, skip: int, limit: int) -> Page[JobResponse]:
    with uow:
        items, total = uow.jobs.find(filters, skip, limit)
    return Page(items=items, total=total, skip=skip, limit=limit)


def update_job(
    uow: UnitOfWork,
    rules: JobRules,
    job_id: uuid.UUID,
    update: JobUpdate,
    now: dt.datetime,
    principal: Principal,
) -> JobResponse:
    changes = update.model_dump(exclude_unset=True)
    with uow:
        current = _changeable(uow, job_id, principal)
        try:
            check_config(current.job_type, update.config)
        except ValidationError as exc:
            raise InvalidRequest(f"config does not fit a {current.job_type} job: {exc}") from exc
        if update.config is not None and current.job_type is JobType.REPORT_GENERATION:
            owner = _scheduled_by(current)
            if update.config.get("created_by", owner) != owner:
                raise InvalidRequest("config.created_by is who scheduled the report; it cannot be changed")
            changes["config"] = {**update.config, "created_by": owner}
        schedule = valid_schedule(changes.get("schedule", current.schedule))
        active = changes.get("is_active", current.is_active)
        updated = uow.jobs.update(job_id, changes, schedule.next_run(now) if active else None)
        if updated is None:
            raise NotFound(f"no job {job_id}")
        rules.put(
            job_id, schedule_expression=updated.rule_schedule, enabled=active, description=describe(updated)
        )
    return updated


def delete_job(uow: UnitOfWork, rules: JobRules, job_id: uuid.UUID, principal: Principal) -> None:
    with uow:
        _changeable(uow, job_id, principal)
        if not uow.jobs.delete(job_id):
            raise NotFound(f"no job {job_id}")
        rules.delete(job_id)


def trigger_job(
    uow: UnitOfWork, launcher: JobLauncher, job_id: uuid.UUID, config: dict[str, Any] | None
) -> JobRunResponse:
    """Records a pending manual run (with `config` merged over the job's) and starts it; answers at once."""
    with uow:
        job = _existing(uow, job_id)
        run_config = {**job.config, **(config or {})}
        try:
            check_config(job.job_type, run_config)
        except ValidationError as exc:
            raise InvalidRequest(f"config does not fit a {job.job_type} job: {exc}") from exc
        run = uow.jobs.add_run(job.id, RunTrigger.MANUAL, run_config)
    launcher.launch(job.id, run.id)
    return run


def job_statistics(uow: UnitOfWork, job_id: uuid.UUID) -> JobStatistics:
    with uow:
        job = _existing(uow, job_id)
        recent, _ = uow.jobs.runs(job_id, 0, RECENT_RUNS)
        average = uow.jobs.average_duration_seconds(job_id)
    finished = job.success_count + job.failure_count
    return JobStatistics(
        job_id=job.id,
        run_count=job.run_count,
        success_count=job.success_count,
        failure_count=job.failure_count,
        success_rate=round(100 * job.success_count / finished, 2) if finished else None,
        average_duration_seconds=average,
        last_run_at=job.last_run_at,
        last_status=job.last_status,
        next_run_at=job.next_run_at,
        recent_runs=recent,
    )


def list_runs(uow: UnitOfWork, job_id: uuid.UUID, skip: int, limit: int) -> Page[JobRunResponse]:
    with uow:
        _existing(uow, job_id)
        items, total = uow.jobs.runs(job_id, skip, limit)
    return Page(items=items, total=total, skip=skip, limit=limit)


def run_job(
    unit_of_work: Callable[[], UnitOfWork],
    job_id: uuid.UUID,
    run_id: uuid.UUID | None,
    runner: JobRunner,
    clock: Callable[[], dt.datetime],
) -> JobRunResponse | None:
    """Runs a job (its rule fired: `run_id` None) or a triggered run, and records how it went. None when
    there is nothing to run: the job was deleted or paused, or the run already started (a redelivery)."""
    with unit_of_work() as uow:
        job = uow.jobs.get(job_id)
        if job is None or (run_id is None and not job.is_active):
            logger.warning("nothing to run", extra={"job_id": str(job_id), "run_id": str(run_id)})
            return None
        pending = uow.jobs.add_run(job.id, RunTrigger.SCHEDULE, job.config) if run_id is None else None
        run = uow.jobs.start_run(pending.id if pending else run_id, clock())  # type: ignore[arg-type]
    if run is None:
        logger.warning("run already started", extra={"job_id": str(job_id), "run_id": str(run_id)})
        return None
    status, error, result = JobStatus.SUCCESS, None, None
    try:
        result = runner(job, run.config)
    except DomainError as exc:
        status, error = JobStatus.FAILED, str(exc.detail)
    except Exception as exc:  # recorded, not retried: a run that broke once is not started again by itself
        logger.exception("job run failed", extra={"job_id": str(job_id), "run_id": str(run.id)})
        status, error = JobStatus.FAILED, f"{type(exc).__name__}: {exc}"
    finished = clock()
    with unit_of_work() as uow:
        uow.jobs.finish_run(
            run.id,
            status=status,
            finished_at=finished,
            error=error,
            result=result,
            next_run_at=CronSchedule.parse(job.schedule).next_run(finished),
        )
        return uow.jobs.get_run(run.id)


def restore_rules(uow: UnitOfWork, rules: JobRules) -> int:
    """Writes every job's rule again, as its row says; answers how many. For an EventBridge that lost
    them (the local runner's, which lives in memory while the jobs stay in the database)."""
    with uow:
        jobs, _ = uow.jobs.find(JobFilters(), 0, MAX_JOBS_RESTORED)
        for job in jobs:
            rules.put(
                job.id,
                schedule_expression=job.rule_schedule,
                enabled=job.is_active,
                description=describe(job),
            )
    return len(jobs)


def _scheduled_by(job: JobResponse) -> str | None:
    """Who scheduled a report job (POST /reports/schedule; its reports are theirs); None for the other
    jobs, which are an operator's."""
    if job.job_type is not JobType.REPORT_GENERATION:
        return None
    created_by = job.config.get("created_by")
    return str(created_by) if created_by is not None else None


def _changeable(uow: UnitOfWork, job_id: uuid.UUID, principal: Principal) -> JobResponse:
    job = _existing(uow, job_id)
    if not may_change(principal, _scheduled_by(job)):
        raise Forbidden("only an admin, or whoever scheduled this report, may change or delete this job")
    return job


def _existing(uow: UnitOfWork, job_id: uuid.UUID) -> JobResponse:
    job = uow.jobs.get(job_id)
    if job is None:
        raise NotFound(f"no job {job_id}")
    return job
