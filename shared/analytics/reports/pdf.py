"""PDF reports (reportlab): key figures, two charts and the tables, with the report's name, period and
page number on every page. Text stays text, so the PDF can be searched and copied."""

from __future__ import annotations

import io
import math
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from analytics.reports import labels
from analytics.schemas.report_content import ReportContent

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm
WIDTH = PAGE_WIDTH - 2 * MARGIN
PALETTE = [
    colors.HexColor(code)
    for code in ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2")
]
RULE = colors.HexColor("#2f4858")
ZEBRA = colors.HexColor("#f2f4f5")
MAX_AXIS_LABELS = 12
MAX_HEADER_TITLE = 60

STYLES = getSampleStyleSheet()
CELL = ParagraphStyle("cell", parent=STYLES["Normal"], fontSize=8, leading=10)
NOTE = ParagraphStyle("note", parent=STYLES["Normal"], fontSize=8, textColor=colors.grey)
FIGURE = ParagraphStyle("figure", parent=CELL, alignment=TA_RIGHT)
HEADING = ParagraphStyle("heading", parent=STYLES["Heading2"], keepWithNext=1)


def pdf_bytes(content: ReportContent) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 10 * mm,
        bottomMargin=MARGIN + 8 * mm,
        title=content.title,
        author="Analytics Service",
    )

    def header_and_footer(canvas: Canvas, _: SimpleDocTemplate) -> None:
        title = content.title
        if len(title) > MAX_HEADER_TITLE:
            title = title[: MAX_HEADER_TITLE - 1] + "…"
        top, bottom = PAGE_HEIGHT - MARGIN, MARGIN
        canvas.saveState()
        canvas.setFont("Helvetica-Bold", 9)
        canvas.drawString(MARGIN, top, title)
        canvas.setFont("Helvetica", 9)
        canvas.drawRightString(PAGE_WIDTH - MARGIN, top, labels.period_label(content))
        canvas.setStrokeColor(colors.lightgrey)
        canvas.line(MARGIN, top - 4, PAGE_WIDTH - MARGIN, top - 4)
        canvas.setFont("Helvetica", 8)
        canvas.drawString(
            MARGIN, bottom, f"Generated {content.generated_at:%Y-%m-%d %H:%M} {content.time_zone}"
        )
        canvas.drawRightString(PAGE_WIDTH - MARGIN, bottom, f"Page {canvas.getPageNumber()}")
        canvas.restoreState()

    document.build(_story(content), onFirstPage=header_and_footer, onLaterPages=header_and_footer)
    return buffer.getvalue()


def _story(content: ReportContent) -> list[Flowable]:
    kind = content.report_type.value.capitalize()
    return [
        Paragraph(escape(content.title), STYLES["Title"]),
        Paragraph(f"{kind} report: {escape(labels.period_label(content))}", STYLES["Normal"]),
        Spacer(0, 4 * mm),
        _heading("Key figures"),
        _table(
            ["Figure", "Value"],
            [[escape(f.label), labels.figure_text(f)] for f in labels.key_figures(content)],
            [WIDTH * 0.7, WIDTH * 0.3],
        ),
        _heading(f"Sum per service, per {content.interval.value}"),
        _line_chart(content),
        _heading("Services"),
        _bar_chart(content),
        Spacer(0, 3 * mm),
        _services_table(content),
        _heading("Top metrics"),
        _top_metrics_table(content),
        _heading("Goals"),
        _goals_table(content),
        Spacer(0, 4 * mm),
        Paragraph(
            "Sums add up every metric of a service, whatever its unit. p95 is within 1 % of the true value "
            "when read from the rollups. The CSV and Excel formats hold every figure per "
            f"{content.interval.value} and metric.",
            NOTE,
        ),
    ]


def _heading(text: str) -> Paragraph:
    return Paragraph(escape(text), HEADING)


