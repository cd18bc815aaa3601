"""Reports (spec/003): requests, answers, e-mail and schedules."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from analytics.enums import ReportFormat, ReportStatus, ReportType
from analytics.schemas.common import Name, RequestBody
from analytics.schemas.report_content import ReportParameters

MAX_RECIPIENTS = 50

REPORT_EXAMPLE: dict[str, Any] = {
    "name": "Monthly Metrics Report",
    "report_type": "monthly",
    "format": "pdf",
    "parameters": {"month": "2025-12", "tz": "Europe/Berlin"},
}


class ReportCreate(RequestBody):
    """spec/003 ReportCreate. The creator is the caller's token subject."""

    model_config = ConfigDict(json_schema_extra={"examples": [REPORT_EXAMPLE]})

    name: Name
    report_type: ReportType
    format: ReportFormat = ReportFormat.PDF
    parameters: ReportParameters = Field(default_factory=ReportParameters)


class ReportFilters(BaseModel):
    report_type: ReportType | None = None
    status: ReportStatus | None = None
    scheduled: bool | None = None
    created_by: str | None = None


class ReportResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    report_type: ReportType
    format: ReportFormat
    status: ReportStatus
    parameters: dict[str, Any]
    file_name: str | None = Field(description="The file's name once rendered")
    file_size: int | None = Field(description="Bytes, once rendered")
    generated_at: dt.datetime | None
    error_message: str | None = Field(description="Why rendering failed, when it did")
    scheduled: bool = Field(description="Made by a schedule (POST /reports/schedule)")
    schedule_config: dict[str, Any] | None = Field(description="The schedule's job id and cron, if scheduled")
    email_recipients: list[str] = Field(description="Everyone the report was e-mailed to")
    created_by: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    download_url: str | None = Field(description="GET this path for the file (a redirect), once completed")


class StoredReport(ReportResponse):
    """A report with where its file is kept (never shown to callers)."""

    file_path: str | None

    def public(self) -> ReportResponse:
        return ReportResponse.model_validate(self.model_dump(exclude={"file_path"}))


class ReportEmailRequest(RequestBody):
    """spec/003 ReportEmailRequest."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "recipients": ["board@example.org"],
                    "subject": "December in numbers",
                    "message": "The monthly report is attached.",
                }
            ]
        }
    )

    recipients: list[EmailStr] = Field(min_length=1, max_length=MAX_RECIPIENTS)
    subject: str | None = Field(None, max_length=200, description="Default: the report's name and period")
    message: str | None = Field(None, max_length=10_000, description="Text above the download link")
    attach: bool = Field(True, description="Attach the file when it fits in an e-mail")


class ReportEmailResult(BaseModel):
    report_id: uuid.UUID
    recipients: list[str]
    message_id: str
    attached: bool = Field(description="Whether the file went along (else only the link)")
    link_expires_at: dt.datetime


class ReportJobConfig(BaseModel):
    """What a report_generation job renders on each run, and to whom it is e-mailed."""

    model_config = ConfigDict(extra="forbid")

    report: ReportCreate
    email_recipients: list[EmailStr] = Field(default_factory=list, max_length=MAX_RECIPIENTS)
    subject: str | None = Field(None, max_length=200)
    message: str | None = Field(None, max_length=10_000)
    created_by: str | None = Field(None, description="Who scheduled it; the creator of every report it makes")


class ReportScheduleCreate(ReportCreate):
    """spec/003 ReportScheduleCreate: a report made on a cron schedule and e-mailed to its recipients."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **REPORT_EXAMPLE,
                    "parameters": {"tz": "Europe/Berlin"},
                    "schedule": "0 6 1 * *",
                    "email_recipients": ["board@example.org"],
                }
            ]
        }
    )

    schedule: str = Field(
        min_length=1,
        max_length=100,
        description="A five-field cron expression in UTC, e.g. `0 6 1 * *` (06:00 on the 1st of each month)",
    )
    email_recipients: list[EmailStr] = Field(min_length=1, max_length=MAX_RECIPIENTS)
    subject: str | None = Field(None, max_length=200)
    message: str | None = Field(None, max_length=10_000)
    is_active: bool = True

    def job_config(self) -> ReportJobConfig:
        return ReportJobConfig(
            report=ReportCreate(
                name=self.name, report_type=self.report_type, format=self.format, parameters=self.parameters
            ),
            email_recipients=self.email_recipients,
            subject=self.subject,
            message=self.message,
        )
