"""Reports (spec/003): requested through the API, rendered by the report worker into the reports bucket,
downloaded through presigned URLs, e-mailed through SES, and made on a schedule by report jobs."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from analytics.auth import Principal, may_change
from analytics.enums import JobType, ReportStatus
from analytics.errors import Conflict, DomainError, Forbidden, Gone, NotFound, ReportFailed, Unavailable
from analytics.observability import logger
from analytics.ports import UnitOfWork
from analytics.report_ports import JobRules, Mailer, ReportFiles, ReportQueue
from analytics.schemas.common import Page
from analytics.schemas.jobs import JobCreate, JobResponse
from analytics.schemas.report_content import ReportDefinition, ReportParameters
from analytics.schemas.reports import (
    ReportCreate,
    ReportEmailRequest,
    ReportEmailResult,
    ReportFilters,
    ReportJobConfig,
    ReportResponse,
    ReportScheduleCreate,
    StoredReport,
)
from analytics.services import jobs as job_service
from analytics.settings import Settings

# SES takes raw messages up to 10 MB; base64 makes an attachment a third larger, and the text needs room.
MAX_ATTACHMENT_BYTES = 7 * 1024 * 1024


def request_report(
    uow: UnitOfWork, queue: ReportQueue, report: ReportCreate, created_by: str | None
) -> ReportResponse:
    """Records a pending report and hands it to the report worker."""
    with uow:
        stored = uow.reports.add(report, created_by=created_by)
    try:
        queue.send(stored.id)
    except Unavailable:
        with uow:
            uow.reports.mark_failed(
                stored.id, "the report could not be queued for rendering; request it again"
            )
        raise
    return stored.public()


def get_report(uow: UnitOfWork, report_id: uuid.UUID) -> ReportResponse:
    with uow:
        return _existing(uow, report_id).public()


def list_reports(uow: UnitOfWork, filters: ReportFilters, skip: int, limit: int) -> Page[ReportResponse]:
    with uow:
        items, total = uow.reports.find(filters, skip, limit)
    return Page(items=items, total=total, skip=skip, limit=limit)


def delete_report(uow: UnitOfWork, files: ReportFiles, report_id: uuid.UUID, principal: Principal) -> None:
    """Deletes the record and its file (the file first: a failure leaves the record to retry from); the
    report's creator or an admin."""
    with uow:
        report = _owned(uow, report_id, principal)
        if report.file_path:
            files.delete(report.file_path)
        uow.reports.delete(report_id)


def download_url(uow: UnitOfWork, files: ReportFiles, report_id: uuid.UUID, expires_in: int) -> str:
    with uow:
        report = _completed(_existing(uow, report_id))
    return _link(files, report, expires_in)


def render_report(
    unit_of_work: Callable[[], UnitOfWork], files: ReportFiles, report_id: uuid.UUID, now: dt.datetime
) -> StoredReport | None:
    """The report worker's work: generating → completed (file in the bucket) or failed (with the reason).
    None when the report was deleted meanwhile. Unavailable (database or S3 down) propagates so that the
    queue retries the report."""
    from analytics.reports.content import build_report_content
    from analytics.reports.render import render

    with unit_of_work() as uow:
        report = uow.reports.mark_generating(report_id)
    if report is None:
        return None
    try:
        definition = ReportDefinition(
            name=report.name,
            report_type=report.report_type,
            parameters=ReportParameters.model_validate(report.parameters),
        )
        with unit_of_work() as uow:
            content = build_report_content(uow, definition, now)
        rendered = render(content, report.format)
        key = f"reports/{report.id}/{file_stem(report.name)}.{rendered.extension}"
        files.put(key, rendered.body, rendered.content_type)
    except Unavailable:
        raise
    except (DomainError, ValidationError) as exc:
        return _finish(unit_of_work, report.id, error=str(exc))
    except Exception as exc:  # a renderer's bug must not leave the report "generating" forever
        logger.exception("report rendering failed", extra={"report_id": str(report.id)})
        return _finish(unit_of_work, report.id, error=f"rendering failed: {type(exc).__name__}: {exc}")
    with unit_of_work() as uow:
        uow.reports.mark_completed(report.id, file_path=key, file_size=len(rendered.body), generated_at=now)
        return uow.reports.get(report.id)


def email_report(
    uow: UnitOfWork,
    files: ReportFiles,
    mailer: Mailer,
    report_id: uuid.UUID,
    request: ReportEmailRequest,
    settings: Settings,
    now: dt.datetime,
    principal: Principal,
) -> ReportEmailResult:
    """Sends the report's download link, and the file itself when it fits in an e-mail; the report's
    creator or an admin."""
    with uow:
        report = _completed(_owned(uow, report_id, principal))
    return _mail(uow, files, mailer, report, request, settings, now)


