"""Each report format renders a hand-built content: PDF text and drawings, typed Excel cells and charts,
CSV rows and the JSON content."""

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

from analytics.enums import GoalStatus, MetricType, ReportFormat, ReportType, ServiceName
from analytics.reports.render import RenderedReport, render
from analytics.schemas.report_content import (
    DetailRow,
    GoalProgress,
    KeyFigures,
    ReportContent,
    ServiceSeries,
    ServiceSummary,
    TimePoint,
    TopMetric,
)
from analytics.statistics import Interval

BERLIN = ZoneInfo("Europe/Berlin")
DAYS = [dt.date(2025, 12, 1) + dt.timedelta(days=i) for i in range(31)]
TITLE = "Monthly Metrics Report"
PERIOD = "1 Dec 2025 \u2013 31 Dec 2025 (Europe/Berlin)"
SERVICES = [ServiceName.PARTNERS_CRM, ServiceName.PROJECTS, ServiceName.SOCIAL_MEDIA]
ORANGE_LINE = [1, 0.498039, 0.054902]  # the second service's colour in the PDF's line chart


def midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=BERLIN)


def content() -> ReportContent:
    return ReportContent(
        title=TITLE,
        report_type=ReportType.MONTHLY,
        period_start=midnight(DAYS[0]),
        period_end=midnight(dt.date(2026, 1, 1)),
        previous_period_start=midnight(dt.date(2025, 10, 31)),
        time_zone="Europe/Berlin",
        generated_at=dt.datetime(2026, 1, 1, 7, 0, tzinfo=BERLIN),
        interval=Interval.DAY,
        key_figures=KeyFigures(
            metrics_recorded=1234,
            previous_metrics_recorded=1000,
            change_percent=23.4,
            services_reporting=2,
            distinct_metrics=12,
        ),
        services=[
            ServiceSummary(
                service=ServiceName.PARTNERS_CRM,
                count=1200,
                sum=54321.5,
                avg=45.27,
                previous_sum=50000.0,
                change_percent=8.643,
            ),
            ServiceSummary(
                service=ServiceName.PROJECTS,
                count=34,
                sum=68.0,
                avg=2.0,
                previous_sum=0.0,
                change_percent=None,
            ),
            ServiceSummary(
                service=ServiceName.SOCIAL_MEDIA,
                count=0,
                sum=0.0,
                avg=None,
                previous_sum=0.0,
                change_percent=None,
            ),
        ],
        time_series=[
            ServiceSeries(
                service=service,
                points=[
                    TimePoint(start=midnight(day), sum=float((i + 1) * (k + 1) % 17))
                    for i, day in enumerate(DAYS)
                ],
            )
            for k, service in enumerate(SERVICES)
        ],
        top_metrics=[
            TopMetric(
                service=ServiceName.PARTNERS_CRM,
                metric_type=MetricType.DONATION,
                metric_name="donation_received",
                count=1200,
                sum=54321.5,
                avg=45.27,
                min=1.0,
                max=900.0,
                p95=180.0,
            ),
            TopMetric(
                service=ServiceName.PROJECTS,
                metric_type=MetricType.CUSTOM,
                metric_name="=1+1",  # must stay text in Excel, never a formula
                count=34,
                sum=68.0,
                avg=2.0,
                min=2.0,
                max=2.0,
                p95=2.0,
            ),
        ],
        goals=[
            GoalProgress(
                name="Q4 Donation Target",
                metric_type=MetricType.DONATION,
                target_value=100000.0,
                current_value=42000.0,
                unit="USD",
                progress_percentage=42.0,
                status=GoalStatus.ACTIVE,
                start_date=dt.date(2025, 10, 1),
                end_date=dt.date(2025, 12, 31),
            )
        ],
        details=[
            DetailRow(
                bucket_start=midnight(day),
                service=ServiceName.PARTNERS_CRM,
                metric_type=MetricType.DONATION,
                metric_name="donation_received",
                count=3,
                sum=30.0 + i,
                avg=(30.0 + i) / 3,
                min=5.0,
                max=15.5,
            )
            for i, day in enumerate(DAYS)
        ],
    )


@pytest.fixture(scope="module")
def pdf() -> RenderedReport:
    return render(content(), ReportFormat.PDF)


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


def test_pdf_text_holds_the_title_period_services_and_figures(pdf: RenderedReport) -> None:
    reader = pypdf.PdfReader(io.BytesIO(pdf.body))
    pages = [page.extract_text() for page in reader.pages]
    text = "\n".join(pages)

    assert pdf.body.startswith(b"%PDF-")
    assert len(pages) > 0
    for expected in (TITLE, PERIOD, "Partners CRM", "Social media", "1,234", "+23.4 %", "54,321.50"):
        assert expected in text
    assert "donation_received" in text and "Q4 Donation Target" in text and "42.0 %" in text
    for number, page in enumerate(pages, start=1):
        assert TITLE in page and PERIOD in page and f"Page {number}" in page


