"""Statistics, time series and trends through the metrics handler, against hand-computed answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from sqlalchemy import text

from analytics.db.engine import get_engine
from analytics.db.rollup_sql import REFRESH_MONTHLY
from analytics.services import statistics as statistics_service
from functions.metrics.handler import lambda_handler
from tests.integration.conftest import HttpResult, Invoke, load_event
from tests.integration.test_ingest_queue import consume, metric, sqs_event


def ask(invoke: Invoke, path: str, **query: Any) -> HttpResult:
    return invoke(lambda_handler, load_event("metrics_list", path=f"/api/v1/metrics/{path}", query=query))


def load(items: list[dict[str, Any]]) -> None:
    assert consume(sqs_event([{"metrics": items[i : i + 50]} for i in range(0, len(items), 50)])) == []


def test_statistics_grouped_by_service_match_hand_computed_figures(invoke: Invoke) -> None:
    load(
        [
            metric(value=10, timestamp="2025-03-01T10:00:00Z"),
            metric(value=30, timestamp="2025-03-02T11:00:00Z"),
            metric(
                value=5, service_name="projects", metric_type="beneficiary", timestamp="2025-03-01T12:00:00Z"
            ),
            metric(value=99, timestamp="2025-04-01T00:00:00Z"),  # outside the period
        ]
    )

    result = ask(
        invoke, "statistics", start_date="2025-03-01", end_date="2025-03-31", group_by="service_name"
    )

    assert result.status == 200, result.body
    assert result.body["source"] == "rollups"
    groups = {g["group"]["service_name"]: g for g in result.body["groups"]}
    assert (groups["partners_crm"]["count"], groups["partners_crm"]["sum"]) == (2, 40.0)
    assert (groups["partners_crm"]["avg"], groups["partners_crm"]["min"], groups["partners_crm"]["max"]) == (
        20.0,
        10.0,
        30.0,
    )
    assert groups["partners_crm"]["stddev"] == pytest.approx(10.0)
    assert (groups["projects"]["count"], groups["projects"]["sum"]) == (1, 5.0)


def test_percentiles_are_within_the_stated_error_of_numpy(invoke: Invoke) -> None:
    rng = np.random.default_rng(3)
    values = [round(float(v), 2) for v in rng.lognormal(3, 1, 2_000)]
    load(
        [
            metric(value=v, timestamp=f"2025-05-{1 + i % 28:02d}T{i % 24:02d}:00:00Z")
            for i, v in enumerate(values)
        ]
    )

    body = ask(invoke, "aggregate/statistics", start_date="2025-05-01", end_date="2025-05-31").body

    [figures] = body["groups"]
    assert figures["count"] == 2_000
    error = body["percentile_relative_error"]
    assert error == 0.01
    for level in (50, 90, 95, 99):
        # Interpolated between the two nearest ranks as numpy's default does, their values within 1 %.
        assert figures[f"p{level}"] == pytest.approx(np.percentile(values, level), rel=error)


def test_dimension_filters_and_groups_read_raw_rows(invoke: Invoke) -> None:
    load(
        [
            metric(value=1, dimensions={"country": "KE"}),
            metric(value=2, dimensions={"country": "KE"}),
            metric(value=7, dimensions={"country": "US"}),
        ]
    )

    grouped = ask(
        invoke, "statistics", start_date="2025-12-24", end_date="2025-12-24", group_by="dimensions.country"
    )
    filtered = ask(
        invoke, "statistics", start_date="2025-12-24", end_date="2025-12-24", **{"dimensions.country": "US"}
    )

    assert grouped.body["source"] == "raw"
    assert [(g["group"], g["sum"], g["p50"]) for g in grouped.body["groups"]] == [
        ({"dimensions.country": "KE"}, 3.0, 1.5),
        ({"dimensions.country": "US"}, 7.0, 7.0),
    ]
    assert [g["sum"] for g in filtered.body["groups"]] == [7.0]


@pytest.mark.parametrize(
    ("tz", "day", "hours"),
    [("America/New_York", "2025-11-02", 25), ("Europe/Berlin", "2025-03-30", 23), ("UTC", "2025-03-30", 24)],
)
def test_daily_series_across_dst_has_one_bucket_per_local_day(
    invoke: Invoke, tz: str, day: str, hours: int
) -> None:
    first = dt.datetime.fromisoformat(day).replace(tzinfo=dt.UTC) - dt.timedelta(days=2)
    load([metric(value=1, timestamp=(first + dt.timedelta(hours=h)).isoformat()) for h in range(24 * 5)])
    local_day = dt.date.fromisoformat(day)

    result = ask(
        invoke,
        "time-series/data",
        start_date=(local_day - dt.timedelta(days=1)).isoformat(),
        end_date=(local_day + dt.timedelta(days=1)).isoformat(),
        interval="day",
        tz=tz,
    )

    assert result.status == 200, result.body
    assert [b[:10] for b in result.body["buckets"]] == [
        (local_day + dt.timedelta(days=d)).isoformat() for d in (-1, 0, 1)
    ]
    assert result.body["buckets"][1].endswith("T00:00:00" + result.body["buckets"][1][19:])
    [series] = result.body["series"]
    assert series["values"] == [24.0, float(hours), 24.0]


def test_the_hour_repeated_when_clocks_go_back_is_two_hours(invoke: Invoke) -> None:
    # New York, 2 November 2025: 01:00-02:00 happens at -04:00 (05:00Z), then again at -05:00 (06:00Z).
    load(
        [
            metric(value=v, timestamp=f"2025-11-02T{t}:00Z", dimensions={"k": "x"})
            for v, t in ((1, "05:30"), (2, "06:30"), (4, "06:40"))
        ]
    )
    period = {
        "start_date": "2025-11-02T04:00:00Z",
        "end_date": "2025-11-02T08:00:00Z",
        "tz": "America/New_York",
    }
    expected = [
        "2025-11-02T00:00:00-04:00",
        "2025-11-02T01:00:00-04:00",
        "2025-11-02T01:00:00-05:00",
        "2025-11-02T02:00:00-05:00",
    ]

    for raw in ({}, {"dimensions.k": "x"}):  # from the hourly rollups, then from the raw rows
        statistics = ask(invoke, "statistics", group_by="hour", **period, **raw).body
        assert statistics["source"] == ("raw" if raw else "rollups")
        assert [(g["group"]["hour"], g["count"]) for g in statistics["groups"]] == [
            (expected[1], 1),
            (expected[2], 2),
        ]
        series = ask(invoke, "time-series/data", interval="hour", agg="sum", **period, **raw).body
        assert series["buckets"] == expected
        assert series["series"][0]["values"] == [None, 1.0, 6.0, None]


def test_hourly_series_fill_modes(invoke: Invoke) -> None:
    load(
        [
            metric(value=2, timestamp="2025-06-01T00:10:00Z"),
            metric(value=8, timestamp="2025-06-01T03:20:00Z"),
        ]
    )
    common = {
        "start_date": "2025-06-01T00:00:00Z",
        "end_date": "2025-06-01T05:00:00Z",
        "interval": "hour",
        "agg": "max",
    }

    def values(fill: str) -> list[float | None]:
        result = ask(invoke, "time-series/data", fill=fill, **common)
        assert result.status == 200, result.body
        return result.body["series"][0]["values"]

    assert values("null") == [2.0, None, None, 8.0, None]
    assert values("zero") == [2.0, 0.0, 0.0, 8.0, 0.0]
    assert values("previous") == [2.0, 2.0, 2.0, 8.0, 8.0]
    assert values("linear") == [2.0, 4.0, 6.0, 8.0, None]


def test_series_per_group(invoke: Invoke) -> None:
    load(
        [
            metric(value=1, timestamp="2025-06-01T10:00:00Z"),
            metric(
                value=4, service_name="projects", metric_type="beneficiary", timestamp="2025-06-02T10:00:00Z"
            ),
        ]
    )

    body = ask(
        invoke,
        "time-series/data",
        start_date="2025-06-01",
        end_date="2025-06-02",
        group_by="service_name",
        fill="zero",
    ).body

    assert [(s["group"], s["values"]) for s in body["series"]] == [
        ({"service_name": "partners_crm"}, [1.0, 0.0]),
        ({"service_name": "projects"}, [0.0, 4.0]),
    ]


def test_absurd_and_bad_requests_are_explained(invoke: Invoke) -> None:
    too_many = ask(
        invoke, "time-series/data", start_date="1900-01-01", end_date="2025-01-01", interval="hour"
    )
    bad_zone = ask(invoke, "statistics", tz="Mars/Olympus")
    bad_group = ask(invoke, "statistics", group_by="colour")
    backwards = ask(invoke, "statistics", start_date="2025-02-01", end_date="2025-01-01")

    assert too_many.status == 400 and "buckets" in too_many.body["detail"]
    assert bad_zone.status == 400 and "time zone" in bad_zone.body["detail"]
    assert bad_group.status == 400 and "colour" in bad_group.body["detail"]
    assert backwards.status == 400


def test_trends_against_the_previous_period_and_a_year_earlier(invoke: Invoke) -> None:
    load(
        [
            metric(value=100, timestamp="2024-03-10T10:00:00Z"),
            metric(value=50, timestamp="2025-02-10T10:00:00Z"),
            metric(value=80, timestamp="2025-03-10T10:00:00Z"),
        ]
    )
    period = {"start_date": "2025-03-01", "end_date": "2025-03-28"}  # 28 days; previous: 1-28 February

    previous = ask(invoke, "trends", **period).body["trends"]
    yearly = ask(invoke, "trends", compare="year", **period).body["trends"]

    assert [(t["current"], t["previous"], t["change"], t["change_percent"]) for t in previous] == [
        (80.0, 50.0, 30.0, 60.0)
    ]
    assert [(t["current"], t["previous"], t["change"], t["change_percent"]) for t in yearly] == [
        (80.0, 100.0, -20.0, -20.0)
    ]


def refresh_monthly_rollups() -> int:
    with get_engine().begin() as connection:
        return connection.execute(text(REFRESH_MONTHLY)).rowcount


def test_long_periods_read_monthly_rollups_only_while_their_days_are_unchanged(invoke: Invoke) -> None:
    load(
        [
            metric(value=float(1 + i % 50), timestamp=f"2025-0{1 + i % 3}-{1 + i % 28:02d}T10:00:00Z")
            for i in range(600)
        ]
    )
    assert refresh_monthly_rollups() == 3
    assert refresh_monthly_rollups() == 0  # nothing changed since
    quarter = {"start_date": "2025-01-01", "end_date": "2025-03-31"}
    honest = ask(invoke, "statistics", **quarter).body["groups"][0]
    # A monthly row that disagrees with its days shows whether it is read.
    with get_engine().begin() as connection:
        connection.execute(
            text("""UPDATE metric_rollups_monthly SET sketch = '{"2000": 200}' WHERE month = '2025-02-01'""")
        )
    statistics_service.forget_answers()

    with_marked_month = ask(invoke, "statistics", **quarter).body["groups"][0]
    load([metric(value=5.0, timestamp="2025-02-14T10:00:00Z", idempotency_key="late")])
    statistics_service.forget_answers()
    after_late_data = ask(invoke, "statistics", **quarter).body["groups"][0]

    assert honest["count"] == with_marked_month["count"] == 600
    assert with_marked_month["p50"] != honest["p50"]  # the fresh monthly row was read
    assert after_late_data["count"] == 601
    assert after_late_data["p50"] == pytest.approx(honest["p50"], rel=0.02)  # the stale one was not
    assert refresh_monthly_rollups() == 1


def test_a_day_of_one_series_reads_its_stored_quantiles_and_others_merge_sketches(invoke: Invoke) -> None:
    load([metric(value=float(v), timestamp=f"2025-07-0{1 + v % 2}T10:00:00Z") for v in range(1, 101)])
    with get_engine().begin() as connection:
        connection.execute(
            text("UPDATE metric_rollups_daily SET quantiles = '{10,20,30,40}' WHERE day = '2025-07-01'")
        )
    days = ask(invoke, "statistics", start_date="2025-07-01", end_date="2025-07-02", group_by="date").body
    whole = ask(invoke, "statistics", start_date="2025-07-01", end_date="2025-07-02").body

    first_day = days["groups"][0]
    assert (first_day["count"], first_day["p50"]) == (50, 10.0)  # stored, so read as stored
    assert days["groups"][1]["p50"] == pytest.approx(50.0, rel=0.03)  # computed from the sketch
    assert whole["groups"][0]["p50"] == pytest.approx(50.0, rel=0.03)  # two days: sketches merged


def test_aggregations_give_each_series_figures_per_period_of_the_level(invoke: Invoke) -> None:
    load(
        [
            metric(value=10, timestamp="2025-03-03T10:00:00Z"),
            metric(value=30, timestamp="2025-03-04T11:00:00Z", idempotency_key="b"),
            metric(
                "new_partner", value=1, unit="count", timestamp="2025-03-10T09:00:00Z", idempotency_key="c"
            ),
        ]
    )

    period = {"start_date": "2025-03-01", "end_date": "2025-03-16"}
    weekly = ask(invoke, "aggregations", level="week", **period).body
    daily = ask(invoke, "aggregations", limit="1", skip="1", **period).body

    assert weekly["total"] == 2
    assert [
        (a["metric_name"], a["period_start"], a["sum"], a["count"], a["unit"]) for a in weekly["items"]
    ] == [
        ("new_partner", "2025-03-10T00:00:00Z", 1.0, 1, "count"),
        ("donation_received", "2025-03-03T00:00:00Z", 40.0, 2, "USD"),
    ]
    assert weekly["items"][1]["avg"] == 20.0 and weekly["items"][1]["level"] == "week"
    assert daily["total"] == 3 and [a["period_start"][:10] for a in daily["items"]] == ["2025-03-04"]
