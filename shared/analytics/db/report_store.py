"""Reports in PostgreSQL: their requests, status and where their files are."""

from __future__ import annotations

import datetime as dt
import posixpath
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from analytics.db.models import Report
from analytics.db.paging import page_of
from analytics.enums import ReportStatus
from analytics.schemas.reports import ReportCreate, ReportFilters, ReportResponse, StoredReport


def to_stored(row: Report) -> StoredReport:
    completed = row.status is ReportStatus.COMPLETED
    return StoredReport(
        id=row.id,
        name=row.name,
        report_type=row.report_type,
        format=row.format,
        status=row.status,
        parameters=row.parameters,
        file_path=row.file_path,
        file_name=posixpath.basename(row.file_path) if row.file_path else None,
        file_size=row.file_size,
        generated_at=row.generated_at,
        error_message=row.error_message,
        scheduled=row.scheduled,
        schedule_config=row.schedule_config,
        email_recipients=list(row.email_recipients or []),
        created_by=row.created_by,
        created_at=row.created_at,
        updated_at=row.updated_at,
        download_url=f"/api/v1/reports/{row.id}/download" if completed else None,
    )


def conditions(filters: ReportFilters) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if filters.report_type is not None:
        where.append(Report.report_type == filters.report_type)
    if filters.status is not None:
        where.append(Report.status == filters.status)
    if filters.scheduled is not None:
        where.append(Report.scheduled == filters.scheduled)
    if filters.created_by is not None:
        where.append(Report.created_by == filters.created_by)
    return where


class SqlReportStore:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(
        self,
        report: ReportCreate,
        *,
        created_by: str | None,
        scheduled: bool = False,
        schedule_config: dict[str, Any] | None = None,
    ) -> StoredReport:
        row = Report(
            name=report.name,
            report_type=report.report_type,
            format=report.format,
            parameters=report.parameters.model_dump(mode="json", exclude_defaults=True),
            scheduled=scheduled,
            schedule_config=schedule_config,
            created_by=created_by,
        )
        self._session.add(row)
        self._session.flush()
        self._session.refresh(row)
        return to_stored(row)

    def get(self, report_id: uuid.UUID) -> StoredReport | None:
        row = self._session.get(Report, report_id)
        return to_stored(row) if row is not None else None

    def find(self, filters: ReportFilters, skip: int, limit: int) -> tuple[list[ReportResponse], int]:
        where = conditions(filters)
        rows, total = page_of(
            self._session, Report, where, (Report.created_at.desc(), Report.id), skip, limit
        )
        return [to_stored(row).public() for row in rows], total

    def mark_generating(self, report_id: uuid.UUID) -> StoredReport | None:
        return self._change(report_id, status=ReportStatus.GENERATING, error_message=None)

    def mark_completed(
        self, report_id: uuid.UUID, *, file_path: str, file_size: int, generated_at: dt.datetime
    ) -> None:
        self._change(
            report_id,
            status=ReportStatus.COMPLETED,
            file_path=file_path,
            file_size=file_size,
            generated_at=generated_at,
            error_message=None,
        )

    def mark_failed(self, report_id: uuid.UUID, error: str) -> None:
        self._change(report_id, status=ReportStatus.FAILED, error_message=error)

    def add_recipients(self, report_id: uuid.UUID, recipients: Sequence[str]) -> None:
        row = self._session.get(Report, report_id, with_for_update=True)
        if row is not None:
            known = list(row.email_recipients or [])
            row.email_recipients = known + [r for r in recipients if r not in known]

    def delete(self, report_id: uuid.UUID) -> StoredReport | None:
        row = self._session.get(Report, report_id)
        if row is None:
            return None
        stored = to_stored(row)
        self._session.delete(row)
        return stored

    def _change(self, report_id: uuid.UUID, **values: Any) -> StoredReport | None:
        row = self._session.get(Report, report_id, with_for_update=True)
        if row is None:
            return None
        for name, value in values.items():
            setattr(row, name, value)
        self._session.flush()
        self._session.refresh(row)
        return to_stored(row)