def test_pdf_draws_a_line_per_service_and_bars(pdf: RenderedReport) -> None:
    reader = pypdf.PdfReader(io.BytesIO(pdf.body))
    operations = [
        (operands, operator)
        for page in reader.pages
        for operands, operator in pypdf.generic.ContentStream(page.get_contents(), reader).operations
    ]
    line_segments = sum(1 for _, operator in operations if operator == b"l")
    strokes = [[float(v) for v in operands] for operands, operator in operations if operator == b"RG"]

    assert line_segments >= len(SERVICES) * (len(DAYS) - 1)
    assert any(colour == pytest.approx(ORANGE_LINE, abs=1e-4) for colour in strokes)
    assert sum(1 for _, operator in operations if operator == b"re") >= len(SERVICES)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
def test_pdf_first_page_renders_as_an_image(pdf: RenderedReport, tmp_path: Path) -> None:
    source = tmp_path / "report.pdf"
    source.write_bytes(pdf.body)

    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", source, tmp_path / "page1"],
        check=True,
    )

    image = tmp_path / "page1.png"
    assert image.read_bytes().startswith(b"\x89PNG")
    shutil.copyfile(image, "/tmp/report-page1.png")  # for a person to look at


def workbook() -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(render(content(), ReportFormat.EXCEL).body))


def test_xlsx_has_a_summary_and_a_sheet_per_section_with_frozen_headers() -> None:
    book = workbook()

    assert book.sheetnames == ["Summary", "Services", "Over time", "Top metrics", "Goals", "Data"]
    for name in book.sheetnames[1:]:
        assert book[name].freeze_panes == "A2"
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(min_row=2, values_only=True) if row[0]}
    assert book["Summary"]["A1"].value == TITLE
    assert summary["Period"] == PERIOD
    assert summary["Generated"] == dt.datetime(2026, 1, 1, 7, 0)
    assert summary["Metrics recorded"] == 1234
    assert summary["Change"] == pytest.approx(0.234)


def test_xlsx_cells_are_typed_in_the_report_zone() -> None:
    book = workbook()
    services, over_time, data, goals = book["Services"], book["Over time"], book["Data"], book["Goals"]

    assert [c.value for c in services[2]] == ["Partners CRM", 1200, 54321.5, 45.27, 50000.0, 0.08643]
    assert services["F2"].number_format == "0.0%"
    assert services["D4"].value is None  # no average without metrics
    assert "Europe/Berlin" in over_time["A1"].value
    assert over_time["A2"].value == dt.datetime(2025, 12, 1, 0, 0)  # local midnight, not 23:00 UTC
    assert [c.value for c in over_time[1]][1:] == ["Partners CRM", "Projects", "Social media"]
    assert over_time.max_row == len(DAYS) + 1
    assert data["A32"].value == dt.datetime(2025, 12, 31, 0, 0)
    assert (data["E2"].value, data["F2"].value) == (3, 30.0)
    assert goals["H2"].value == dt.datetime(2025, 10, 1)
    assert goals["F2"].value == pytest.approx(0.42)


def test_xlsx_keeps_formula_like_names_as_text() -> None:
    cell = workbook()["Top metrics"]["C3"]

    assert (cell.value, cell.data_type) == ("=1+1", "s")


def test_xlsx_charts_are_native_excel_charts() -> None:
    book = workbook()

    [line] = book["Over time"]._charts
    [bars] = book["Services"]._charts
    assert isinstance(line, LineChart) and len(line.series) == len(SERVICES)
    assert isinstance(bars, BarChart)


def test_csv_has_one_row_per_detail_row_with_iso_timestamps() -> None:
    body = render(content(), ReportFormat.CSV).body

    assert not body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    assert len(rows) == len(DAYS)
    assert list(rows[0]) == [
        "bucket_start",
        "service",
        "metric_type",
        "metric_name",
        "count",
        "sum",
        "avg",
        "min",
        "max",
    ]
    assert rows[0]["bucket_start"] == "2025-12-01T00:00:00+01:00"
    assert (rows[1]["service"], int(rows[1]["count"]), float(rows[1]["sum"])) == ("partners_crm", 3, 31.0)
    assert sum(float(row["sum"]) for row in rows) == sum(30.0 + i for i in range(len(DAYS)))


def test_json_is_the_content_itself() -> None:
    body = json.loads(render(content(), ReportFormat.JSON).body)

    assert ReportContent.model_validate(body) == content()
    assert body["period_start"] == "2025-12-01T00:00:00+01:00"
    assert body["key_figures"]["metrics_recorded"] == 1234
    assert [s["change_percent"] for s in body["services"]] == [8.643, None, None]


def test_importing_the_renderer_loads_neither_reportlab_nor_openpyxl() -> None:
    code = (
        "import sys, analytics.reports.render, analytics.reports.content; "
        "print(','.join(m for m in ('reportlab', 'openpyxl') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