def _mail(
    uow: UnitOfWork,
    files: ReportFiles,
    mailer: Mailer,
    report: StoredReport,
    request: ReportEmailRequest,
    settings: Settings,
    now: dt.datetime,
) -> ReportEmailResult:
    expires_in = settings.REPORT_EMAIL_LINK_EXPIRY_SECONDS
    link = _link(files, report, expires_in)
    expires_at = now + dt.timedelta(seconds=expires_in)
    attach = request.attach and (report.file_size or 0) <= MAX_ATTACHMENT_BYTES
    assert report.file_path is not None and report.file_name is not None  # a completed report has a file
    attachment = (
        (report.file_name, content_type(report.file_name), files.read(report.file_path)) if attach else None
    )
    recipients = [str(address) for address in request.recipients]
    lines = [request.message, ""] if request.message else []
    lines += [
        f"{report.name} ({report.report_type} report, {report.format}, {report.file_size or 0:,} bytes)"
        + (" is attached." if attach else "."),
        f"Download it here until {expires_at:%Y-%m-%d %H:%M} UTC:",
        link,
    ]
    message_id = mailer.send(
        sender=settings.REPORTS_EMAIL_SENDER,
        recipients=recipients,
        subject=request.subject or report.name,
        text="\n".join(lines),
        attachment=attachment,
    )
    with uow:
        uow.reports.add_recipients(report.id, recipients)
    return ReportEmailResult(
        report_id=report.id,
        recipients=recipients,
        message_id=message_id,
        attached=attach,
        link_expires_at=expires_at,
    )


def schedule_report(
    uow: UnitOfWork, rules: JobRules, schedule: ReportScheduleCreate, created_by: str | None, now: dt.datetime
) -> JobResponse:
    """A report_generation job: its rule makes the scheduler render the report and e-mail it."""
    config = schedule.job_config()
    config.created_by = created_by
    job = JobCreate(
        name=schedule.name,
        description=f"{schedule.report_type} {schedule.format} report, e-mailed to "
        + ", ".join(str(r) for r in schedule.email_recipients),
        job_type=JobType.REPORT_GENERATION,
        schedule=schedule.schedule,
        is_active=schedule.is_active,
        config=config.model_dump(mode="json"),
    )
    return job_service.create_job(uow, rules, job, now)


def run_report_job(
    unit_of_work: Callable[[], UnitOfWork],
    files: ReportFiles,
    mailer: Mailer,
    job: JobResponse,
    config: dict[str, Any],
    settings: Settings,
    now: dt.datetime,
) -> dict[str, Any]:
    """One run of a report_generation job: a new scheduled report, rendered now and e-mailed."""
    try:
        job_config = ReportJobConfig.model_validate(config)
    except ValidationError as exc:
        raise ReportFailed(f"the job's config does not describe a report: {exc}") from exc
    with unit_of_work() as uow:
        requested = uow.reports.add(
            job_config.report,
            created_by=job_config.created_by,
            scheduled=True,
            schedule_config={"job_id": str(job.id), "schedule": job.schedule},
        )
    report = render_report(unit_of_work, files, requested.id, now)
    if report is None or report.status is not ReportStatus.COMPLETED:
        reason = report.error_message if report is not None else "it was deleted while rendering"
        raise ReportFailed(f"report {requested.id} failed: {reason}")
    emailed: list[str] = []
    if job_config.email_recipients:
        request = ReportEmailRequest(
            recipients=job_config.email_recipients, subject=job_config.subject, message=job_config.message
        )
        emailed = _mail(unit_of_work(), files, mailer, report, request, settings, now).recipients
    return {"report_id": str(report.id), "file_size": report.file_size, "emailed_to": emailed}


CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}


def content_type(file_name: str) -> str:
    return CONTENT_TYPES.get(file_name.rsplit(".", 1)[-1], "application/octet-stream")


def file_stem(name: str) -> str:
    """A file name from a report's name: `Monthly Metrics Report` → `monthly-metrics-report`."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:80] or "report"


def _link(files: ReportFiles, report: StoredReport, expires_in: int) -> str:
    """A presigned link to the report's file. Gone when the file has left the bucket (the bucket expires
    files): no retry mends that, so the caller is told to generate the report again."""
    assert report.file_path is not None and report.file_name is not None  # a completed report has a file
    if not files.exists(report.file_path):
        raise Gone(
            f"the file of report {report.id} is no longer in the reports bucket (files are kept for a "
            "limited time); generate the report again with POST /api/v1/reports/generate"
        )
    return files.download_url(
        report.file_path,
        content_type=content_type(report.file_name),
        file_name=report.file_name,
        expires_in=expires_in,
    )


def _finish(
    unit_of_work: Callable[[], UnitOfWork], report_id: uuid.UUID, *, error: str
) -> StoredReport | None:
    with unit_of_work() as uow:
        uow.reports.mark_failed(report_id, error)
        return uow.reports.get(report_id)


def _existing(uow: UnitOfWork, report_id: uuid.UUID) -> StoredReport:
    report = uow.reports.get(report_id)
    if report is None:
        raise NotFound(f"no report {report_id}")
    return report


def _owned(uow: UnitOfWork, report_id: uuid.UUID, principal: Principal) -> StoredReport:
    report = _existing(uow, report_id)
    if not may_change(principal, report.created_by):
        raise Forbidden("only the report's creator or an admin may e-mail or delete it")
    return report


def _completed(report: StoredReport) -> StoredReport:
    if report.status is not ReportStatus.COMPLETED:
        raise Conflict(f"report {report.id} is {report.status}; it can be downloaded or sent once completed")
    return report
