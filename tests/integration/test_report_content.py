"""Report content from metrics sent through the API and goals as their computation keeps them, against
figures worked out by hand; and what the rendered PDF, Excel, CSV and JSON say about them.

December 2025 (UTC) holds three donations (250.00 and 125.50 from individuals, 1,000.00 from a
foundation: 1,375.50 in 3 gifts), November two (400.00 and 200.00: 600.00), December 2024 one (500.00).
The partners CRM also sends new partners, interactions and the daily active_partners snapshot, whose
values must never be added to the donations; the auth service sends logins, which no section reads.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import openpyxl
import pypdf
import pytest

from analytics.db.engine import get_session_factory
from analytics.db.models import Goal
from analytics.enums import GoalOutlook, GoalStatus, MetricType, ReportFormat, ServiceName
from analytics.reports.content import build_report_content
from analytics.reports.render import render
from analytics.schemas.report_content import (
    Comparison,
    ReportContent,
    ReportDefinition,
    Section,
    SectionKey,
    Unit,
)
from analytics.statistics import Interval
from analytics.wiring import unit_of_work
from functions.metrics.handler import lambda_handler as metrics_api
from tests.integration.conftest import Invoke, load_event

NOW = dt.datetime(2026, 1, 2, 6, 0, tzinfo=dt.UTC)
DECEMBER = {"month": "2025-12"}
TYPES = {
    "partners_crm": {"donation_received": "donation", "partner_interaction": "engagement"},
    "projects": {"beneficiaries_reached": "beneficiary"},
    "social_media": {"post_created": "social_post"},
    "auth": {},
}
# What the old report called the partners CRM's "sum" for December: every value of the service added up,
# USD, partners and the active_partners snapshot alike. No figure may show it.
MIXED_SUM = 1375.5 + 2 + 52 + 55 + 3


def sent(service: str, name: str, value: float, day: str, **dimensions: str) -> dict[str, Any]:
    default = {"partners_crm": "partner", "projects": "project", "social_media": "engagement"}
    return {
        "service_name": service,
        "metric_type": TYPES.get(service, {}).get(name)
        or {"notification": "notification", "auth": "custom"}.get(service)
        or default[service],
        "metric_name": name,
        "value": value,
        "unit": "USD" if name == "donation_received" else "count",
        "dimensions": dimensions,
        "timestamp": f"{day}T12:00:00Z",
    }


def donation(value: float, day: str, partner_type: str) -> dict[str, Any]:
    return sent("partners_crm", "donation_received", value, day, partner_type=partner_type)


DONATIONS = [
    donation(250.0, "2025-12-03", "individual"),
    donation(1000.0, "2025-12-10", "foundation"),
    donation(125.5, "2025-12-17", "individual"),
    donation(400.0, "2025-11-05", "individual"),
    donation(200.0, "2025-11-20", "church"),
    donation(500.0, "2024-12-12", "individual"),
]
PARTNERS = [
    sent("partners_crm", "new_partner", 1, "2025-12-03", partner_type="individual"),
    sent("partners_crm", "new_partner", 1, "2025-12-05", partner_type="church"),
    sent("partners_crm", "active_partners", 52, "2025-12-01"),
    sent("partners_crm", "active_partners", 55, "2025-12-31"),
    sent("partners_crm", "active_partners", 50, "2025-11-30"),
    sent("partners_crm", "partner_interaction", 1, "2025-12-04", interaction_type="call"),
    sent("partners_crm", "partner_interaction", 1, "2025-12-09", interaction_type="call"),
    sent("partners_crm", "partner_interaction", 1, "2025-12-11", interaction_type="meeting"),
]
PROJECTS = [
    sent("projects", "beneficiaries_reached", 40, "2025-12-10", project_type="water"),
    sent("projects", "beneficiaries_reached", 60, "2025-12-20", project_type="health"),
    sent("projects", "project_created", 1, "2025-12-02", project_type="water"),
    sent("projects", "project_completed", 1, "2025-12-22", project_type="water"),
]
SOCIAL = [
    sent("social_media", "post_created", 2, "2025-12-08", platform="facebook"),
    sent("social_media", "reach", 1000, "2025-12-08", platform="facebook"),
    sent("social_media", "post_likes", 30, "2025-12-08", platform="facebook"),
    sent("social_media", "post_comments", 5, "2025-12-08", platform="facebook"),
    sent("social_media", "post_shares", 5, "2025-12-08", platform="facebook"),
]
NOTIFICATIONS = [
    sent("notification", name, value, day, channel="email")
    for day, figures in (("2025-12-15", (200, 190, 95, 19)), ("2025-11-15", (100, 90, 45, 9)))
    for name, value in zip(
        ("notification_sent", "notification_delivered", "notification_opened", "notification_clicked"),
        figures,
        strict=True,
    )
]
LOGINS = [sent("auth", "login", 7, "2025-12-02")]


def send(invoke: Invoke, metrics: list[dict[str, Any]]) -> None:
    answer = invoke(metrics_api, load_event("metrics_bulk", body={"metrics": metrics}))
    assert answer.status == 201 and answer.body["failed"] == 0, answer.body


def keep_goal(name: str, **fields: Any) -> None:
    """A goal with its progress as the goals' computation keeps it."""
    goal = {
        "metric_type": MetricType.DONATION,
        "service_name": ServiceName.PARTNERS_CRM,
        "metric_name": "donation_received",
        "target_value": 5000.0,
        "current_value": 1375.5,
        "unit": "USD",
        "progress_percentage": 27.51,
        "start_date": dt.date(2025, 12, 1),
        "end_date": dt.date(2026, 1, 31),
        "status": GoalStatus.ACTIVE,
        "outlook": GoalOutlook.AT_RISK,
        "probability": 0.4,
    }
    with get_session_factory()() as session, session.begin():
        session.add(Goal(name=name, **(goal | fields)))


