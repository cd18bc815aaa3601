"""PDF reports (reportlab, its built-in fonts, nothing fetched): page 1 is what a board member reads in a
minute (the key figures with their changes and one chart), then a page per domain section with its
figures, its chart and its breakdowns. The report's name, period and page number are on every page, and
text stays text, so the PDF can be searched and copied."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from analytics.reports import labels
from analytics.schemas.report_content import (
    Breakdown,
    CategoryChart,
    Comparison,
    Figure,
    ReportContent,
    Section,
    TimeChart,
    Unit,
)

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm
FRAME_PADDING = 6  # the document frame's, on each side
WIDTH = PAGE_WIDTH - 2 * MARGIN - 2 * FRAME_PADDING  # of the story's tables and charts
PALETTE = [colors.HexColor(code) for code in ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b")]
RULE = colors.HexColor("#2f4858")
ZEBRA = colors.HexColor("#f2f4f5")
HEADER = colors.HexColor("#dde3e6")
GOOD, BAD, SAME = "#2e7d32", "#c62828", "#555555"
ARROWS = {1: "\u25b2", -1: "\u25bc"}  # up and down triangles, drawn in ZapfDingbats (a built-in font)
MAX_AXIS_LABELS = 12
MAX_HEADER_TITLE = 60
CHART_HEIGHT = 150
STANDING = "As last computed"
# Column widths in points: "178,311 people" and "$1,033,263.27" fit a value column, "▲ +129.2 %" a change
# column, "Notifications" the domain column and "Beneficiaries reached" the rest of page 1.
VALUE_WIDTH, CHANGE_WIDTH, DOMAIN_WIDTH, LABEL_WIDTH = 74, 56, 58, 170

STYLES = getSampleStyleSheet()
CELL = ParagraphStyle("cell", parent=STYLES["Normal"], fontSize=8, leading=10)
FIGURE = ParagraphStyle("figure", parent=CELL, alignment=TA_RIGHT)
NOTE = ParagraphStyle(
    "note", parent=STYLES["Normal"], fontSize=8, leading=10, textColor=colors.HexColor("#666666")
)
SUBTITLE = ParagraphStyle("subtitle", parent=STYLES["Normal"], fontSize=10, leading=14)
HEADING = ParagraphStyle("heading", parent=STYLES["Heading2"], keepWithNext=1)
SMALL_HEADING = ParagraphStyle("small_heading", parent=STYLES["Heading4"], spaceBefore=8, keepWithNext=1)


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
    story = _first_page(content)
    for section in content.sections:
        story += [PageBreak(), *_section(content, section)]
    return story


def _first_page(content: ReportContent) -> list[Flowable]:
    kind = content.report_type.value.capitalize()
    compared = " and ".join(
        f"{escape(period.label)} ({what})" for what, period in labels.comparisons(content)
    )
    story: list[Flowable] = [
        Paragraph(escape(content.title), STYLES["Title"]),
        Paragraph(f"{kind} report: {escape(labels.period_label(content))}", SUBTITLE),
        Paragraph(f"Compared with {compared}.", SUBTITLE),
        Spacer(0, 4 * mm),
    ]
    key_figures = content.key_figures()
    if key_figures:
        rows = []
        shown = None
        for section, figure in key_figures:
            rows.append(
                [escape(section.title) if section.key != shown else "", *_figure_cells(content, figure)]
            )
            shown = section.key
        story += [_heading("Key figures"), _figure_table(content, rows, first_column="Domain")]
    else:
        story.append(
            Paragraph("Nothing was recorded in this period for the domains this report covers.", SUBTITLE)
        )
    charted = next((s for s in content.sections if s.chart is not None), None)
    if charted is not None:
        story += [Spacer(0, 3 * mm), *_chart(charted)]
    if content.left_out:
        story += [
            _heading("Not in this report"),
            *(
                Paragraph(f"<b>{escape(part.title)}</b>: {escape(part.reason)}", CELL)
                for part in content.left_out
            ),
        ]
    return story


def _section(content: ReportContent, section: Section) -> list[Flowable]:
    if section.compared:
        figures = _figure_table(content, [_figure_cells(content, figure) for figure in section.figures])
    else:
        rows = [_figure_cells(content, figure)[:2] for figure in section.figures]
        figures = _table(["Figure", STANDING], rows, [WIDTH * 0.34, WIDTH * 0.2])
    story: list[Flowable] = [_heading(section.title), figures]
    if section.chart is not None:
        story += [Spacer(0, 3 * mm), *_chart(section)]
    story += [_breakdown_table(content, breakdown) for breakdown in section.breakdowns]
    if section.goals:
        story.append(_goals_table(section))
    story += [Spacer(0, 3 * mm), *(Paragraph(escape(note), NOTE) for note in section.notes)]
    return story


def _heading(text: str) -> Paragraph:
    return Paragraph(escape(text), HEADING)


def _table(
    header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float], numbers_from: int = 1
) -> Table:
    """Cells are markup (escaped text); columns from `numbers_from` on are right-aligned figures."""

    def line(texts: Sequence[str]) -> list[Flowable]:
        return [Paragraph(text, CELL if i < numbers_from else FIGURE) for i, text in enumerate(texts)]

    cells = [line([f"<b>{text}</b>" for text in header]), *(line(row) for row in rows)]
    table = Table(cells, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), HEADER),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ZEBRA]),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _change(comparison: Comparison | None, figure: Figure) -> str:
    """The change as text, after a green (better) or red (worse) arrow."""
    text = labels.change_text(comparison, figure.unit)
    way = labels.direction(comparison, figure.unit)
    if not way or text == labels.NONE:
        return text
    colour = GOOD if (way > 0) == figure.higher_is_better else BAD
    arrow = f'<font name="ZapfDingbats" color="{colour}">{ARROWS[way]}</font>'
    return f'{arrow} <font color="{colour}">{text}</font>'


def _figure_cells(content: ReportContent, figure: Figure) -> list[str]:
    note = labels.figure_note(figure)
    name = escape(figure.label) + (f' <font size="7" color="#666666">({escape(note)})</font>' if note else "")
    cells = [
        name,
        f"<b>{labels.value_text(figure.value, figure.unit)}</b>",
        labels.value_text(figure.previous.value if figure.previous else None, figure.unit),
        _change(figure.previous, figure),
    ]
    if content.year_earlier_period is not None:
        cells += [
            labels.value_text(figure.year_earlier.value if figure.year_earlier else None, figure.unit),
            _change(figure.year_earlier, figure),
        ]
    return cells


def _figure_table(content: ReportContent, rows: list[list[str]], first_column: str | None = None) -> Table:
    """Figure, this period, the previous one and the change, a year earlier and the change."""
    header = ["Figure", escape(content.period.label), escape(content.previous_period.label), "Change"]
    widths = [VALUE_WIDTH, VALUE_WIDTH, CHANGE_WIDTH]
    if content.year_earlier_period is not None:
        header += [escape(content.year_earlier_period.label), "Change"]
        widths += [VALUE_WIDTH, CHANGE_WIDTH]
    lead = [first_column] if first_column else []
    lead_widths = [DOMAIN_WIDTH] if first_column else []
    label_width = min(WIDTH - sum(lead_widths) - sum(widths), LABEL_WIDTH)
    return _table([*lead, *header], rows, [*lead_widths, label_width, *widths], numbers_from=len(lead) + 1)


def _breakdown_table(content: ReportContent, breakdown: Breakdown) -> Flowable:
    """The items' figures in this period, and the first figure's change against the previous period."""
    first = breakdown.items[0].figures
    header = [
        escape(breakdown.dimension),
        *(escape(f.label) for f in first),
        f"{escape(first[0].label)}: change",
    ]
    rows = [
        [
            escape(labels.item_name(item.name)),
            *(labels.value_text(f.value, f.unit) for f in item.figures),
            _change(item.figures[0].previous, item.figures[0]),
        ]
        for item in breakdown.items
    ]
    label_width = WIDTH * 0.22
    widths = [label_width, *([(WIDTH - label_width) / (len(header) - 1)] * (len(header) - 1))]
    flowables: list[Flowable] = [
        Paragraph(escape(breakdown.title), SMALL_HEADING),
        _table(header, rows, widths),
    ]
    if breakdown.not_shown:
        flowables.append(Paragraph(f"and {breakdown.not_shown} more, not shown", NOTE))
    return KeepTogether(flowables)


def _goals_table(section: Section) -> Flowable:
    rows = [
        [
            escape(goal.name),
            labels.day_label(goal.end_date),
            escape(
                f"{labels.goal_value(goal.current_value, goal.unit)} of "
                f"{labels.goal_value(goal.target_value, goal.unit)}"
            ),
            labels.value_text(goal.progress_percent, Unit.PERCENT),
            labels.value_text(goal.elapsed_percent, Unit.PERCENT),
            escape(labels.standing(goal)),
            labels.chance(goal.probability),
        ]
        for goal in section.goals
    ]
    header = ["Goal", "Ends", "Current of target", "Progress", "Time gone", "Standing", "Chance"]
    shares = (0.22, 0.12, 0.24, 0.1, 0.1, 0.12, 0.1)
    return KeepTogether(
        [
            Paragraph("Each goal", SMALL_HEADING),
            _table(header, rows, [WIDTH * share for share in shares], numbers_from=2),
        ]
    )


def _chart(section: Section) -> list[Flowable]:
    chart = section.chart
    assert chart is not None
    unit = labels.UNIT_NAMES[chart.unit]
    title = Paragraph(f"<b>{escape(chart.title)}</b> ({escape(unit)})", CELL)
    drawing = _time_chart(chart) if isinstance(chart, TimeChart) else _category_chart(chart)
    return [KeepTogether([title, drawing])]


def _axis(unit: Unit) -> object:
    def text(value: float) -> str:
        if unit in (Unit.COUNT, Unit.PEOPLE) and not float(value).is_integer():
            return ""  # no 0.2 of a partner
        shown = f"{value:,.0f}" if abs(value) >= 10 or value == 0 else f"{value:g}"
        if unit is Unit.USD:
            return f"${shown}"
        return f"{shown} %" if unit is Unit.PERCENT else shown

    return text


def _time_chart(chart: TimeChart) -> Drawing:
    """Bars per bucket for amounts and counts; a line for a rate."""
    names = [labels.bucket_label(start, chart.interval) for start in chart.starts]
    step = max(1, math.ceil(len(names) / MAX_AXIS_LABELS))
    plot = HorizontalLineChart() if chart.unit is Unit.PERCENT else VerticalBarChart()
    plot.x, plot.y, plot.width, plot.height = 50, 40, WIDTH - 70, CHART_HEIGHT
    plot.data = [[value if value is not None else 0.0 for value in s.values] for s in chart.series]
    if isinstance(plot, HorizontalLineChart):
        plot.data = [list(s.values) for s in chart.series]  # no value, no point: a gap in the line
        for i in range(len(chart.series)):
            plot.lines[i].strokeColor = PALETTE[i % len(PALETTE)]
            plot.lines[i].strokeWidth = 1.5
            plot.lines[i].symbol = makeMarker("FilledCircle", size=3, fillColor=PALETTE[i % len(PALETTE)])
    else:
        for i in range(len(chart.series)):
            plot.bars[i].fillColor = PALETTE[i % len(PALETTE)]
            plot.bars[i].strokeColor = None
        plot.barSpacing = 1
    plot.categoryAxis.categoryNames = [name if i % step == 0 else "" for i, name in enumerate(names)]
    plot.categoryAxis.labels.angle = 30
    plot.categoryAxis.labels.boxAnchor = "ne"
    plot.categoryAxis.labels.fontSize = 7
    plot.valueAxis.valueMin = 0
    plot.valueAxis.labels.fontSize = 7
    plot.valueAxis.labelTextFormat = _axis(chart.unit)
    drawing = Drawing(WIDTH, plot.y + plot.height + 10)
    drawing.add(plot)
    return drawing


def _category_chart(chart: CategoryChart) -> Drawing:
    """Horizontal bars per category, the first on top, and in each a bar per series, the first on top."""
    series = list(reversed(chart.series))  # reportlab stacks categories and series from the bottom up
    colours = list(reversed([PALETTE[i % len(PALETTE)] for i in range(len(chart.series))]))
    legend_width = 90 if len(series) > 1 else 0
    plot = HorizontalBarChart()
    plot.x, plot.y = 110, 20
    plot.width = WIDTH - plot.x - 50 - legend_width
    plot.height = max(14 * len(series) * len(chart.categories), 40)
    plot.data = [list(reversed(s.values)) for s in series]  # no value (a rate of nothing): no bar
    plot.categoryAxis.categoryNames = [labels.shortened(name, 22) for name in reversed(chart.categories)]
    plot.categoryAxis.labels.fontSize = 8
    plot.valueAxis.valueMin = 0
    plot.valueAxis.labels.fontSize = 7
    plot.valueAxis.labelTextFormat = _axis(chart.unit)
    for i, colour in enumerate(colours):
        plot.bars[i].fillColor = colour
        plot.bars[i].strokeColor = None
    plot.barLabelFormat = lambda value: "" if value is None else labels.value_text(value, chart.unit)
    plot.barLabels.fontSize = 7
    plot.barLabels.boxAnchor = "w"
    plot.barLabels.dx = 3
    drawing = Drawing(WIDTH, plot.y + plot.height + 10)
    drawing.add(plot)
    if legend_width:
        legend = Legend()
        legend.x, legend.y = WIDTH - legend_width + 10, plot.y + plot.height
        legend.fontSize = 7
        legend.columnMaximum = len(series)
        legend.colorNamePairs = [(PALETTE[i % len(PALETTE)], s.name) for i, s in enumerate(chart.series)]
        drawing.add(legend)
    return drawing
