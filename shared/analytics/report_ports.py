"""What reports and scheduled jobs need from storage and from AWS. Adapters: analytics.db, analytics.aws."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from analytics.enums import JobStatus, RunTrigger
from analytics.schemas.jobs import JobCreate, JobFilters, JobResponse, JobRunResponse
from analytics.schemas.reports import ReportCreate, ReportFilters, ReportResponse, StoredReport


class ReportStore(Protocol):
    def add(
        self,
        report: ReportCreate,
        *,
        created_by: str | None,
        scheduled: bool = False,
        schedule_config: dict[str, Any] | None = None,
    ) -> StoredReport: ...
    def get(self, report_id: uuid.UUID) -> StoredReport | None: ...
    def find(self, filters: ReportFilters, skip: int, limit: int) -> tuple[list[ReportResponse], int]: ...
    def mark_generating(self, report_id: uuid.UUID) -> StoredReport | None: ...
    def mark_completed(
        self, report_id: uuid.UUID, *, file_path: str, file_size: int, generated_at: dt.datetime
    ) -> None: ...
    def mark_failed(self, report_id: uuid.UUID, error: str) -> None: ...
    def add_recipients(self, report_id: uuid.UUID, recipients: Sequence[str]) -> None: ...
    def delete(self, report_id: uuid.UUID) -> StoredReport | None: ...


class JobStore(Protocol):
    def add(self, job: JobCreate, next_run_at: dt.datetime | None) -> JobResponse: ...
    def get(self, job_id: uuid.UUID) -> JobResponse | None: ...
    def find(self, filters: JobFilters, skip: int, limit: int) -> tuple[list[JobResponse], int]: ...
    def update(
        self, job_id: uuid.UUID, changes: dict[str, Any], next_run_at: dt.datetime | None
    ) -> JobResponse | None: ...
    def delete(self, job_id: uuid.UUID) -> bool: ...
    def add_run(self, job_id: uuid.UUID, trigger: RunTrigger, config: dict[str, Any]) -> JobRunResponse: ...
    def get_run(self, run_id: uuid.UUID) -> JobRunResponse | None: ...
    def start_run(self, run_id: uuid.UUID, started_at: dt.datetime) -> JobRunResponse | None: ...
    def finish_run(
        self,
        run_id: uuid.UUID,
        *,
        status: JobStatus,
        finished_at: dt.datetime,
        error: str | None,
        result: dict[str, Any] | None,
        next_run_at: dt.datetime | None,
    ) -> None: ...
    def runs(self, job_id: uuid.UUID, skip: int, limit: int) -> tuple[list[JobRunResponse], int]: ...
    def average_duration_seconds(self, job_id: uuid.UUID) -> float | None: ...


class ReportFiles(Protocol):
    """Where rendered reports are kept (the reports bucket)."""

    def put(self, key: str, body: bytes, content_type: str) -> None: ...
    def read(self, key: str) -> bytes: ...
    def exists(self, key: str) -> bool: ...
    def delete(self, key: str) -> None: ...
    def download_url(self, key: str, *, content_type: str, file_name: str, expires_in: int) -> str: ...


class ReportQueue(Protocol):
    """Hands a report to the report worker."""

    def send(self, report_id: uuid.UUID) -> None: ...


class Mailer(Protocol):
    def send(
        self,
        *,
        sender: str,
        recipients: Sequence[str],
        subject: str,
        text: str,
        attachment: tuple[str, str, bytes] | None,
    ) -> str:
        """Sends one message to all recipients; answers its message id. The attachment is
        (file name, content type, bytes)."""
        ...


class JobRules(Protocol):
    """The EventBridge rules that run scheduled jobs."""

    def put(
        self, job_id: uuid.UUID, *, schedule_expression: str, enabled: bool, description: str
    ) -> None: ...
    def delete(self, job_id: uuid.UUID) -> None: ...


class JobLauncher(Protocol):
    """Starts a run of a job now, without waiting for it (the scheduler function, invoked asynchronously)."""

    def launch(self, job_id: uuid.UUID, run_id: uuid.UUID) -> None: ...


class GoalEvents(Protocol):
    def publish(self, detail_type: str, detail: dict[str, Any]) -> None:
        """Puts one event (GoalThresholdReached, GoalAtRisk, GoalAchieved, GoalFailed) on the bus."""
        ...


@dataclass(frozen=True)
class GoalAlerting:
    """Where goal alerts go: events on the bus, e-mails through SES from `sender`."""

    events: GoalEvents
    mailer: Mailer
    sender: str
