"""Dashboard configs: what each widget type takes, the messages a bad widget gets, and the periods the
dashboard's filters and a request's overrides give."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import ValidationError

from analytics.enums import MetricType, ServiceName
from analytics.schemas.dashboards import DashboardConfig, DashboardFilters, RelativeRange, Widget
from analytics.services.dashboard_data import PeriodOverride, relative_days, resolve_period, statistics_query
from analytics.services.dashboards import metric_problem

LAYOUT = {"x": 0, "y": 0, "w": 4, "h": 3}
NOW = dt.datetime(2026, 3, 15, 14, 20, tzinfo=dt.UTC)  # a Sunday


def widget(kind: str, query: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    return {"id": "w1", "title": "W", "type": kind, "query": query or {}, "layout": LAYOUT, **extra}


def messages(config: dict[str, Any]) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        DashboardConfig.model_validate(config)
    return [error["msg"] for error in caught.value.errors()]


@pytest.mark.parametrize(
    ("kind", "query"),
    [
        ("number", {"metric_name": "donation_received", "agg": "avg", "compare": "year"}),
        (
            "line",
            {"metric_name": "m", "interval": "week", "fill": "previous", "group_by": ["dimensions.country"]},
        ),
        ("area", {"service_name": "projects", "group_by": "metric_name"}),
        ("bar", {"metric_type": "donation", "group_by": ["service_name", "date"]}),
        ("pie", {"metric_name": "m", "agg": "count", "group_by": ["dimensions.channel"]}),
        ("heatmap", {"metric_name": "m", "agg": "max"}),
        ("table", {"metric_name": "m", "group_by": ["dimensions.country"], "limit": 10, "agg": "p95"}),
        ("goal", {"metric_type": "donation", "goal_name": "January giving"}),
        ("goal", {}),
    ],
)
def test_each_type_takes_its_options(kind: str, query: dict[str, Any]) -> None:
    config = DashboardConfig.model_validate({"widgets": [widget(kind, query)]})

    assert config.widgets[0].type == kind


@pytest.mark.parametrize(
    ("kind", "query", "expected"),
    [
        ("number", {"metric_name": "m", "interval": "day"}, "interval does not apply to a number widget"),
        ("number", {"metric_name": "m", "group_by": ["date"]}, "group_by does not apply to a number widget"),
        ("goal", {"metric_name": "m"}, "metric_name does not apply to a goal widget"),
        ("line", {"metric_name": "m", "group_by": ["date"]}, "`interval` sets the buckets"),
        ("bar", {"metric_name": "m"}, "a bar or pie chart needs group_by"),
        ("pie", {"metric_name": "m", "agg": "max", "group_by": ["date"]}, "shares of a whole"),
        ("heatmap", {"metric_name": "m", "agg": "p95"}, "a heatmap combines hours"),
        ("line", {}, "name the metric"),
        ("table", {"metric_name": "m", "group_by": ["colour"]}, "cannot group by 'colour'"),
        ("table", {"metric_name": "m", "group_by": ["date,week"]}, "at most one of date, hour, week, month"),
    ],
)
def test_a_bad_widget_says_which_and_why(kind: str, query: dict[str, Any], expected: str) -> None:
    (message,) = messages({"widgets": [widget(kind, query)]})

    assert expected in message
    if "group_by" not in query or kind != "table":
        assert f"widget 'w1' ({kind})" in message


def test_layout_ids_and_filters_are_checked() -> None:
    twice = {"widgets": [widget("goal"), widget("goal")]}
    assert "used more than once: w1" in messages(twice)[0]
    assert "the grid has 12 columns" in messages({"widgets": [widget("goal", layout={**LAYOUT, "x": 10})]})[0]
    assert "a widget id" in messages({"widgets": [{**widget("goal"), "id": "has space"}]})[0]
    assert "unknown time zone" in messages({"filters": {"tz": "Mars/Olympus"}})[0]
    both = {"filters": {"start_date": "2026-01-01", "relative_range": "last_7_days"}}
    assert "not both" in messages(both)[0]
    assert (
        "end_date must be after"
        in messages({"filters": {"start_date": "2026-02-01", "end_date": "2026-01-01"}})[0]
    )
    assert messages({"widgets": [widget("goal", {"colour": "red"})]})  # unknown options are refused


def test_unknown_metrics_are_named_with_what_is_stored() -> None:
    known = {("donation_received", ServiceName.PARTNERS_CRM, MetricType.DONATION)}
    good = Widget.model_validate(widget("number", {"metric_name": "donation_received"}))
    typo = Widget.model_validate(widget("number", {"metric_name": "donation_recieved"}))
    other_service = Widget.model_validate(
        widget("number", {"metric_name": "donation_received", "service_name": "projects"})
    )

    assert metric_problem(good, known) is None
    assert metric_problem(typo, known) == "widget 'w1' (number): no metric 'donation_recieved' is stored"
    problem = metric_problem(other_service, known)
    assert problem is not None and "not stored as projects; it is stored as partners_crm/donation" in problem


@pytest.mark.parametrize(
    ("relative", "first", "last"),
    [
        (RelativeRange.TODAY, dt.date(2026, 3, 15), dt.date(2026, 3, 15)),
        (RelativeRange.YESTERDAY, dt.date(2026, 3, 14), dt.date(2026, 3, 14)),
        (RelativeRange.LAST_7_DAYS, dt.date(2026, 3, 9), dt.date(2026, 3, 15)),
        (RelativeRange.THIS_WEEK, dt.date(2026, 3, 9), dt.date(2026, 3, 15)),
        (RelativeRange.THIS_MONTH, dt.date(2026, 3, 1), dt.date(2026, 3, 15)),
        (RelativeRange.LAST_MONTH, dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
        (RelativeRange.THIS_QUARTER, dt.date(2026, 1, 1), dt.date(2026, 3, 15)),
        (RelativeRange.THIS_YEAR, dt.date(2026, 1, 1), dt.date(2026, 3, 15)),
    ],
)
def test_relative_ranges_are_whole_local_days(relative: RelativeRange, first: dt.date, last: dt.date) -> None:
    assert relative_days(relative, dt.date(2026, 3, 15)) == (first, last)


def test_the_request_overrides_the_widget_which_overrides_the_dashboard() -> None:
    filters = DashboardFilters.model_validate(
        {"start_date": "2026-01-05", "end_date": "2026-01-06", "tz": "Asia/Tokyo"}
    )
    tokyo_midnight = dt.datetime(2026, 1, 4, 15, tzinfo=dt.UTC)

    dashboard = resolve_period(filters, None, PeriodOverride(), NOW)
    widget_own = resolve_period(filters, RelativeRange.LAST_24_HOURS, PeriodOverride(), NOW)
    requested = resolve_period(
        filters, RelativeRange.LAST_24_HOURS, PeriodOverride(start_date=dt.date(2026, 2, 1), tz="UTC"), NOW
    )

    assert (dashboard.start, dashboard.end, dashboard.tz) == (
        tokyo_midnight,
        tokyo_midnight + dt.timedelta(days=2),
        "Asia/Tokyo",
    )
    assert (widget_own.start, widget_own.end) == (
        NOW.replace(minute=0) - dt.timedelta(hours=23),
        NOW.replace(minute=0) + dt.timedelta(hours=1),
    )
    assert requested.start == dt.datetime(2026, 2, 1, tzinfo=dt.UTC) and requested.tz == "UTC"
    default = resolve_period(DashboardFilters(), None, PeriodOverride(), NOW)
    assert default.end - default.start == dt.timedelta(days=30)


def test_a_widget_becomes_the_statistics_endpoints_question() -> None:
    filters = DashboardFilters.model_validate({"dimensions": {"country": "US", "currency": "USD"}})
    line = Widget.model_validate(
        widget(
            "line",
            {"metric_name": "m", "interval": "week", "group_by": ["dimensions.partner_type"]},
            filters={"dimensions": {"country": "DE"}},
        )
    )
    period = resolve_period(filters, None, PeriodOverride(), NOW)

    query = statistics_query(line, filters, period)

    assert query.group_by == ("dimensions.partner_type", "week")
    assert query.dimensions == (("country", "DE"), ("currency", "USD"))  # the widget's own filter wins
    assert query.metric_name == "m" and query.tz == "UTC"