def build(report_type: str = "monthly", **parameters: Any) -> ReportContent:
    definition = ReportDefinition(
        name="Board report", report_type=report_type, parameters=parameters or DECEMBER
    )
    return build_report_content(unit_of_work(), definition, NOW)


@pytest.fixture
def platform(invoke: Invoke) -> None:
    send(invoke, DONATIONS + PARTNERS + PROJECTS + SOCIAL + NOTIFICATIONS + LOGINS)
    keep_goal("Year-end giving")
    keep_goal("Spring appeal", start_date=dt.date(2025, 3, 1), end_date=dt.date(2025, 5, 31))  # not December
    keep_goal("Dropped idea", status=GoalStatus.CANCELLED)
    keep_goal(
        "Reach 1,000 people",
        metric_type=MetricType.BENEFICIARY,
        service_name=ServiceName.PROJECTS,
        metric_name="beneficiaries_reached",
        target_value=1000.0,
        current_value=100.0,
        unit="people",
        outlook=GoalOutlook.ON_TRACK,
        probability=0.8,
    )


def compared(comparison: Comparison | None) -> tuple[float, float | None, float | None] | None:
    if comparison is None:
        return None
    return comparison.value, comparison.change, comparison.change_percent


def figures(section: Section | None) -> dict[str, Any]:
    assert section is not None
    return {figure.key: figure for figure in section.figures}


def pdf_text(content: ReportContent) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(render(content, ReportFormat.PDF).body))
    return [page.extract_text() for page in reader.pages]


def test_a_monthly_report_compares_december_with_november_and_december_a_year_earlier(platform: None) -> None:
    content = build()

    assert (content.period.label, content.period.first_day, content.period.last_day) == (
        "December 2025",
        dt.date(2025, 12, 1),
        dt.date(2025, 12, 31),
    )
    assert content.period.start == dt.datetime(2025, 12, 1, tzinfo=dt.UTC)
    previous = content.previous_period
    assert (previous.label, previous.first_day, previous.last_day) == (
        "November 2025",
        dt.date(2025, 11, 1),
        dt.date(2025, 11, 30),
    )
    assert content.year_earlier_period is not None and content.year_earlier_period.label == "December 2024"
    assert content.interval is Interval.DAY


