"""Excel reports (openpyxl): a summary sheet with the key figures, and a sheet per domain section with its
figures, breakdowns and a native chart, every number a typed cell formatted in its unit (percents as
Excel percents). Excel has no time zones: times are written as the report zone's local wall time, which
the sheets say."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from analytics.reports import labels
from analytics.schemas.report_content import (
    Breakdown,
    Comparison,
    Figure,
    ReportContent,
    Section,
    TimeChart,
    Unit,
)
from analytics.statistics import Interval

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
FORMATS = {Unit.USD: '"$"#,##0.00', Unit.PEOPLE: "#,##0", Unit.COUNT: "#,##0", Unit.PERCENT: "0.0%"}
SIGNED = {
    Unit.USD: '+"$"#,##0.00;-"$"#,##0.00;"$"0.00',
    Unit.PEOPLE: "+#,##0;-#,##0;0",
    Unit.COUNT: "+#,##0;-#,##0;0",
    Unit.PERCENT: '+0.0" pp";-0.0" pp";0.0" pp"',  # percentage points, written as they are
}
CHANGE = "+0.0%;-0.0%;0.0%"
PERCENT = "0.0%"
DATE = "yyyy-mm-dd"
DATE_TIME = "yyyy-mm-dd hh:mm"
UNIT_WORDS = {Unit.USD: "USD", Unit.PEOPLE: "people", Unit.COUNT: "count", Unit.PERCENT: "percent"}
MAX_SHEET_TITLE = 31
STANDING = "As last computed"


def xlsx_bytes(content: ReportContent) -> bytes:
    workbook = Workbook()
    summary = workbook.active
    assert summary is not None, "a new workbook has a sheet"
    _summary(summary, content)
    for section in content.sections:
        _section(workbook.create_sheet(section.title[:MAX_SHEET_TITLE]), content, section)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class _Writer:
    """Writes typed rows down a sheet, in the report zone's wall time."""

    def __init__(self, sheet: Worksheet, content: ReportContent) -> None:
        self.sheet = sheet
        self.zone = ZoneInfo(content.time_zone)
        self.row = 1

    def line(self, values: Sequence[Any], formats: Sequence[str | None] = (), bold: bool = False) -> int:
        """One row; answers its number."""
        for column, value in enumerate(values, start=1):
            cell = self.sheet.cell(row=self.row, column=column, value=self._value(value))
            if isinstance(value, str):
                cell.data_type = "s"  # a name such as "=1+1" stays text, never a formula
            if column <= len(formats) and formats[column - 1]:
                cell.number_format = formats[column - 1]
            if bold:
                cell.font = BOLD
        self.row += 1
        return self.row - 1

    def skip(self) -> None:
        self.row += 1

    def _value(self, value: Any) -> Any:
        if isinstance(value, dt.datetime):
            return value.astimezone(self.zone).replace(tzinfo=None)
        if isinstance(value, str):
            return ILLEGAL_CHARACTERS_RE.sub("", value)
        return value


def _in_cell(value: float | None, unit: Unit) -> float | None:
    """Excel shows 0.125 as 12.5 % in a percent-formatted cell."""
    if value is None:
        return None
    return value / 100 if unit is Unit.PERCENT else value


def _comparison_cells(comparison: Comparison | None, unit: Unit) -> tuple[list[Any], list[str]]:
    if comparison is None:
        return [None, None, None], [FORMATS[unit], SIGNED[unit], CHANGE]
    relative = None if comparison.change_percent is None else comparison.change_percent / 100
    return [_in_cell(comparison.value, unit), comparison.change, relative], [
        FORMATS[unit],
        SIGNED[unit],
        CHANGE,
    ]


def _figure_header(content: ReportContent) -> list[str]:
    header = ["Figure", "Unit", content.period.label, content.previous_period.label, "Change", "Change %"]
    if content.year_earlier_period is not None:
        header += [content.year_earlier_period.label, "Change", "Change %"]
    return [*header, "Note"]


def _figure_row(content: ReportContent, figure: Figure) -> tuple[list[Any], list[str | None]]:
    values: list[Any] = [figure.label, UNIT_WORDS[figure.unit], _in_cell(figure.value, figure.unit)]
    formats: list[str | None] = [None, None, FORMATS[figure.unit]]
    compared = [figure.previous]
    if content.year_earlier_period is not None:
        compared.append(figure.year_earlier)
    for comparison in compared:
        cells, cell_formats = _comparison_cells(comparison, figure.unit)
        values += cells
        formats += cell_formats
    return [*values, labels.figure_note(figure) or None], [*formats, None]


