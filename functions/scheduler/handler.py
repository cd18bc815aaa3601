"""Scheduled work started by EventBridge rules, or by a manual trigger of a job.

The event names what to run: `{"task": "retention"}` for a built-in task, `{"job_id": ...}` when a job's
rule fires, `{"job_id": ..., "run_id": ...}` for a triggered run recorded by the jobs API, and
`{"sync_ids": [...]}` for syncs with sibling services recorded by the sync API.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from analytics.errors import DomainError
from analytics.observability import logger, tracer
from analytics.services.job_types import job_runner
from analytics.services.jobs import run_job
from analytics.services.scheduled_tasks import run_task
from analytics.services.sync import run_launched
from analytics.settings import get_settings
from analytics.wiring import export_source, mailer, report_files, unit_of_work


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def run_scheduled_job(event: dict[str, Any]) -> dict[str, Any]:
    run_id = event.get("run_id")
    run = run_job(
        unit_of_work,
        uuid.UUID(str(event["job_id"])),
        uuid.UUID(str(run_id)) if run_id else None,
        job_runner(unit_of_work, report_files, mailer, now),
        now,
    )
    answer = {"job_id": str(event["job_id"]), "run": run.model_dump(mode="json") if run else None}
    logger.info("job run done" if run else "nothing to run", extra=answer)
    return answer


def run_requested_syncs(event: dict[str, Any]) -> dict[str, Any]:
    sync_ids = [uuid.UUID(str(sync_id)) for sync_id in event["sync_ids"]]
    done = run_launched(unit_of_work, export_source, get_settings(), sync_ids, now)
    answer = {
        "syncs": [{"id": str(s.id), "service_name": s.service_name, "status": s.status} for s in done.syncs]
    }
    logger.info("syncs done", extra=answer)
    return answer


def run_builtin_task(task: str) -> dict[str, Any]:
    try:
        result = run_task(task)
    except DomainError as exc:  # a lasting reason: a retry by Lambda would fail the same way
        logger.error("scheduled task failed", extra={"task": task, "error": exc.detail})
        return {"task": task, "status": "failed", "error": str(exc.detail)}
    answer = {"task": task, "status": "success", "result": result.model_dump(mode="json")}
    logger.info("scheduled task done", extra=answer)
    return answer


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if "job_id" in event:
        return run_scheduled_job(event)
    if "sync_ids" in event:
        return run_requested_syncs(event)
    return run_builtin_task(str(event.get("task", "")))