def test_fundraising_shows_the_donations_their_change_and_who_gave(platform: None) -> None:
    content = build()

    fundraising = figures(content.section(SectionKey.FUNDRAISING))
    total = fundraising["donations_total"]
    assert (total.unit, total.value, total.key_figure) == (Unit.USD, 1375.5, True)
    assert compared(total.previous) == (600.0, 775.5, pytest.approx(129.25))
    assert compared(total.year_earlier) == (500.0, 875.5, pytest.approx(175.1))
    gifts, average = fundraising["donations_count"], fundraising["average_gift"]
    assert (gifts.unit, gifts.value, gifts.previous and gifts.previous.value) == (Unit.COUNT, 3, 2)
    assert (average.unit, average.value, average.previous and average.previous.value) == (
        Unit.USD,
        458.5,
        300.0,
    )
    section = content.section(SectionKey.FUNDRAISING)
    assert section is not None
    [by_type] = section.breakdowns
    assert [(item.name, item.figures[0].value, item.figures[1].value) for item in by_type.items] == [
        ("foundation", 1000.0, 1),
        ("individual", 375.5, 2),
    ]
    assert compared(by_type.items[1].figures[0].previous) == (400.0, -24.5, pytest.approx(-6.125))
    assert by_type.items[0].figures[2].value == pytest.approx(1000 / 1375.5 * 100)
    assert section.chart is not None and section.chart.unit is Unit.USD
    daily = dict(zip(section.chart.starts, section.chart.series[0].values, strict=True))  # type: ignore[union-attr]
    assert len(daily) == 31 and sum(v or 0 for v in daily.values()) == 1375.5
    assert daily[dt.datetime(2025, 12, 10, tzinfo=dt.UTC)] == 1000.0


def test_every_domain_has_its_section_and_its_own_units(platform: None) -> None:
    content = build()

    assert [s.key for s in content.sections] == list(SectionKey)
    assert content.left_out == []
    partners = figures(content.section(SectionKey.PARTNERS))
    assert partners["new_partners"].value == 2 and compared(partners["new_partners"].previous) == (
        0.0,
        2.0,
        None,
    )
    active = partners["active_partners"]
    assert (active.value, active.as_of, active.previous and active.previous.value) == (
        55,
        dt.date(2025, 12, 31),
        50,
    )
    assert partners["interactions"].value == 3
    projects = figures(content.section(SectionKey.PROJECTS))
    assert (projects["beneficiaries_reached"].unit, projects["beneficiaries_reached"].value) == (
        Unit.PEOPLE,
        100,
    )
    assert projects["beneficiaries_reached"].previous is None  # nothing from projects in November
    assert projects["completion_rate"].value == 100.0
    social = figures(content.section(SectionKey.SOCIAL_MEDIA))
    assert (social["engagement_rate"].unit, social["engagement_rate"].value) == (Unit.PERCENT, 4.0)
    notifications = figures(content.section(SectionKey.NOTIFICATIONS))
    delivery = notifications["delivery_rate"]
    assert (delivery.unit, delivery.value) == (Unit.PERCENT, 95.0)
    assert compared(delivery.previous) == (90.0, pytest.approx(5.0), None)
    assert (notifications["open_rate"].value, notifications["click_rate"].value) == (50.0, 10.0)


def test_no_figure_adds_values_of_different_units(platform: None) -> None:
    content = build()

    every = [f for s in content.sections for f in s.figures]
    every += [f for s in content.sections for b in s.breakdowns for item in b.items for f in item.figures]
    assert all(f.value != pytest.approx(MIXED_SUM) for f in every)
    usd = {f.value for f in every if f.unit is Unit.USD}
    assert usd <= {1375.5, 458.5, 1000.0, 375.5}
    text = "\n".join(pdf_text(content))
    assert f"{MIXED_SUM:,.2f}" not in text and "Metrics recorded" not in text
    assert "Auth" not in text and "login" not in text


