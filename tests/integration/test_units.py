"""Values of different units are never added: a group, a chart's total or a heatmap's cell that would add
them is a 400 that says which filter to add, or the answer is grouped by unit."""

from __future__ import annotations

from typing import Any

from functions.charts.handler import lambda_handler as charts_api
from tests.integration.conftest import HttpResult, Invoke, load_event
from tests.integration.test_ingest_queue import metric
from tests.integration.test_statistics_api import ask, load

PERIOD = {"start_date": "2025-03-01", "end_date": "2025-03-31"}


def donations_in_two_units() -> None:
    load(
        [
            metric("donation_received", value=100.0, unit="USD", timestamp="2025-03-05T10:00:00Z"),
            metric("donation_received", value=50.0, unit="USD", timestamp="2025-03-06T10:00:00Z"),
            metric("donations_count", value=2.0, unit="count", timestamp="2025-03-06T11:00:00Z"),
        ]
    )


def chart(invoke: Invoke, kind: str, **query: Any) -> HttpResult:
    return invoke(charts_api, load_event("charts_line", path=f"/api/v1/charts/{kind}", query=query))


def test_a_group_adding_units_is_refused_and_grouping_by_unit_answers(invoke: Invoke) -> None:
    donations_in_two_units()

    mixed = ask(invoke, "statistics", metric_type="donation", group_by="service_name", **PERIOD)
    by_unit = ask(invoke, "statistics", metric_type="donation", group_by="service_name,unit", **PERIOD)
    one_metric = ask(invoke, "statistics", metric_name="donation_received", **PERIOD)
    series = ask(invoke, "time-series/data", metric_type="donation", interval="day", **PERIOD)

    assert (
        mixed.status == 400
        and "(USD, count)" in mixed.body["detail"]
        and "metric_name" in mixed.body["detail"]
    )
    assert by_unit.status == 200
    assert {(g["group"]["unit"], g["sum"], g["unit"]) for g in by_unit.body["groups"]} == {
        ("USD", 150.0, "USD"),
        ("count", 2.0, "count"),
    }
    assert one_metric.body["groups"][0]["unit"] == "USD" and one_metric.body["groups"][0]["sum"] == 150.0
    assert series.status == 400


def test_charts_never_add_units_across_their_groups(invoke: Invoke) -> None:
    donations_in_two_units()
    by_metric = {"metric_type": "donation", "group_by": "metric_name", **PERIOD}

    pie = chart(invoke, "pie", **by_metric)
    bar = chart(invoke, "bar", **by_metric)
    line = chart(invoke, "line", **by_metric)
    area = chart(invoke, "area", **by_metric)
    heatmap = chart(invoke, "heatmap", metric_type="donation", **PERIOD)
    one_unit_pie = chart(invoke, "pie", metric_name="donation_received", group_by="service_name", **PERIOD)

    assert (pie.status, bar.status, area.status, heatmap.status) == (400, 400, 400, 400)
    assert "different units" in pie.body["detail"]
    assert line.status == 200 and line.body["total"] is None and len(line.body["series"]) == 2
    assert one_unit_pie.status == 200 and one_unit_pie.body["total"] == 150.0
