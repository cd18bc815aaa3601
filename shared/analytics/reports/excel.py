"""Excel reports (openpyxl): a summary sheet, one sheet per section with typed cells and frozen
headers, and native charts. Excel has no time zones: times are written as the report zone's local
wall time, which the sheets' headers say."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from analytics.reports import labels
from analytics.schemas.report_content import ReportContent
from analytics.statistics import Interval

BOLD = Font(bold=True)
COUNT = "#,##0"
NUMBER = "#,##0.00"
PERCENT = "0.0%"
DATE = "yyyy-mm-dd"
DATE_TIME = "yyyy-mm-dd hh:mm"


@dataclass(frozen=True)
class Column:
    title: str
    width: int
    number_format: str = "General"


def xlsx_bytes(content: ReportContent) -> bytes:
    workbook = Workbook()
    summary = workbook.active
    assert summary is not None, "a new workbook has a sheet"
    _summary(summary, content)
    _services(workbook.create_sheet("Services"), content)
    _over_time(workbook.create_sheet("Over time"), content)
    _top_metrics(workbook.create_sheet("Top metrics"), content)
    _goals(workbook.create_sheet("Goals"), content)
    _data(workbook.create_sheet("Data"), content)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell_value(value: Any, zone: ZoneInfo) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(zone).replace(tzinfo=None)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _write(sheet: Worksheet, row: int, values: Sequence[Any], zone: ZoneInfo) -> None:
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column, value=_cell_value(value, zone))
        if isinstance(value, str):
            cell.data_type = "s"  # a metric name such as "=1+1" stays text, never a formula


def _table(
    sheet: Worksheet, columns: Sequence[Column], rows: Sequence[Sequence[Any]], zone: ZoneInfo
) -> None:
    """A header row (frozen) and typed rows below it."""
    _write(sheet, 1, [column.title for column in columns], zone)
    for cell in sheet[1]:
        cell.font = BOLD
    for row, values in enumerate(rows, start=2):
        _write(sheet, row, values, zone)
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            cell.number_format = column.number_format
    sheet.freeze_panes = "A2"
    if rows:
        sheet.auto_filter.ref = sheet.dimensions


def _fraction(percent: float | None) -> float | None:
    """Excel shows 0.125 as 12.5 % in a percent-formatted cell."""
    return None if percent is None else percent / 100


def _local(content: ReportContent) -> str:
    return f"local time, {content.time_zone}"


def _bucket_format(content: ReportContent) -> str:
    return DATE_TIME if content.interval is Interval.HOUR else DATE


def _summary(sheet: Worksheet, content: ReportContent) -> None:
    sheet.title = "Summary"
    zone = ZoneInfo(content.time_zone)
    _write(sheet, 1, [content.title], zone)
    sheet["A1"].font = Font(bold=True, size=14)
    rows: list[tuple[str, Any, str]] = [
        ("Report", f"{content.report_type.value.capitalize()} report", "General"),
        ("Period", labels.period_label(content), "General"),
        ("Generated", content.generated_at, DATE_TIME),
        ("Times", f"Excel has no time zones: every time is {_local(content)}", "General"),
    ]
    rows += [
        (
            figure.label,
            _fraction(figure.value) if figure.percent else figure.value,
            PERCENT if figure.percent else COUNT,
        )
        for figure in labels.key_figures(content)
    ]
    for row, (label, value, number_format) in enumerate(rows, start=3):
        _write(sheet, row, [label, value], zone)
        sheet.cell(row=row, column=1).font = BOLD
        sheet.cell(row=row, column=2).number_format = number_format
    sheet.column_dimensions["A"].width = 48
    sheet.column_dimensions["B"].width = 44


def _services(sheet: Worksheet, content: ReportContent) -> None:
    columns = [
        Column("Service", 16),
        Column("Metrics recorded", 16, COUNT),
        Column("Sum", 16, NUMBER),
        Column("Average", 14, NUMBER),
        Column("Previous sum", 16, NUMBER),
        Column("Change", 10, PERCENT),
    ]
    rows = [
        [
            labels.SERVICE_LABELS[s.service],
            s.count,
            s.sum,
            s.avg,
            s.previous_sum,
            _fraction(s.change_percent),
        ]
        for s in content.services
    ]
    _table(sheet, columns, rows, ZoneInfo(content.time_zone))
    chart = BarChart()
    chart.type = "bar"
    chart.title = "Metrics recorded per service"
    chart.legend = None
    chart.add_data(Reference(sheet, min_col=2, min_row=1, max_row=len(rows) + 1), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=len(rows) + 1))
    chart.y_axis.numFmt = COUNT
    sheet.add_chart(chart, "H2")


def _over_time(sheet: Worksheet, content: ReportContent) -> None:
    series = content.time_series
    columns = [Column(f"Start ({_local(content)})", 24, _bucket_format(content))]
    columns += [Column(labels.SERVICE_LABELS[s.service], 14, NUMBER) for s in series]
    rows = [[point.start, *(s.points[i].sum for s in series)] for i, point in enumerate(series[0].points)]
    _table(sheet, columns, rows, ZoneInfo(content.time_zone))
    chart = LineChart()
    chart.title = f"Sum per service, per {content.interval.value}"
    chart.width, chart.height = 24, 12
    chart.add_data(
        Reference(sheet, min_col=2, max_col=len(columns), min_row=1, max_row=len(rows) + 1),
        titles_from_data=True,
    )
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=len(rows) + 1))
    chart.x_axis.number_format = _bucket_format(content)
    chart.y_axis.numFmt = NUMBER
    sheet.add_chart(chart, f"{get_column_letter(len(columns) + 2)}2")


def _top_metrics(sheet: Worksheet, content: ReportContent) -> None:
    columns = [
        Column("Service", 16),
        Column("Metric type", 14),
        Column("Metric name", 32),
        Column("Count", 12, COUNT),
        *(Column(title, 14, NUMBER) for title in ("Sum", "Average", "Min", "Max", "p95")),
    ]
    rows = [
        [
            labels.SERVICE_LABELS[m.service],
            str(m.metric_type),
            m.metric_name,
            m.count,
            m.sum,
            m.avg,
            m.min,
            m.max,
            m.p95,
        ]
        for m in content.top_metrics
    ]
    _table(sheet, columns, rows, ZoneInfo(content.time_zone))


def _goals(sheet: Worksheet, content: ReportContent) -> None:
    columns = [
        Column("Goal", 28),
        Column("Metric type", 14),
        Column("Target", 14, NUMBER),
        Column("Current", 14, NUMBER),
        Column("Unit", 8),
        Column("Progress", 10, PERCENT),
        Column("Status", 10),
        Column("Start date", 12, DATE),
        Column("End date", 12, DATE),
    ]
    rows = [
        [
            g.name,
            str(g.metric_type),
            g.target_value,
            g.current_value,
            g.unit,
            _fraction(g.progress_percentage),
            str(g.status),
            g.start_date,
            g.end_date,
        ]
        for g in content.goals
    ]
    _table(sheet, columns, rows, ZoneInfo(content.time_zone))


def _data(sheet: Worksheet, content: ReportContent) -> None:
    columns = [
        Column(f"Start ({_local(content)})", 24, _bucket_format(content)),
        Column("Service", 16),
        Column("Metric type", 14),
        Column("Metric name", 32),
        Column("Count", 12, COUNT),
        *(Column(title, 14, NUMBER) for title in ("Sum", "Average", "Min", "Max")),
    ]
    rows = [
        [
            d.bucket_start,
            labels.SERVICE_LABELS[d.service],
            str(d.metric_type),
            d.metric_name,
            d.count,
            d.sum,
            d.avg,
            d.min,
            d.max,
        ]
        for d in content.details
    ]
    _table(sheet, columns, rows, ZoneInfo(content.time_zone))