def test_goals_show_their_kept_progress_and_standing(platform: None) -> None:
    content = build()

    section = content.section(SectionKey.GOALS)
    assert section is not None
    assert [(g.name, g.unit, g.current_value, g.progress_percent, g.outlook) for g in section.goals] == [
        ("Reach 1,000 people", "people", 100.0, 10.0, GoalOutlook.ON_TRACK),
        ("Year-end giving", "USD", 1375.5, pytest.approx(27.51), GoalOutlook.AT_RISK),
    ]
    counted = figures(section)
    assert (counted["goals"].value, counted["on_track"].value, counted["at_risk"].value) == (2, 1, 1)
    assert counted["on_track"].note == "of 2 active" and counted["on_track"].previous is None


def test_the_pdf_shows_the_donations_and_the_previous_months_on_page_one(platform: None) -> None:
    pages = pdf_text(build())

    first = pages[0]
    for expected in (
        "Board report",
        "December 2025 (1\u201331 Dec 2025, UTC)",
        "Compared with November 2025 (previous period) and December 2024 (a year earlier)",
        "Key figures",
        "Donations",
        "$1,375.50",
        "$600.00",
        "+129.2 %",
        "$500.00",
        "+175.1 %",
        "Delivery rate",
        "95.0 %",
        "+5.0 pp",
        "Donations per day (USD)",
    ):
        assert expected in first, expected
    assert len(pages) == 1 + len(SectionKey)  # page 1, then a page per section
    assert "Fundraising" in pages[1] and "Donations by partner type" in pages[1] and "foundation" in pages[1]
    assert "Year-end giving" in pages[-1] and "At risk" in pages[-1]
    for number, page in enumerate(pages, start=1):
        assert f"Page {number}" in page


def test_the_excel_sheets_hold_the_donations_as_typed_cells(platform: None) -> None:
    book = openpyxl.load_workbook(io.BytesIO(render(build(), ReportFormat.EXCEL).body))

    assert book.sheetnames == ["Summary", *(title for title in TITLES)]
    sheet = book["Fundraising"]
    header = [cell.value for cell in sheet[1]]
    assert header[:6] == ["Figure", "Unit", "December 2025", "November 2025", "Change", "Change %"]
    donations = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "Donations")
    assert [cell.value for cell in donations[1:6]] == ["USD", 1375.5, 600.0, 775.5, pytest.approx(1.2925)]
    assert donations[2].number_format == '"$"#,##0.00'
    assert donations[6].value == 500.0
    summary = {row[1]: row for row in book["Summary"].iter_rows(values_only=True) if row[0] == "Fundraising"}
    assert summary["Donations"][3:5] == (1375.5, 600.0)
    rates = next(row for row in book["Notifications"].iter_rows(min_row=2) if row[0].value == "Delivery rate")
    assert (rates[2].value, rates[2].number_format, rates[4].value) == (0.95, "0.0%", pytest.approx(5.0))
    assert all(book[name]._charts for name in book.sheetnames[1:])


TITLES = ["Fundraising", "Partners", "Projects and beneficiaries", "Social media", "Notifications", "Goals"]


def test_csv_and_json_carry_the_same_figures(platform: None) -> None:
    content = build()

    rows = list(csv.DictReader(io.StringIO(render(content, ReportFormat.CSV).body.decode())))
    body = json.loads(render(content, ReportFormat.JSON).body)

    [total] = [r for r in rows if r["figure"] == "donations_total" and not r["breakdown"]]
    assert (total["unit"], float(total["value"]), float(total["previous"]), float(total["year_earlier"])) == (
        "USD",
        1375.5,
        600.0,
        500.0,
    )
    assert (total["period"], total["previous_period"], total["year_earlier_period"]) == (
        "December 2025",
        "November 2025",
        "December 2024",
    )
    figures_in_json = sum(len(s["figures"]) for s in body["sections"])
    assert len([r for r in rows if not r["breakdown"]]) == figures_in_json
    assert ReportContent.model_validate(body) == content


