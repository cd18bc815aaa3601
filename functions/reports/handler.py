"""Reports API: /api/v1/reports (generate, list, get, delete, download, e-mail, schedule)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from analytics.auth import Action
from analytics.enums import ReportStatus, ReportType
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
from analytics.schemas.jobs import JobResponse
from analytics.schemas.reports import (
    ReportCreate,
    ReportEmailRequest,
    ReportEmailResult,
    ReportFilters,
    ReportResponse,
    ReportScheduleCreate,
)
from analytics.services import reports as report_service
from analytics.settings import get_settings
from analytics.wiring import job_rules, mailer, report_files, report_queue, unit_of_work

app = APIGatewayHttpResolver(
    enable_validation=True, json_body_deserializer=read_json_body, serializer=write_json
)
configure_resolver(app)
TAGS = ["Reports"]
FILE_GONE = "The report's file is no longer kept: generate the report again"


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@app.post(
    "/api/v1/reports/generate",
    **documented(400, ok=202, caller=Caller.TOKEN, body=True),
    summary="Request a report",
    description="202 with the pending report; the report worker renders it into the reports bucket. Poll "
    "`GET /api/v1/reports/{id}` until `status` is `completed` (then download it) or `failed` (see "
    "`error_message`). `parameters` choose the period (`date`, `month`, `year`, or `start_date`/`end_date` "
    "for custom reports; default the last full day, week, month or year), the time zone `tz`, the services "
    "and how many top metrics to list.",
    tags=TAGS,
)
def generate_report(report: ReportCreate) -> tuple[ReportResponse, int]:
    principal = require(app, Action.REPORT)
    created_by = principal.subject if principal else None
    return report_service.request_report(unit_of_work(), report_queue(), report, created_by), 202


@app.get("/api/v1/reports", **documented(), summary="List reports, newest first", tags=TAGS)
def list_reports(
    report_type: Annotated[ReportType | None, Query()] = None,
    status: Annotated[ReportStatus | None, Query()] = None,
    scheduled: Annotated[
        bool | None, Query(description="Only reports made by a schedule, or none of them")
    ] = None,
    created_by: Annotated[str | None, Query(description="The creator's token subject")] = None,
    skip: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_LIMIT)] = DEFAULT_PAGE_LIMIT,
) -> Page[ReportResponse]:
    require(app, Action.READ)
    filters = ReportFilters(
        report_type=report_type, status=status, scheduled=scheduled, created_by=created_by
    )
    return report_service.list_reports(unit_of_work(), filters, skip, limit)


@app.get("/api/v1/reports/<report_id>", **documented(404), summary="One report and its status", tags=TAGS)
def get_report(report_id: Annotated[uuid.UUID, Path()]) -> ReportResponse:
    require(app, Action.READ)
    return report_service.get_report(unit_of_work(), report_id)


@app.get(
    "/api/v1/reports/<report_id>/download",
    summary="Download a report's file",
    description="302 to a presigned S3 URL (valid for `REPORT_DOWNLOAD_URL_EXPIRY_SECONDS`, default 15 "
    "minutes) that serves the file with its content type and file name; 409 while the report is not "
    "completed; 410 once its file has left the bucket (files expire): generate the report again.",
    **documented(
        404,
        ok={302: "To the file's presigned URL"},
        why={409: "The report is not completed (yet)", 410: FILE_GONE},
    ),
    tags=TAGS,
)
def download_report(report_id: Annotated[uuid.UUID, Path()]) -> Response[None]:
    require(app, Action.READ)
    expires_in = get_settings().REPORT_DOWNLOAD_URL_EXPIRY_SECONDS
    url = report_service.download_url(unit_of_work(), report_files(), report_id, expires_in)
    return Response(status_code=302, headers={"Location": url, "Cache-Control": "no-store"}, body=None)


@app.post(
    "/api/v1/reports/<report_id>/email",
    **documented(
        404,
        why={409: "The report is not completed (yet)", 410: FILE_GONE},
        caller=Caller.TOKEN,
        body=True,
    ),
    summary="E-mail a report",
    description="Sends the download link through SES to every recipient, with the file attached when it fits "
    "in an e-mail (up to 7 MB). Only the report's creator or an admin (403 for anyone else). 409 while "
    "the report is not completed; 410 once its file has left the bucket; 422 for an invalid address.",
    tags=TAGS,
)
def email_report(report_id: Annotated[uuid.UUID, Path()], request: ReportEmailRequest) -> ReportEmailResult:
    principal = require_caller(app, Action.REPORT)
    return report_service.email_report(
        unit_of_work(), report_files(), mailer(), report_id, request, get_settings(), now(), principal
    )


@app.post(
    "/api/v1/reports/schedule",
    **documented(400, ok=201, caller=Caller.TOKEN, body=True),
    summary="Schedule a recurring report",
    description="Creates a `report_generation` job (see /api/v1/jobs) whose EventBridge rule, on the cron "
    "`schedule` (UTC), renders the report for the period before the run and e-mails it to "
    "`email_recipients`. Pause, change or delete it through /api/v1/jobs/{id}; the reports it makes are "
    "listed with `scheduled=true`.",
    tags=TAGS,
)
def schedule_report(schedule: ReportScheduleCreate) -> tuple[JobResponse, int]:
    principal = require(app, Action.REPORT)
    created_by = principal.subject if principal else None
    return report_service.schedule_report(unit_of_work(), job_rules(), schedule, created_by, now()), 201


@app.delete(
    "/api/v1/reports/<report_id>",
    **documented(404, ok=204, caller=Caller.TOKEN),
    summary="Delete a report and its file",
    description="Only the report's creator or an admin (403 for anyone else).",
    tags=TAGS,
)
def delete_report(report_id: Annotated[uuid.UUID, Path()]) -> tuple[None, int]:
    report_service.delete_report(
        unit_of_work(), report_files(), report_id, require_caller(app, Action.REPORT)
    )
    return None, 204


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)
