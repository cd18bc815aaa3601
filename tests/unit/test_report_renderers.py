"""Each report format renders a hand-built content the same way: the PDF's text and drawings, typed Excel
cells and native charts, one CSV row per figure, and the JSON content itself."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pypdf
import pytest
from openpyxl.chart import BarChart, LineChart

from analytics.enums import GoalOutlook, GoalStatus, MetricType, ReportFormat, ReportType
from analytics.reports import labels
from analytics.reports.render import RenderedReport, render
from analytics.schemas.report_content import (
    Breakdown,
    BreakdownItem,
    CategoryChart,
    ChartSeries,
    Comparison,
    Figure,
    GoalRow,
    LeftOut,
    ReportContent,
    ReportPeriod,
    Section,
    SectionKey,
    TimeChart,
    Unit,
)
from analytics.statistics import Interval

BERLIN = ZoneInfo("Europe/Berlin")
DAYS = [dt.date(2025, 12, 1) + dt.timedelta(days=i) for i in range(31)]
TITLE = "Board report"
PERIOD = "December 2025 (1\u201331 Dec 2025, Europe/Berlin)"
BLUE_BAR = [0.121569, 0.466667, 0.705882]  # the first series' colour


def midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=BERLIN)


def period(label: str, first: dt.date, last: dt.date) -> ReportPeriod:
    return ReportPeriod(
        label=label,
        first_day=first,
        last_day=last,
        start=midnight(first),
        end=midnight(last + dt.timedelta(days=1)),
    )


def figure(
    key: str,
    label: str,
    unit: Unit,
    value: float | None,
    previous: Comparison | None = None,
    year_earlier: Comparison | None = None,
    **extra: object,
) -> Figure:
    return Figure.model_validate(
        {
            "key": key,
            "label": label,
            "unit": unit,
            "value": value,
            "previous": previous,
            "year_earlier": year_earlier,
            **extra,
        }
    )


DONATIONS = figure(
    "donations_total",
    "Donations",
    Unit.USD,
    1375.5,
    Comparison(value=600.0, change=775.5, change_percent=129.25),
    Comparison(value=500.0, change=875.5, change_percent=175.1),
    key_figure=True,
)
FAILED = figure(
    "failure_rate",
    "Failure rate",
    Unit.PERCENT,
    5.0,
    Comparison(value=2.0, change=3.0, change_percent=None),
    higher_is_better=False,
)


def fundraising() -> Section:
    return Section(
        key=SectionKey.FUNDRAISING,
        title="Fundraising",
        figures=[
            DONATIONS,
            figure(
                "donations_count",
                "Gifts",
                Unit.COUNT,
                3,
                Comparison(value=2, change=1, change_percent=50.0),
                None,
                key_figure=True,
            ),
            figure(
                "average_gift",
                "Average gift",
                Unit.USD,
                458.5,
                Comparison(value=300, change=158.5, change_percent=52.8),
            ),
        ],
        chart=TimeChart(
            title="Donations per day",
            unit=Unit.USD,
            interval=Interval.DAY,
            starts=[midnight(day) for day in DAYS],
            series=[
                ChartSeries(
                    name="December 2025", values=[250.0 if day.day in (3, 17) else 0.0 for day in DAYS]
                )
            ],
        ),
        breakdowns=[
            Breakdown(
                key="donations_by_partner_type",
                title="Donations by partner type",
                dimension="Partner type",
                items=[
                    BreakdownItem(
                        name="=1+1",  # must stay text in Excel, never a formula
                        figures=[
                            figure("donations_total", "Donations", Unit.USD, 1000.0),
                            figure("share", "Share", Unit.PERCENT, 72.7),
                        ],
                    ),
                    BreakdownItem(
                        name=None,
                        figures=[
                            figure(
                                "donations_total",
                                "Donations",
                                Unit.USD,
                                375.5,
                                Comparison(value=400, change=-24.5, change_percent=-6.125),
                            ),
                            figure("share", "Share", Unit.PERCENT, 27.3),
                        ],
                    ),
                ],
            )
        ],
        notes=["Donations in USD."],
    )


def notifications() -> Section:
    return Section(
        key=SectionKey.NOTIFICATIONS,
        title="Notifications",
        figures=[
            figure(
                "sent",
                "Notifications sent",
                Unit.COUNT,
                200,
                Comparison(value=100, change=100, change_percent=100.0),
            ),
            figure(
                "delivery_rate",
                "Delivery rate",
                Unit.PERCENT,
                95.0,
                Comparison(value=90.0, change=5.0, change_percent=None),
                key_figure=True,
            ),
            FAILED,
        ],
        chart=CategoryChart(
            title="Rates by channel",
            unit=Unit.PERCENT,
            categories=["email", "sms"],
            series=[
                ChartSeries(name="Delivery rate", values=[95.0, 98.0]),
                ChartSeries(name="Open rate", values=[50.0, None]),
            ],
        ),
    )


def goals() -> Section:
    return Section(
        key=SectionKey.GOALS,
        title="Goals",
        compared=False,
        figures=[figure("on_track", "On track", Unit.COUNT, 1, key_figure=True, note="of 2 active")],
        chart=CategoryChart(
            title="Progress towards each goal's target",
            unit=Unit.PERCENT,
            categories=["Year-end giving"],
            series=[ChartSeries(name="Progress", values=[27.5])],
        ),
        goals=[
            GoalRow(
                name="Year-end giving",
                metric_type=MetricType.DONATION,
                unit="USD",
                current_value=1375.5,
                target_value=5000.0,
                progress_percent=27.51,
                elapsed_percent=50.0,
                status=GoalStatus.ACTIVE,
                outlook=GoalOutlook.AT_RISK,
                probability=0.4,
                start_date=dt.date(2025, 12, 1),
                end_date=dt.date(2026, 1, 31),
            )
        ],
    )


def content() -> ReportContent:
    return ReportContent(
        title=TITLE,
        report_type=ReportType.MONTHLY,
        time_zone="Europe/Berlin",
        generated_at=dt.datetime(2026, 1, 2, 7, 0, tzinfo=BERLIN),
        period=period("December 2025", DAYS[0], DAYS[-1]),
        previous_period=period("November 2025", dt.date(2025, 11, 1), dt.date(2025, 11, 30)),
        year_earlier_period=period("December 2024", dt.date(2024, 12, 1), dt.date(2024, 12, 31)),
        interval=Interval.DAY,
        sections=[fundraising(), notifications(), goals()],
        left_out=[
            LeftOut(
                key=SectionKey.SOCIAL_MEDIA,
                title="Social media",
                reason="No posts, engagements or reach were recorded in this period.",
            )
        ],
    )


@pytest.fixture(scope="module")
def pdf() -> RenderedReport:
    return render(content(), ReportFormat.PDF)


def pages(report: RenderedReport) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(report.body)).pages]


@pytest.mark.parametrize(
    ("fmt", "content_type", "extension"),
    [
        (ReportFormat.PDF, "application/pdf", "pdf"),
        (ReportFormat.EXCEL, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
        (ReportFormat.CSV, "text/csv; charset=utf-8", "csv"),
        (ReportFormat.JSON, "application/json", "json"),
    ],
)
def test_every_format_says_its_media_type_and_extension(
    fmt: ReportFormat, content_type: str, extension: str
) -> None:
    report = render(content(), fmt)

    assert (report.content_type, report.extension) == (content_type, extension)
    assert report.body


def test_pdf_page_one_holds_the_key_figures_with_their_changes(pdf: RenderedReport) -> None:
    first = pages(pdf)[0]

    for expected in (
        TITLE,
        f"Monthly report: {PERIOD}",
        "Compared with November 2025 (previous period) and December 2024 (a year earlier).",
        "Key figures",
        "Fundraising",
        "$1,375.50",
        "$600.00",
        "\u25b2 +129.2 %",
        "$500.00",
        "+175.1 %",
        "Delivery rate",
        "95.0 %",
        "+5.0 pp",
        "On track (of 2 active)",
        "Donations per day (USD)",
        "Not in this report",
        "Social media: No posts, engagements or reach were recorded in this period.",
    ):
        assert expected in first, expected
    assert "Average gift" not in first  # a section figure, not a key figure
    assert "Notifications sent" not in first


def test_pdf_has_a_page_per_section_each_with_the_title_period_and_number(pdf: RenderedReport) -> None:
    text = pages(pdf)

    assert len(text) == 4
    assert "Fundraising" in text[1] and "Average gift" in text[1] and "$458.50" in text[1]
    assert "Donations by partner type" in text[1] and "=1+1" in text[1] and "(not given)" in text[1]
    assert "Failure rate" in text[2] and "\u25b2 +3.0 pp" in text[2] and "Rates by channel (%)" in text[2]
    assert (
        "As last computed" in text[3] and "Year-end giving" in text[3] and "$1,375.50 of $5,000.00" in text[3]
    )
    assert "At risk" in text[3] and "40 %" in text[3]
    for number, page in enumerate(text, start=1):
        assert TITLE in page and PERIOD in page and f"Page {number}" in page


def colours(report: RenderedReport, page: int, operator: bytes) -> list[list[float]]:
    reader = pypdf.PdfReader(io.BytesIO(report.body))
    operations = pypdf.generic.ContentStream(reader.pages[page].get_contents(), reader).operations
    return [[float(v) for v in operands] for operands, op in operations if op == operator]


def test_pdf_page_one_draws_the_donations_chart_and_coloured_arrows(pdf: RenderedReport) -> None:
    reader = pypdf.PdfReader(io.BytesIO(pdf.body))
    operations = pypdf.generic.ContentStream(reader.pages[0].get_contents(), reader).operations
    tallest = [operands for operands, operator in operations if operator == b"re" and operands[3] == 150]
    fills = colours(pdf, 0, b"rg")

    assert len(tallest) == 2  # the two days of 250.00 reach the top of the chart; the others have no bar
    assert any(colour == pytest.approx(BLUE_BAR, abs=1e-4) for colour in fills)
    assert any(colour == pytest.approx([0.180392, 0.490196, 0.196078], abs=1e-4) for colour in fills)  # green


def test_pdf_colours_a_rise_of_a_figure_where_lower_is_better_red(pdf: RenderedReport) -> None:
    fills = colours(pdf, 2, b"rg")

    assert any(colour == pytest.approx([0.776471, 0.156863, 0.156863], abs=1e-4) for colour in fills)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
def test_pdf_pages_render_as_images(pdf: RenderedReport, tmp_path: Path) -> None:
    source = tmp_path / "report.pdf"
    source.write_bytes(pdf.body)

    subprocess.run(["pdftoppm", "-png", "-r", "60", source, tmp_path / "page"], check=True)

    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == 4 and all(image.read_bytes().startswith(b"\x89PNG") for image in images)
    shutil.copyfile(images[0], "/tmp/report-page1.png")  # for a person to look at


def workbook() -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(render(content(), ReportFormat.EXCEL).body))


def rows_by_first_cell(sheet: openpyxl.worksheet.worksheet.Worksheet) -> dict[object, tuple[object, ...]]:
    return {row[0].value: row for row in sheet.iter_rows() if row[0].value is not None}


def test_xlsx_has_a_summary_and_a_sheet_per_section() -> None:
    book = workbook()

    assert book.sheetnames == ["Summary", "Fundraising", "Notifications", "Goals"]
    for name in book.sheetnames[1:]:
        assert book[name].freeze_panes == "A2"
    summary = book["Summary"]
    facts = {row[0]: row[1] for row in summary.iter_rows(values_only=True) if row[0]}
    assert summary["A1"].value == TITLE
    assert facts["Period"] == PERIOD
    assert facts["Compared with (previous period)"] == "November 2025 (1\u201330 Nov 2025)"
    assert facts["Generated"] == dt.datetime(2026, 1, 2, 7, 0)
    key = {row[1]: row for row in summary.iter_rows(values_only=True) if row[0] == "Fundraising"}
    assert key["Donations"][2:7] == ("USD", 1375.5, 600.0, 775.5, pytest.approx(1.2925))
    assert facts["Social media"] == "No posts, engagements or reach were recorded in this period."


def test_xlsx_cells_are_typed_and_formatted_in_their_unit() -> None:
    book = workbook()
    fundraising, notes = rows_by_first_cell(book["Fundraising"]), rows_by_first_cell(book["Notifications"])

    assert [c.value for c in book["Fundraising"][1]][:6] == [
        "Figure",
        "Unit",
        "December 2025",
        "November 2025",
        "Change",
        "Change %",
    ]
    donations = fundraising["Donations"]
    assert [c.value for c in donations[:9]] == [
        "Donations",
        "USD",
        1375.5,
        600.0,
        775.5,
        pytest.approx(1.2925),
        500.0,
        875.5,
        pytest.approx(1.751),
    ]
    assert donations[2].number_format == '"$"#,##0.00' and donations[5].number_format == "+0.0%;-0.0%;0.0%"
    delivery = notes["Delivery rate"]
    assert (delivery[2].value, delivery[2].number_format) == (0.95, "0.0%")  # an Excel percent
    assert (delivery[4].value, delivery[4].number_format) == (5.0, '+0.0" pp";-0.0" pp";0.0" pp"')
    assert delivery[5].value is None  # no relative change of a rate
    assert fundraising["Start (local time, Europe/Berlin)"] is not None
    first_day = next(
        row for row in book["Fundraising"].iter_rows() if row[0].value == dt.datetime(2025, 12, 1)
    )
    assert first_day[0].number_format == "yyyy-mm-dd"  # local midnight, not 23:00 UTC the day before
    goal = next(row for row in book["Goals"].iter_rows() if row[0].value == "Year-end giving")
    assert [c.value for c in goal[3:6]] == [1375.5, 5000.0, pytest.approx(0.2751)]
    assert goal[9].value == dt.datetime(2025, 12, 1)


def test_xlsx_keeps_formula_like_names_as_text() -> None:
    cell = rows_by_first_cell(workbook()["Fundraising"])["=1+1"][0]

    assert (cell.value, cell.data_type) == ("=1+1", "s")


def test_xlsx_charts_are_native_excel_charts() -> None:
    book = workbook()

    [donations] = book["Fundraising"]._charts
    [rates] = book["Notifications"]._charts
    [progress] = book["Goals"]._charts
    assert isinstance(donations, BarChart) and len(donations.series) == 1
    assert isinstance(rates, BarChart) and len(rates.series) == 2
    assert isinstance(progress, BarChart)
    assert not isinstance(donations, LineChart)
    assert donations.x_axis.delete is False and donations.y_axis.delete is False  # axes Excel shows
    assert donations.y_axis.numFmt.formatCode == '"$"#,##0.00'


def test_csv_has_one_row_per_figure_in_its_unit_with_its_comparisons() -> None:
    body = render(content(), ReportFormat.CSV).body

    assert not body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    assert list(rows[0]) == [
        "section",
        "breakdown",
        "item",
        "figure",
        "label",
        "unit",
        "as_of",
        "period",
        "value",
        "previous_period",
        "previous",
        "change",
        "change_percent",
        "year_earlier_period",
        "year_earlier",
        "year_change",
        "year_change_percent",
    ]
    first = rows[0]
    assert (first["section"], first["figure"], first["unit"], first["value"]) == (
        "fundraising",
        "donations_total",
        "USD",
        "1375.5",
    )
    assert (first["previous_period"], first["previous"], first["change_percent"]) == (
        "November 2025",
        "600.0",
        "129.25",
    )
    figures = [r for r in rows if not r["breakdown"]]
    assert len(figures) == sum(len(s.figures) for s in content().sections)
    unnamed = next(
        r for r in rows if r["breakdown"] == "donations_by_partner_type" and r["item"] == "(not given)"
    )
    assert (unnamed["figure"], unnamed["value"], unnamed["previous"]) == ("donations_total", "375.5", "400.0")
    goal = {r["figure"]: r for r in rows if r["breakdown"] == "goal"}
    assert (goal["current_value"]["unit"], goal["current_value"]["value"]) == ("USD", "1375.5")
    assert (goal["chance"]["unit"], goal["chance"]["value"]) == ("percent", "40.0")


def test_json_is_the_content_itself() -> None:
    body = json.loads(render(content(), ReportFormat.JSON).body)

    assert ReportContent.model_validate(body) == content()
    assert body["period"]["start"] == "2025-12-01T00:00:00+01:00"
    assert body["sections"][0]["figures"][0]["previous"] == {
        "value": 600.0,
        "change": 775.5,
        "change_percent": 129.25,
    }


def test_importing_the_renderer_loads_neither_reportlab_nor_openpyxl() -> None:
    code = (
        "import sys, analytics.reports.render, analytics.reports.content; "
        "print(','.join(m for m in ('reportlab', 'openpyxl') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


@pytest.mark.parametrize(
    ("comparison", "unit", "text", "way"),
    [
        (Comparison(value=600.0, change=775.5, change_percent=129.25), Unit.USD, "+129.2 %", 1),
        (Comparison(value=90.0, change=-5.0, change_percent=None), Unit.PERCENT, "-5.0 pp", -1),
        (Comparison(value=95.9, change=-0.04, change_percent=None), Unit.PERCENT, "0.0 pp", 0),
        (Comparison(value=1000.0, change=0.3, change_percent=0.03), Unit.COUNT, "0.0 %", 0),
        (Comparison(value=0.0, change=2.0, change_percent=None), Unit.COUNT, "+2", 1),
        (Comparison(value=0.0, change=500.0, change_percent=None), Unit.USD, "+$500.00", 1),
        (Comparison(value=0.0, change=40.0, change_percent=None), Unit.PEOPLE, "+40 people", 1),
        (Comparison(value=4.0, change=None, change_percent=None), Unit.PERCENT, "\u2013", 0),
        (None, Unit.USD, "\u2013", 0),
    ],
)
def test_a_change_reads_as_shown_and_points_the_way_it_reads(
    comparison: Comparison | None, unit: Unit, text: str, way: int
) -> None:
    assert labels.change_text(comparison, unit) == text
    assert labels.direction(comparison, unit) == way


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (1375.5, "USD", "$1,375.50"),
        (100.0, "people", "100 people"),
        (6190.0, "count", "6,190"),
        (3.0, None, "3"),
    ],
)
def test_a_goal_value_reads_in_the_goals_own_unit(value: float, unit: str | None, text: str) -> None:
    assert labels.goal_value(value, unit) == text
