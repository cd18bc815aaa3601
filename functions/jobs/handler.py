"""Scheduled jobs API: /api/v1/jobs (create, list, get, update, delete, trigger, statistics, runs)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from analytics.auth import Action
from analytics.enums import JobType
from analytics.http import (
    Caller,
    configure_resolver,
    documented,
    read_json_body,
    require,
    require_caller,
    resolve,
    write_json,
)
from analytics.observability import logger, metrics, tracer
from analytics.schemas.common import DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, Page
from analytics.schemas.jobs import (
    JobCreate,
    JobFilters,
    JobResponse,
    JobRunResponse,
    JobStatistics,
    JobTriggerRequest,
    JobUpdate,
)
from analytics.services import jobs as job_service
from analytics.wiring import job_launcher, job_rules, unit_of_work

app = APIGatewayHttpResolver(
    enable_validation=True, json_body_deserializer=read_json_body, serializer=write_json
)
configure_resolver(app)
TAGS = ["Scheduled jobs"]


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@app.post(
    "/api/v1/jobs",
    **documented(400, ok=201, caller=Caller.TOKEN, body=True),
    summary="Create a scheduled job",
    description="Creates the job and its EventBridge rule (the cron translated to EventBridge's form, "
    "shown as `rule_schedule`). A cron EventBridge cannot run, or a malformed one, is a 400 naming the "
    "problem.",
    tags=TAGS,
)
def create_job(job: JobCreate) -> tuple[JobResponse, int]:
    require(app, Action.ADMINISTER)
    return job_service.create_job(unit_of_work(), job_rules(), job, now()), 201


@app.get("/api/v1/jobs", **documented(), summary="List scheduled jobs, newest first", tags=TAGS)
def list_jobs(
    job_type: Annotated[JobType | None, Query()] = None,
    is_active: Annotated[bool | None, Query()] = None,
    skip: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_LIMIT)] = DEFAULT_PAGE_LIMIT,
) -> Page[JobResponse]:
    require(app, Action.READ)
    return job_service.list_jobs(
        unit_of_work(), JobFilters(job_type=job_type, is_active=is_active), skip, limit
    )


@app.get("/api/v1/jobs/<job_id>", **documented(404), summary="One scheduled job", tags=TAGS)
def get_job(job_id: Annotated[uuid.UUID, Path()]) -> JobResponse:
    require(app, Action.READ)
    return job_service.get_job(unit_of_work(), job_id)


@app.put(
    "/api/v1/jobs/<job_id>",
    **documented(400, 404, caller=Caller.TOKEN, body=True),
    summary="Change a scheduled job",
    description="Only the given fields change; the rule follows (`is_active: false` disables it). An admin "
    "changes any job; the analyst who scheduled a report (POST /api/v1/reports/schedule) changes its job, "
    "whose `config.created_by` stays theirs.",
    tags=TAGS,
)
def update_job(job_id: Annotated[uuid.UUID, Path()], update: JobUpdate) -> JobResponse:
    principal = require_caller(app, Action.REPORT)
    return job_service.update_job(unit_of_work(), job_rules(), job_id, update, now(), principal)


@app.delete(
    "/api/v1/jobs/<job_id>",
    **documented(404, ok=204, caller=Caller.TOKEN),
    summary="Delete a job and its rule",
    description="An admin deletes any job; the analyst who scheduled a report deletes its job.",
    tags=TAGS,
)
def delete_job(job_id: Annotated[uuid.UUID, Path()]) -> tuple[None, int]:
    principal = require_caller(app, Action.REPORT)
    job_service.delete_job(unit_of_work(), job_rules(), job_id, principal)
    return None, 204


@app.post(
    "/api/v1/jobs/<job_id>/trigger",
    **documented(400, 404, ok=202, caller=Caller.TOKEN, body=True),
    summary="Run a job now",
    description="202 with the pending run; the scheduler runs it at once (also a paused job). `config` "
    "overrides the job's settings for this run. Follow it with `GET /api/v1/jobs/{id}/runs`.",
    tags=TAGS,
)
def trigger_job(
    job_id: Annotated[uuid.UUID, Path()],
    request: Annotated[JobTriggerRequest | None, Body()] = None,
) -> tuple[JobRunResponse, int]:
    require(app, Action.ADMINISTER)
    config = request.config if request else None
    return job_service.trigger_job(unit_of_work(), job_launcher(), job_id, config), 202


@app.get(
    "/api/v1/jobs/<job_id>/statistics",
    **documented(404),
    summary="A job's run statistics",
    description="Runs, successes and failures, success rate, average duration, last and next run, "
    "recent runs.",
    tags=TAGS,
)
def job_statistics(job_id: Annotated[uuid.UUID, Path()]) -> JobStatistics:
    require(app, Action.READ)
    return job_service.job_statistics(unit_of_work(), job_id)


@app.get("/api/v1/jobs/<job_id>/runs", **documented(404), summary="A job's runs, newest first", tags=TAGS)
def list_runs(
    job_id: Annotated[uuid.UUID, Path()],
    skip: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_LIMIT)] = DEFAULT_PAGE_LIMIT,
) -> Page[JobRunResponse]:
    require(app, Action.READ)
    return job_service.list_runs(unit_of_work(), job_id, skip, limit)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)