def _table(header: list[str], rows: list[list[str]], widths: list[float], numbers_from: int = 1) -> Table:
    """Cells are escaped text; columns from `numbers_from` on are right-aligned figures."""

    def line(texts: list[str]) -> list[Flowable]:
        return [Paragraph(text, CELL if i < numbers_from else FIGURE) for i, text in enumerate(texts)]

    cells = [line([f"<b>{text}</b>" for text in header]), *(line(row) for row in rows)]
    table = Table(cells, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde3e6")),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ZEBRA]),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _services_table(content: ReportContent) -> Table:
    rows = [
        [
            labels.SERVICE_LABELS[s.service],
            labels.count(s.count),
            labels.number(s.sum),
            labels.number(s.avg),
            labels.number(s.previous_sum),
            labels.percent(s.change_percent),
        ]
        for s in content.services
    ]
    header = ["Service", "Metrics", "Sum", "Average", "Previous sum", "Change"]
    return _table(header, rows, [WIDTH * share for share in (0.22, 0.12, 0.18, 0.16, 0.18, 0.14)])


def _top_metrics_table(content: ReportContent) -> Flowable:
    if not content.top_metrics:
        return Paragraph("No metric was recorded in this period.", STYLES["Normal"])
    rows = [
        [
            escape(f"{labels.SERVICE_LABELS[m.service]} / {m.metric_type} / {m.metric_name}"),
            labels.count(m.count),
            labels.number(m.sum),
            labels.number(m.avg),
            labels.number(m.min),
            labels.number(m.max),
            labels.number(m.p95),
        ]
        for m in content.top_metrics
    ]
    header = ["Service / type / metric", "Count", "Sum", "Average", "Min", "Max", "p95"]
    return _table(header, rows, [WIDTH * share for share in (0.31, 0.09, 0.14, 0.115, 0.115, 0.115, 0.115)])


def _goals_table(content: ReportContent) -> Flowable:
    if not content.goals:
        return Paragraph("No goal overlaps this period.", STYLES["Normal"])
    rows = [
        [
            escape(goal.name),
            str(goal.metric_type),
            str(goal.status),
            labels.days_label(goal.start_date, goal.end_date),
            escape(
                f"{labels.number(goal.current_value)} / {labels.number(goal.target_value)} {goal.unit or ''}"
            ),
            f"{goal.progress_percentage:,.1f} %",
        ]
        for goal in content.goals
    ]
    header = ["Goal", "Type", "Status", "Dates", "Current / target", "Progress"]
    return _table(
        header, rows, [WIDTH * share for share in (0.22, 0.12, 0.1, 0.22, 0.24, 0.1)], numbers_from=4
    )


def _axis_number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 else f"{value:g}"


def _line_chart(content: ReportContent) -> Drawing:
    """The sum of each service per bucket, one coloured line per service."""
    series = content.time_series
    names = [labels.bucket_label(point.start, content.interval) for point in series[0].points]
    step = math.ceil(len(names) / MAX_AXIS_LABELS)
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 40, 45, WIDTH - 140, 150
    chart.data = [[point.sum for point in s.points] for s in series]
    chart.categoryAxis.categoryNames = [name if i % step == 0 else "" for i, name in enumerate(names)]
    chart.categoryAxis.labels.angle = 30
    chart.categoryAxis.labels.boxAnchor = "ne"
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = _axis_number
    for i in range(len(series)):
        chart.lines[i].strokeColor = PALETTE[i % len(PALETTE)]
        chart.lines[i].strokeWidth = 1.5
    legend = Legend()
    legend.x, legend.y = chart.x + chart.width + 20, chart.y + chart.height
    legend.fontSize = 7
    legend.alignment = "right"
    legend.columnMaximum = len(series)
    legend.colorNamePairs = [
        (PALETTE[i % len(PALETTE)], labels.SERVICE_LABELS[s.service]) for i, s in enumerate(series)
    ]
    drawing = Drawing(WIDTH, chart.y + chart.height + 10)
    drawing.add(chart)
    drawing.add(legend)
    return drawing


def _bar_chart(content: ReportContent) -> Drawing:
    """Metrics recorded per service, the first service on top."""
    services = list(reversed(content.services))
    chart = HorizontalBarChart()
    chart.x, chart.y = 80, 20
    chart.width, chart.height = WIDTH - 140, 18 * len(services)
    chart.data = [[s.count for s in services]]
    chart.categoryAxis.categoryNames = [labels.SERVICE_LABELS[s.service] for s in services]
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = _axis_number
    chart.bars[0].fillColor = PALETTE[0]
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = labels.count
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing = Drawing(WIDTH, chart.y + chart.height + 10)
    drawing.add(chart)
    return drawing
