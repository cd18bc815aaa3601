"""Chart payloads through the charts handler: labels, series, totals and percentages as drawn."""

from __future__ import annotations

from typing import Any

from functions.charts.handler import lambda_handler
from tests.integration.conftest import HttpResult, Invoke, load_event
from tests.integration.test_ingest_queue import consume, metric, sqs_event


def chart(invoke: Invoke, kind: str, **query: Any) -> HttpResult:
    return invoke(lambda_handler, load_event("charts_line", path=f"/api/v1/charts/{kind}", query=query))


def load_week() -> None:
    items = [
        metric(value=10, timestamp="2025-06-02T09:00:00Z"),  # a Monday
        metric(value=30, timestamp="2025-06-02T09:30:00Z"),
        metric(
            value=20, timestamp="2025-06-04T15:00:00Z", service_name="projects", metric_type="beneficiary"
        ),
        metric(value=40, timestamp="2025-06-08T23:00:00Z"),  # Sunday in UTC, Monday 01:00 in Berlin
    ]
    assert consume(sqs_event([{"metrics": items}])) == []


def test_line_and_area_charts_have_one_label_per_day_and_one_series_per_group(invoke: Invoke) -> None:
    load_week()
    period = {"start_date": "2025-06-02", "end_date": "2025-06-08", "group_by": "service_name"}

    line = chart(invoke, "line", **period)
    area = chart(invoke, "area", **period)

    assert line.status == 200, line.body
    assert [label[:10] for label in line.body["labels"]] == [f"2025-06-0{d}" for d in range(2, 9)]
    assert [(s["name"], s["data"], s["total"]) for s in line.body["series"]] == [
        ("partners_crm", [40.0, None, None, None, None, None, 40.0], 80.0),
        ("projects", [None, None, 20.0, None, None, None, None], 20.0),
    ]
    assert line.body["total"] == 100.0 and not line.body["stacked"]
    assert area.body["stacked"] and area.body["series"][1]["data"] == [0.0, 0.0, 20.0, 0.0, 0.0, 0.0, 0.0]


def test_bar_and_pie_charts_give_values_and_percentages(invoke: Invoke) -> None:
    load_week()
    period = {"start_date": "2025-06-01", "end_date": "2025-06-30", "group_by": "service_name"}

    pie = chart(invoke, "pie", **period)
    bar = chart(invoke, "bar", agg="count", **period)
    no_group = chart(invoke, "bar", start_date="2025-06-01", end_date="2025-06-30")

    assert pie.status == 200, pie.body
    assert (pie.body["labels"], pie.body["data"], pie.body["percentages"], pie.body["total"]) == (
        ["partners_crm", "projects"],
        [80.0, 20.0],
        [80.0, 20.0],
        100.0,
    )
    assert bar.body["data"] == [3.0, 1.0]
    assert no_group.status == 422 and no_group.body["detail"][0]["loc"] == ["query", "group_by"]


def test_heatmap_folds_hours_into_weekday_by_local_hour(invoke: Invoke) -> None:
    load_week()

    utc = chart(invoke, "heatmap", start_date="2025-06-01", end_date="2025-06-30").body
    berlin = chart(invoke, "heatmap", start_date="2025-06-01", end_date="2025-06-30", tz="Europe/Berlin").body

    assert utc["y_labels"][0] == "Monday" and utc["x_labels"][9] == "09:00"
    assert utc["data"][0][9] == 40.0  # Monday 09:00 UTC: 10 + 30
    assert utc["data"][2][15] == 20.0  # Wednesday 15:00
    assert utc["data"][6][23] == 40.0  # Sunday 23:00
    assert (utc["min"], utc["max"]) == (20.0, 40.0)
    assert berlin["data"][0][1] == 40.0 and berlin["data"][0][11] == 40.0  # UTC+2 in June
