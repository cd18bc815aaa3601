"""Report content from stored metrics and goals, against hand-computed figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from analytics.db.engine import get_session_factory
from analytics.db.models import Goal
from analytics.enums import MetricType, ReportFormat, ServiceName
from analytics.reports.content import build_report_content
from analytics.reports.render import render
from analytics.schemas.report_content import ReportContent, ReportDefinition
from analytics.statistics import Interval
from analytics.wiring import unit_of_work
from tests.integration.test_statistics_api import load, metric

NOW = dt.datetime(2025, 4, 2, 6, 0, tzinfo=dt.UTC)
RECEIVED = "donation_received"


def served(value: float, timestamp: str) -> dict[str, Any]:
    return metric(
        "beneficiaries_served",
        value,
        service_name="projects",
        metric_type="beneficiary",
        unit=None,
        timestamp=timestamp,
    )


@pytest.fixture(autouse=True)
def stored() -> None:
    load(
        [
            metric(RECEIVED, 10, timestamp="2025-03-01T10:00:00Z"),
            metric(RECEIVED, 30, timestamp="2025-03-02T11:00:00Z"),
            metric(RECEIVED, 20, timestamp="2025-03-31T23:00:00Z"),
            metric(RECEIVED, 40, timestamp="2025-03-06T03:00:00Z"),  # 5 March in New York
            metric(RECEIVED, 8, timestamp="2025-03-01T02:00:00Z"),  # 28 February in New York
            metric("donation_refunded", 5, timestamp="2025-03-05T12:00:00Z"),
            served(1, "2025-03-10T08:00:00Z"),
            served(2, "2025-03-10T09:00:00Z"),
            metric(RECEIVED, 50, timestamp="2025-02-15T12:00:00Z"),  # the previous 31 days
            metric(RECEIVED, 7, timestamp="2025-01-28T23:00:00Z"),  # before them
            metric(RECEIVED, 99, timestamp="2025-04-01T00:00:00Z"),  # after March
        ]
    )
    with get_session_factory()() as session, session.begin():
        for name, start, end in [
            ("Q1 donations", dt.date(2025, 1, 1), dt.date(2025, 3, 31)),
            ("Spring donations", dt.date(2025, 3, 6), dt.date(2025, 6, 30)),
            ("Q2 donations", dt.date(2025, 4, 1), dt.date(2025, 6, 30)),
        ]:
            session.add(
                Goal(
                    name=name,
                    metric_type=MetricType.DONATION,
                    target_value=100_000.0,
                    current_value=42_000.0,
                    unit="USD",
                    progress_percentage=42.0,
                    start_date=start,
                    end_date=end,
                )
            )


def build(report_type: str, **parameters: Any) -> ReportContent:
    definition = ReportDefinition(name="Report", report_type=report_type, parameters=parameters)
    return build_report_content(unit_of_work(), definition, NOW)


def test_monthly_report_totals_changes_and_top_metrics() -> None:
    content = build("monthly", month="2025-03", top_metrics=2)

    assert (content.period_start, content.period_end) == (
        dt.datetime(2025, 3, 1, tzinfo=dt.UTC),
        dt.datetime(2025, 4, 1, tzinfo=dt.UTC),
    )
    # 31 days before 1 March: 29 January to 28 February.
    assert content.previous_period_start == dt.datetime(2025, 1, 29, tzinfo=dt.UTC)
    assert content.interval is Interval.DAY
    figures = content.key_figures
    assert (figures.metrics_recorded, figures.previous_metrics_recorded) == (8, 1)
    assert figures.change_percent == pytest.approx(700.0)
    assert (figures.services_reporting, figures.distinct_metrics) == (2, 3)

    services = {s.service: s for s in content.services}
    crm, projects = services[ServiceName.PARTNERS_CRM], services[ServiceName.PROJECTS]
    assert (crm.count, crm.sum, crm.previous_sum) == (6, 113.0, 50.0)
    assert crm.avg == pytest.approx(113 / 6)
    assert crm.change_percent == pytest.approx(126.0)
    assert (projects.count, projects.sum, projects.avg, projects.previous_sum) == (2, 3.0, 1.5, 0.0)
    assert projects.change_percent is None

    assert [(m.metric_name, m.count, m.sum, m.min, m.max) for m in content.top_metrics] == [
        (RECEIVED, 5, 108.0, 8.0, 40.0),
        ("beneficiaries_served", 2, 3.0, 1.0, 2.0),
    ]
    # From the rollups' sketch, within 1 % of numpy's: 8, 10, 20, 30, 40 give 30 + 0.8 * (40 - 30).
    assert content.top_metrics[0].p95 == pytest.approx(38.0, rel=0.01)


def test_monthly_report_series_details_and_goals() -> None:
    content = build("monthly", month="2025-03")

    [crm] = [s for s in content.time_series if s.service is ServiceName.PARTNERS_CRM]
    assert len(crm.points) == 31
    assert crm.points[0].start == dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
    sums = {point.start.day: point.sum for point in crm.points if point.sum}
    assert sums == {1: 18.0, 2: 30.0, 5: 5.0, 6: 40.0, 31: 20.0}
    assert [(d.bucket_start.day, d.service, d.metric_name, d.count, d.sum) for d in content.details] == [
        (1, ServiceName.PARTNERS_CRM, RECEIVED, 2, 18.0),
        (2, ServiceName.PARTNERS_CRM, RECEIVED, 1, 30.0),
        (5, ServiceName.PARTNERS_CRM, "donation_refunded", 1, 5.0),
        (6, ServiceName.PARTNERS_CRM, RECEIVED, 1, 40.0),
        (10, ServiceName.PROJECTS, "beneficiaries_served", 2, 3.0),
        (31, ServiceName.PARTNERS_CRM, RECEIVED, 1, 20.0),
    ]
    assert [
        (g.name, g.current_value, g.target_value, g.progress_percentage, g.status) for g in content.goals
    ] == [
        ("Q1 donations", 42_000.0, 100_000.0, 42.0, "active"),
        ("Spring donations", 42_000.0, 100_000.0, 42.0, "active"),
    ]


def test_services_without_metrics_appear_with_zeros() -> None:
    content = build("monthly", month="2025-03")

    assert [s.service for s in content.services] == list(ServiceName)
    auth = next(s for s in content.services if s.service is ServiceName.AUTH)
    assert (auth.count, auth.sum, auth.avg, auth.previous_sum, auth.change_percent) == (
        0,
        0.0,
        None,
        0.0,
        None,
    )
    [auth_series] = [s for s in content.time_series if s.service is ServiceName.AUTH]
    assert [point.sum for point in auth_series.points] == [0.0] * 31


def test_custom_report_in_new_york_for_one_service() -> None:
    content = build(
        "custom",
        start_date="2025-03-01",
        end_date="2025-03-05",
        tz="America/New_York",
        service_name=["partners_crm"],
    )

    # New York days (UTC-5): 8 at 02:00 UTC on 1 March falls on 28 February there (the previous period),
    # 40 at 03:00 UTC on 6 March on 5 March.
    assert content.period_start.isoformat() == "2025-03-01T00:00:00-05:00"
    assert content.period_end.isoformat() == "2025-03-06T00:00:00-05:00"
    [crm] = content.services
    assert (crm.service, crm.count, crm.sum, crm.previous_sum) == (ServiceName.PARTNERS_CRM, 4, 85.0, 8.0)
    assert crm.change_percent == pytest.approx((85 - 8) / 8 * 100)
    [series] = content.time_series
    assert [(p.start.isoformat()[:10], p.sum) for p in series.points] == [
        ("2025-03-01", 10.0),
        ("2025-03-02", 30.0),
        ("2025-03-03", 0.0),
        ("2025-03-04", 0.0),
        ("2025-03-05", 45.0),
    ]
    assert all(d.service is ServiceName.PARTNERS_CRM for d in content.details)
    assert [g.name for g in content.goals] == ["Q1 donations"]
    assert content.key_figures.metrics_recorded == 4


@pytest.mark.parametrize(
    ("report_type", "parameters"), [("daily", {"date": "2025-03-10"}), ("annual", {"year": 2025})]
)
@pytest.mark.parametrize("fmt", list(ReportFormat))
def test_built_reports_render_in_every_format(
    report_type: str, parameters: dict[str, Any], fmt: ReportFormat
) -> None:
    content = build(report_type, **parameters)

    report = render(content, fmt)

    assert report.body
    if fmt is ReportFormat.JSON:
        assert ReportContent.model_validate_json(report.body) == content