def test_a_domain_without_data_is_left_out_with_a_line_saying_so(invoke: Invoke) -> None:
    send(invoke, DONATIONS)

    content = build()

    assert [s.key for s in content.sections] == [SectionKey.FUNDRAISING]
    assert [(part.key, part.reason) for part in content.left_out] == [
        (SectionKey.PARTNERS, "No partners, partner snapshots or interactions were recorded in this period."),
        (SectionKey.PROJECTS, "No projects or beneficiaries were recorded in this period."),
        (SectionKey.SOCIAL_MEDIA, "No posts, engagements or reach were recorded in this period."),
        (SectionKey.NOTIFICATIONS, "No notifications were sent in this period."),
        (SectionKey.GOALS, "No goal's dates overlap this period."),
    ]
    first = pdf_text(content)[0]
    assert "Not in this report" in first and "Social media: No posts, engagements or reach" in first


def test_a_year_earlier_without_data_is_not_compared(invoke: Invoke) -> None:
    send(invoke, [d for d in DONATIONS if not d["timestamp"].startswith("2024")])

    content = build()

    assert content.year_earlier_period is None
    assert figures(content.section(SectionKey.FUNDRAISING))["donations_total"].year_earlier is None
    assert "December 2024" not in pdf_text(content)[0]


def test_days_follow_the_report_zone_and_a_custom_period_compares_with_the_days_before(
    invoke: Invoke,
) -> None:
    # 02:00 UTC on 1 March is 28 February in New York; 03:00 UTC on 6 March is 5 March there.
    send(
        invoke,
        [
            donation(10.0, "2025-03-01", "individual"),
            {**donation(8.0, "2025-03-01", "individual"), "timestamp": "2025-03-01T02:00:00Z"},
            {**donation(40.0, "2025-03-06", "church"), "timestamp": "2025-03-06T03:00:00Z"},
            donation(5.0, "2025-02-24", "individual"),
            donation(7.0, "2025-02-23", "individual"),  # before the previous five days
        ],
    )

    content = build("custom", start_date="2025-03-01", end_date="2025-03-05", tz="America/New_York")

    assert content.period.label == "1\u20135 Mar 2025"
    assert content.period.start.isoformat() == "2025-03-01T00:00:00-05:00"
    assert (content.previous_period.first_day, content.previous_period.last_day) == (
        dt.date(2025, 2, 24),
        dt.date(2025, 2, 28),
    )
    total = figures(content.section(SectionKey.FUNDRAISING))["donations_total"]
    assert total.value == 50.0 and compared(total.previous) == (13.0, 37.0, pytest.approx(37 / 13 * 100))


def test_only_the_services_asked_for_have_sections(platform: None) -> None:
    content = build(month="2025-12", service_name=["projects"])

    assert [s.key for s in content.sections] == [SectionKey.PROJECTS, SectionKey.GOALS]
    goals = content.section(SectionKey.GOALS)
    assert goals is not None and [g.name for g in goals.goals] == ["Reach 1,000 people"]


@pytest.mark.parametrize(
    ("report_type", "parameters", "previous", "interval"),
    [
        ("daily", {"date": "2025-12-10"}, (dt.date(2025, 12, 9), dt.date(2025, 12, 9)), Interval.HOUR),
        ("weekly", {"date": "2025-12-10"}, (dt.date(2025, 12, 1), dt.date(2025, 12, 7)), Interval.DAY),
        ("annual", {"year": 2025}, (dt.date(2024, 1, 1), dt.date(2024, 12, 31)), Interval.MONTH),
    ],
)
@pytest.mark.parametrize("fmt", list(ReportFormat))
def test_every_report_type_compares_with_its_previous_period_and_renders_in_every_format(
    platform: None,
    report_type: str,
    parameters: dict[str, Any],
    previous: tuple[dt.date, dt.date],
    interval: Interval,
    fmt: ReportFormat,
) -> None:
    content = build(report_type, **parameters)

    report = render(content, fmt)

    assert (content.previous_period.first_day, content.previous_period.last_day) == previous
    assert content.interval is interval and content.sections
    assert report.body
    if fmt is ReportFormat.JSON:
        assert ReportContent.model_validate_json(report.body) == content
