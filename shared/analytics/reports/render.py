"""A report's content as a file of the requested format."""

from __future__ import annotations

from dataclasses import dataclass

from analytics.enums import ReportFormat
from analytics.schemas.report_content import ReportContent

MEDIA = {
    ReportFormat.PDF: ("application/pdf", "pdf"),
    ReportFormat.EXCEL: ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    ReportFormat.CSV: ("text/csv; charset=utf-8", "csv"),
    ReportFormat.JSON: ("application/json", "json"),
}


@dataclass(frozen=True)
class RenderedReport:
    body: bytes
    content_type: str
    extension: str


def render(content: ReportContent, fmt: ReportFormat) -> RenderedReport:
    content_type, extension = MEDIA[fmt]
    return RenderedReport(_body(content, fmt), content_type, extension)


def _body(content: ReportContent, fmt: ReportFormat) -> bytes:
    # Each renderer is imported when used: reportlab and openpyxl would slow every cold start.
    if fmt is ReportFormat.PDF:
        from analytics.reports.pdf import pdf_bytes

        return pdf_bytes(content)
    if fmt is ReportFormat.EXCEL:
        from analytics.reports.excel import xlsx_bytes

        return xlsx_bytes(content)
    from analytics.reports.tabular import csv_bytes, json_bytes

    return csv_bytes(content) if fmt is ReportFormat.CSV else json_bytes(content)