def _widths(sheet: Worksheet, widths: Sequence[int]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _summary(sheet: Worksheet, content: ReportContent) -> None:
    sheet.title = "Summary"
    write = _Writer(sheet, content)
    write.line([content.title])
    sheet["A1"].font = TITLE
    write.skip()
    facts: list[tuple[str, Any, str | None]] = [
        ("Report", f"{content.report_type.value.capitalize()} report", None),
        ("Period", labels.period_label(content), None),
        *(
            (f"Compared with ({what})", f"{period.label} ({labels.period_days(period)})", None)
            for what, period in labels.comparisons(content)
        ),
        ("Generated", content.generated_at, DATE_TIME),
        ("Times", f"Excel has no time zones: every time is local time, {content.time_zone}", None),
    ]
    for label, value, number_format in facts:
        row = write.line([label, value], [None, number_format])
        sheet.cell(row=row, column=1).font = BOLD
    write.skip()
    write.line(["Key figures"], bold=True)
    write.line(["Domain", *_figure_header(content)], bold=True)
    for section, figure in content.key_figures():
        values, formats = _figure_row(content, figure)
        write.line([section.title, *values], [None, *formats])
    if content.left_out:
        write.skip()
        write.line(["Not in this report"], bold=True)
        for part in content.left_out:
            write.line([part.title, part.reason])
    _widths(sheet, [26, 26, 9, 16, 16, 12, 10, 16, 12, 10, 24])


def _section(sheet: Worksheet, content: ReportContent, section: Section) -> None:
    """Its figures (frozen header), its breakdowns and goals below, the chart's data last, the chart on
    the right."""
    write = _Writer(sheet, content)
    header = _figure_header(content) if section.compared else ["Figure", "Unit", STANDING, "Note"]
    write.line(header, bold=True)
    sheet.freeze_panes = "A2"
    for figure in section.figures:
        values, formats = _figure_row(content, figure)
        if not section.compared:
            values, formats = [*values[:3], values[-1]], [*formats[:3], formats[-1]]
        write.line(values, formats)
    for breakdown in section.breakdowns:
        write.skip()
        _breakdown(write, content, breakdown)
    if section.goals:
        write.skip()
        _goals(write, section)
    for note in section.notes:
        write.skip()
        write.line([note])
    if section.chart is not None:
        write.skip()
        _chart(write, section, anchor=f"{get_column_letter(len(header) + 2)}2")
    _widths(sheet, [28, 12, 16, 16, 14, 10, 16, 14, 10, 24])


def _breakdown(write: _Writer, content: ReportContent, breakdown: Breakdown) -> None:
    """The items' figures, and the first figure in the previous period with its change."""
    first = breakdown.items[0].figures
    write.line([breakdown.title], bold=True)
    write.line(
        [
            breakdown.dimension,
            *(f"{f.label} ({UNIT_WORDS[f.unit]})" for f in first),
            f"{first[0].label}, {content.previous_period.label}",
            "Change %",
        ],
        bold=True,
    )
    for item in breakdown.items:
        lead = item.figures[0]
        cells, formats = _comparison_cells(lead.previous, lead.unit)
        write.line(
            [
                labels.item_name(item.name),
                *(_in_cell(f.value, f.unit) for f in item.figures),
                cells[0],
                cells[2],
            ],
            [None, *(FORMATS[f.unit] for f in item.figures), formats[0], formats[2]],
        )
    if breakdown.not_shown:
        write.line([f"and {breakdown.not_shown} more, not shown"])


def _goals(write: _Writer, section: Section) -> None:
    write.line(["Each goal"], bold=True)
    write.line(
        [
            "Goal",
            "Metric type",
            "Unit",
            "Current",
            "Target",
            "Progress",
            "Time gone",
            "Standing",
            "Chance",
            "Start date",
            "End date",
        ],
        bold=True,
    )
    for goal in section.goals:
        write.line(
            [
                goal.name,
                str(goal.metric_type),
                goal.unit,
                goal.current_value,
                goal.target_value,
                goal.progress_percent / 100,
                goal.elapsed_percent / 100,
                labels.standing(goal),
                goal.probability,
                goal.start_date,
                goal.end_date,
            ],
            [None, None, None, "#,##0.00", "#,##0.00", PERCENT, PERCENT, None, PERCENT, DATE, DATE],
        )


def _chart(write: _Writer, section: Section, anchor: str) -> None:
    """The chart's data as a block of typed cells, and a native chart of it."""
    chart = section.chart
    assert chart is not None
    unit_format = FORMATS[chart.unit]
    bucket_format: str | None = None  # of a chart over time's categories
    if isinstance(chart, TimeChart):
        bucket_format = DATE_TIME if chart.interval is Interval.HOUR else DATE
        first_column = f"Start (local time, {write.zone.key})"
        rows: list[tuple[Any, ...]] = list(zip(chart.starts, *(s.values for s in chart.series), strict=True))
        formats: list[str | None] = [bucket_format, *([unit_format] * len(chart.series))]
    else:
        first_column = "Category"
        rows = list(zip(chart.categories, *(s.values for s in chart.series), strict=True))
        formats = [None, *([unit_format] * len(chart.series))]
    write.line([chart.title], bold=True)
    top = write.line([first_column, *(s.name for s in chart.series)], bold=True)
    for category, *values in rows:
        write.line([category, *(_in_cell(v, chart.unit) for v in values)], formats)
    bottom = write.row - 1
    drawn: BarChart | LineChart
    if isinstance(chart, TimeChart) and chart.unit is Unit.PERCENT:
        drawn = LineChart()
    else:
        drawn = BarChart()
        drawn.type = "col" if isinstance(chart, TimeChart) else "bar"
    drawn.title = f"{chart.title} ({UNIT_WORDS[chart.unit]})"
    drawn.width, drawn.height = 22, 11
    drawn.add_data(
        Reference(write.sheet, min_col=2, max_col=1 + len(chart.series), min_row=top, max_row=bottom),
        titles_from_data=True,
    )
    drawn.set_categories(Reference(write.sheet, min_col=1, min_row=top + 1, max_row=bottom))
    drawn.y_axis.numFmt = unit_format
    if bucket_format is not None:
        drawn.x_axis.number_format = bucket_format
    drawn.x_axis.delete = drawn.y_axis.delete = False  # openpyxl 3.1 leaves them unset: Excel hides them
    if len(chart.series) == 1:
        drawn.legend = None
    write.sheet.add_chart(drawn, anchor)
