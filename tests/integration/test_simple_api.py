"""The simple API (spec/004) in-process against a real PostgreSQL: every example of the spec, figures
over the last hours computed by hand, and the development deletes."""

from __future__ import annotations

import datetime as dt
import platform
import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text

from analytics.db.engine import get_engine
from analytics.db.rollup_sql import REFRESH_MONTHLY
from analytics.enums import MetricType, ServiceName
from analytics.schemas.simple import SimpleMetricCreate
from analytics.services import simple as simple_service
from analytics.services.simple import SimpleApi
from analytics.settings import get_settings
from analytics.wiring import simple_unit_of_work
from functions.docs.handler import lambda_handler as docs_handler
from functions.metrics.handler import lambda_handler as metrics_handler
from functions.simple.handler import lambda_handler
from tests.conftest import reset_caches
from tests.integration.conftest import HttpResult, Invoke, load_event

METRIC_ID = re.compile(r"^metric_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
EVENT_ID = re.compile(r"^event_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
SPEC_METRIC: dict[str, Any] = {
    "metric_name": "page_views",
    "value": 150,
    "tags": {"page": "/dashboard", "user_type": "premium"},
}
SPEC_EVENT: dict[str, Any] = {
    "event_name": "user_signup",
    "user_id": "user_123",
    "properties": {"plan": "premium", "referral_source": "google"},
}
API = SimpleApi(service_name=ServiceName.EXTERNAL, metric_type=MetricType.CUSTOM, deletes_enabled=False)


def call(invoke: Invoke, sample: str, **overrides: Any) -> HttpResult:
    return invoke(lambda_handler, load_event(sample, **overrides))


def post_metric(invoke: Invoke, body: dict[str, Any], role: str | None = "service") -> HttpResult:
    return call(invoke, "simple_metrics_create", body=body, role=role)


def post_event(invoke: Invoke, body: dict[str, Any], role: str | None = "service") -> HttpResult:
    return call(invoke, "simple_events_create", body=body, role=role)


def summary(invoke: Invoke, name: str, **query: str) -> HttpResult:
    return call(invoke, "simple_metric_summary", path=f"/metrics/{name}", query=query or None)


def iso(moment: dt.datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def store(name: str, value: float, timestamp: dt.datetime) -> None:
    """A metric through the simple API's use case, at a chosen instant."""
    body = SimpleMetricCreate(metric_name=name, value=value, timestamp=timestamp)
    simple_service.track_metric(simple_unit_of_work(), API, body)


def store_for_another_service(invoke: Invoke, name: str, value: float, timestamp: dt.datetime) -> None:
    metric = {
        "service_name": "partners_crm",
        "metric_type": "donation",
        "metric_name": name,
        "value": value,
        "timestamp": iso(timestamp),
    }
    assert invoke(metrics_handler, load_event("metrics_create", body=metric)).status == 201


@pytest.fixture
def deletes_enabled(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("ENABLE_DEVELOPMENT_DELETES", "true")
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


# Health


@pytest.mark.parametrize("path", ["/health", "/health-check"])
def test_health_answers_the_spec_shape(invoke: Invoke, path: str) -> None:
    result = call(invoke, "simple_health", path=path)

    assert result.status == 200
    assert result.body == {
        "ok": True,
        "service": "analytics-service",
        "python_version": platform.python_version(),
    }


def test_health_is_503_with_ok_false_when_the_database_is_unreachable(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"postgresql://postgres@/postgres?host={tmp_path}")
    reset_caches()
    try:
        result = call(invoke, "simple_health")
    finally:
        monkeypatch.undo()
        reset_caches()

    assert result.status == 503
    assert result.body["ok"] is False
    assert result.body["service"] == "analytics-service"


# POST /metrics


def test_track_metric_answers_the_spec_shape_and_stores_tags_as_dimensions(invoke: Invoke) -> None:
    # When the spec's example is posted with a service token
    result = post_metric(invoke, SPEC_METRIC)

    # Then the answer has exactly the spec's fields
    assert result.status == 201
    assert list(result.body) == ["success", "metric_id", "metric_name", "value", "timestamp", "service"]
    assert result.body["success"] is True
    assert METRIC_ID.match(result.body["metric_id"])
    assert (result.body["metric_name"], result.body["value"]) == ("page_views", 150)
    assert result.body["service"] == "analytics-service"
    assert result.body["timestamp"].endswith("Z")
    # And the main API sees it as a custom metric of the external service, its tags as dimensions
    listed = invoke(metrics_handler, load_event("metrics_list", query={"service_name": "external"}))
    [stored] = listed.body["items"]
    assert f"metric_{stored['id']}" == result.body["metric_id"]
    assert (stored["metric_type"], stored["value"]) == ("custom", 150.0)
    assert stored["dimensions"] == {"page": "/dashboard", "user_type": "premium"}


@pytest.mark.parametrize(
    "body",
    [
        {"metric_name": "page_views", "value": 1, "tags": {"page": "/dashboard"}},
        {
            "metric_name": "api_response_time",
            "value": 125.5,
            "tags": {"endpoint": "/api/users", "method": "GET"},
        },
    ],
)
def test_the_spec_curl_examples_are_stored(invoke: Invoke, body: dict[str, Any]) -> None:
    result = post_metric(invoke, body)

    assert result.status == 201
    assert result.body["value"] == body["value"]


def test_track_metric_keeps_a_given_timestamp(invoke: Invoke) -> None:
    result = post_metric(invoke, {**SPEC_METRIC, "timestamp": "2025-10-30T12:34:56.789Z"})

    assert result.status == 201
    assert result.body["timestamp"] == "2025-10-30T12:34:56.789000Z"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"tags": {"user": {"id": 1}}}, ["body", "tags", "user"]),
        ({"value": "150"}, ["body", "value"]),
        ({"metric_name": "  "}, ["body", "metric_name"]),
        ({"tag": {"page": "/"}}, ["body", "tag"]),
    ],
)
def test_invalid_metrics_are_422_naming_the_field(
    invoke: Invoke, change: dict[str, Any], field: list[str]
) -> None:
    result = post_metric(invoke, {**SPEC_METRIC, **change})

    assert result.status == 422
    assert field in [error["loc"][: len(field)] for error in result.body["detail"]]


def test_writes_need_a_token_and_a_writing_role(invoke: Invoke) -> None:
    assert post_metric(invoke, SPEC_METRIC, role=None).status == 401
    assert post_event(invoke, SPEC_EVENT, role=None).status == 401
    assert call(invoke, "simple_metrics_delete", role=None).status == 401
    assert call(invoke, "simple_events_delete", role=None).status == 401
    assert post_metric(invoke, SPEC_METRIC, role="viewer").status == 403
    assert call(invoke, "simple_metrics_list").body == {"metrics": [], "count": 0}


# POST /events and GET /events


def test_track_event_answers_the_spec_shape(invoke: Invoke) -> None:
    result = post_event(invoke, SPEC_EVENT)

    assert result.status == 201
    assert list(result.body) == ["success", "event_id", "event_name", "timestamp", "service"]
    assert result.body["success"] is True
    assert EVENT_ID.match(result.body["event_id"])
    assert result.body["event_name"] == "user_signup"
    assert result.body["service"] == "analytics-service"


def test_the_spec_purchase_example_is_stored(invoke: Invoke) -> None:
    body = {
        "event_name": "purchase_completed",
        "user_id": "user_456",
        "properties": {"amount": 99.99, "currency": "USD", "items": 3},
    }

    created = post_event(invoke, body)
    listed = call(invoke, "simple_events_list", query={"event_name": "purchase_completed"})

    assert created.status == 201
    assert listed.body["events"][0]["properties"] == {"amount": 99.99, "currency": "USD", "items": 3}


def test_list_events_newest_first_with_count_and_total(invoke: Invoke) -> None:
    # Given three signups an hour apart and one other event
    base = dt.datetime.now(dt.UTC) - dt.timedelta(hours=5)
    ids = [
        post_event(
            invoke, {**SPEC_EVENT, "user_id": f"user_{i}", "timestamp": iso(base + dt.timedelta(hours=i))}
        ).body["event_id"]
        for i in range(3)
    ]
    post_event(invoke, {"event_name": "login"})

    # When the spec's example asks for signups, and then for the newest two
    signups = call(invoke, "simple_events_list", query={"event_name": "user_signup", "limit": "50"})
    newest = call(invoke, "simple_events_list", query={"event_name": "user_signup", "limit": "2"})
    everything = call(invoke, "simple_events_list", query={"limit": "100"})

    # Then they come newest first, with `count` in this answer and `total` matching
    assert signups.status == 200
    assert list(signups.body) == ["events", "count", "total"]
    assert [event["id"] for event in signups.body["events"]] == ids[::-1]
    assert signups.body["events"][0] == {
        "id": ids[2],
        "event_name": "user_signup",
        "user_id": "user_2",
        "properties": SPEC_EVENT["properties"],
        "timestamp": iso(base + dt.timedelta(hours=2)),
    }
    assert (signups.body["count"], signups.body["total"]) == (3, 3)
    assert [event["id"] for event in newest.body["events"]] == ids[:0:-1]
    assert (newest.body["count"], newest.body["total"]) == (2, 3)
    assert (everything.body["count"], everything.body["total"]) == (4, 4)


@pytest.mark.parametrize("limit", ["0", "1001", "many"])
def test_event_limit_outside_1_to_1000_is_422(invoke: Invoke, limit: str) -> None:
    result = call(invoke, "simple_events_list", query={"limit": limit})

    assert result.status == 422
    assert result.body["detail"][0]["loc"] == ["query", "limit"]


# GET /metrics and GET /dashboard


def test_metric_names_are_the_simple_apis_own_sorted(invoke: Invoke) -> None:
    # Given metrics of three names, one repeated, and another service's metric
    for name in ("response_time", "page_views", "api_calls", "page_views"):
        assert post_metric(invoke, {"metric_name": name, "value": 1}).status == 201
    store_for_another_service(invoke, "donations", 5.0, dt.datetime.now(dt.UTC))

    result = call(invoke, "simple_metrics_list")

    assert result.status == 200
    assert result.body == {"metrics": ["api_calls", "page_views", "response_time"], "count": 3}


def test_dashboard_counts_the_simple_apis_metrics_and_every_event(invoke: Invoke) -> None:
    for name in ("page_views", "page_views", "api_calls"):
        post_metric(invoke, {"metric_name": name, "value": 2})
    store_for_another_service(invoke, "donations", 5.0, dt.datetime.now(dt.UTC))
    post_event(invoke, SPEC_EVENT)
    post_event(invoke, {"event_name": "login"})

    result = call(invoke, "simple_dashboard")

    assert result.status == 200
    assert list(result.body) == [
        "total_metrics_tracked",
        "unique_metric_types",
        "total_events_tracked",
        "metric_names",
        "timestamp",
    ]
    assert result.body["total_metrics_tracked"] == 3
    assert result.body["unique_metric_types"] == 2
    assert result.body["total_events_tracked"] == 2
    assert result.body["metric_names"] == ["api_calls", "page_views"]
    moment = dt.datetime.fromisoformat(result.body["timestamp"])
    assert abs(moment - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)


# GET /metrics/{name}?hours=N


def test_figures_over_the_last_hours_leave_out_older_future_and_foreign_metrics(invoke: Invoke) -> None:
    # Given page_views at these ages (hours) and values, and another service's page_views
    now = dt.datetime.now(dt.UTC)
    for age, value in ((1 / 6, 10.0), (2, 20.5), (5.5, -4.0), (23, 7.0), (25, 1000.0), (-1, 500.0)):
        store("page_views", value, now - dt.timedelta(hours=age))
    store_for_another_service(invoke, "page_views", 99.0, now - dt.timedelta(hours=1))

    # When the figures of the last 24 hours (the default), 1 hour and 26 hours are asked for
    day = summary(invoke, "page_views")
    hour = summary(invoke, "page_views", hours="1")
    longer = summary(invoke, "page_views", hours="26")

    # Then each counts only its own window's values: by hand, 10 + 20.5 - 4 + 7 = 33.5 over 4
    assert day.status == 200
    assert list(day.body) == [
        "metric_name",
        "count",
        "sum",
        "average",
        "min",
        "max",
        "period_start",
        "period_end",
    ]
    assert {key: day.body[key] for key in ("metric_name", "count", "sum", "average", "min", "max")} == {
        "metric_name": "page_views",
        "count": 4,
        "sum": 33.5,
        "average": 8.375,
        "min": -4.0,
        "max": 20.5,
    }
    start, end = (dt.datetime.fromisoformat(day.body[key]) for key in ("period_start", "period_end"))
    assert end - start == dt.timedelta(hours=24)
    assert abs(end - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)
    assert (hour.body["count"], hour.body["sum"], hour.body["min"], hour.body["max"]) == (1, 10.0, 10.0, 10.0)
    assert (longer.body["count"], longer.body["sum"], longer.body["max"]) == (5, 1033.5, 1000.0)
    assert longer.body["average"] == pytest.approx(206.7)


def test_figures_of_a_metric_without_values_are_zero_and_null(invoke: Invoke) -> None:
    result = summary(invoke, "never_sent", hours="168")

    assert result.status == 200
    assert {key: result.body[key] for key in ("count", "sum", "average", "min", "max")} == {
        "count": 0,
        "sum": 0,
        "average": None,
        "min": None,
        "max": None,
    }


@pytest.mark.parametrize("hours", ["0", "-1", "26281", "1.5", "day"])
def test_hours_outside_1_to_three_years_is_422(invoke: Invoke, hours: str) -> None:
    result = summary(invoke, "page_views", hours=hours)

    assert result.status == 422
    assert result.body["detail"][0]["loc"] == ["query", "hours"]


def test_three_years_is_the_longest_period(invoke: Invoke) -> None:
    assert summary(invoke, "page_views", hours="26280").status == 200


@pytest.mark.parametrize(
    ("now", "inside", "outside"),
    [
        (
            # Period 07:30-10:30: partial hours at both ends come from raw rows, 08:00-10:00 from rollups.
            dt.datetime(2025, 12, 24, 10, 30, tzinfo=dt.UTC),
            [
                "07:30:00",
                "07:59:59.999999",
                "08:00:00",
                "09:15:00",
                "09:59:59.999999",
                "10:00:00",
                "10:29:59",
            ],
            ["07:29:59.999999", "10:30:00", "06:45:00", "11:00:00"],
        ),
        (
            # Period 07:00-10:00 on whole hours: everything from the rollups.
            dt.datetime(2025, 12, 24, 10, 0, tzinfo=dt.UTC),
            ["07:00:00", "08:30:00", "09:59:59.999999"],
            ["06:59:59.999999", "10:00:00", "10:00:01"],
        ),
        (
            # Period 07:20-10:20: no whole hour is cut in two, every part is used.
            dt.datetime(2025, 12, 24, 10, 20, tzinfo=dt.UTC),
            ["07:20:00", "07:59:00", "08:00:00", "10:00:00", "10:19:59"],
            ["07:19:59", "10:20:00"],
        ),
    ],
)
def test_period_bounds_are_exact_whether_from_rollups_or_raw_rows(
    now: dt.datetime, inside: list[str], outside: list[str]
) -> None:
    # Given a metric at each instant, valued 1, 2, 4, ... so that the sum names the instants counted
    day = now.date().isoformat()
    instants = [dt.datetime.fromisoformat(f"{day}T{clock}+00:00") for clock in inside + outside]
    for i, instant in enumerate(instants):
        store("latency", float(2**i), instant)

    # When the figures of the three hours before `now` are computed
    result = simple_service.metric_summary(simple_unit_of_work(), API, "latency", 3, now)

    # Then exactly the instants inside [now - 3 h, now) count
    values = [float(2**i) for i in range(len(inside))]
    assert (result.count, result.sum) == (len(inside), sum(values))
    assert (result.min, result.max) == (min(values), max(values))
    assert result.average == pytest.approx(sum(values) / len(values))
    assert (result.period_start, result.period_end) == (now - dt.timedelta(hours=3), now)


@pytest.mark.parametrize(("name", "encoded"), [("page views", "page%20views"), ("api/users", "api%2Fusers")])
def test_names_with_spaces_or_slashes_are_percent_encoded_in_the_path(
    invoke: Invoke, name: str, encoded: str
) -> None:
    post_metric(invoke, {"metric_name": name, "value": 3})

    result = summary(invoke, encoded)

    assert result.status == 200
    assert (result.body["metric_name"], result.body["count"]) == (name, 1)


# DELETE /metrics/{name} and DELETE /events


def test_development_deletes_are_refused_by_default(invoke: Invoke) -> None:
    post_metric(invoke, SPEC_METRIC)
    post_event(invoke, SPEC_EVENT)

    metric = call(invoke, "simple_metrics_delete")
    events = call(invoke, "simple_events_delete")

    assert (metric.status, events.status) == (403, 403)
    assert "ENABLE_DEVELOPMENT_DELETES" in metric.body["detail"]
    assert "ENABLE_DEVELOPMENT_DELETES" in events.body["detail"]
    assert summary(invoke, "page_views").body["count"] == 1
    assert call(invoke, "simple_events_list").body["total"] == 1


ROLLUP_AND_RAW_COUNTS = """
SELECT 'hourly', service_name::text, metric_name, sum(count) FROM metric_rollups_hourly GROUP BY 2, 3
UNION ALL
SELECT 'daily', service_name::text, metric_name, sum(count) FROM metric_rollups_daily GROUP BY 2, 3
UNION ALL
SELECT 'monthly', service_name::text, metric_name, sum(count) FROM metric_rollups_monthly GROUP BY 2, 3
UNION ALL
SELECT 'raw', service_name::text, metric_name, count(*) FROM metrics GROUP BY 2, 3
"""


def rollup_counts() -> dict[tuple[str, str, str], int]:
    """Metrics counted by each rollup table per (table, service, name)."""
    with get_engine().connect() as connection:
        rows = connection.execute(text(ROLLUP_AND_RAW_COUNTS))
        return {(table, service, name): int(count) for table, service, name, count in rows}


@pytest.mark.usefixtures("deletes_enabled")
def test_clearing_a_metric_deletes_its_metrics_and_rollups_only(invoke: Invoke) -> None:
    # Given page_views over two days, api_calls in the same hours, and another service's page_views
    now = dt.datetime.now(dt.UTC)
    for hours_ago in (1, 1, 30):
        store("page_views", 5.0, now - dt.timedelta(hours=hours_ago))
        store("api_calls", 2.0, now - dt.timedelta(hours=hours_ago))
    store_for_another_service(invoke, "page_views", 99.0, now - dt.timedelta(hours=1))
    with get_engine().begin() as connection:  # the daily maintenance's monthly rollups
        connection.execute(text(REFRESH_MONTHLY))

    # When an admin clears page_views
    result = call(invoke, "simple_metrics_delete")

    # Then its three metrics and every rollup of them are gone, and nothing else
    assert result.status == 200
    assert result.body == {"success": True, "metric_name": "page_views", "deleted": 3}
    assert call(invoke, "simple_metrics_list").body["metrics"] == ["api_calls"]
    assert summary(invoke, "page_views", hours="48").body["count"] == 0
    counts = rollup_counts()
    assert {key: count for key, count in counts.items() if key[2] == "page_views"} == {
        ("hourly", "partners_crm", "page_views"): 1,
        ("daily", "partners_crm", "page_views"): 1,
        ("monthly", "partners_crm", "page_views"): 1,
        ("raw", "partners_crm", "page_views"): 1,
    }
    tables = ("hourly", "daily", "monthly", "raw")
    assert [counts[(table, "external", "api_calls")] for table in tables] == [3, 3, 3, 3]
    # And the name can be tracked again
    assert post_metric(invoke, SPEC_METRIC).status == 201
    assert summary(invoke, "page_views").body["count"] == 1


@pytest.mark.usefixtures("deletes_enabled")
def test_clearing_an_unknown_metric_is_404(invoke: Invoke) -> None:
    result = call(invoke, "simple_metrics_delete", path="/metrics/never_sent")

    assert result.status == 404
    assert "never_sent" in result.body["detail"]


@pytest.mark.usefixtures("deletes_enabled")
def test_clearing_events_deletes_every_event(invoke: Invoke) -> None:
    post_event(invoke, SPEC_EVENT)
    post_event(invoke, {"event_name": "login", "user_id": "user_9"})

    result = call(invoke, "simple_events_delete")

    assert result.status == 200
    assert result.body == {"success": True, "deleted": 2}
    assert call(invoke, "simple_events_list").body == {"events": [], "count": 0, "total": 0}
    assert call(invoke, "simple_dashboard").body["total_events_tracked"] == 0


@pytest.mark.usefixtures("deletes_enabled")
def test_development_deletes_need_the_admin_role(invoke: Invoke) -> None:
    post_metric(invoke, SPEC_METRIC)

    result = call(invoke, "simple_metrics_delete", role="service")

    assert result.status == 403
    assert "admin" in result.body["detail"]
    assert summary(invoke, "page_views").body["count"] == 1


# The API document


def test_the_openapi_document_describes_the_simple_api(invoke: Invoke) -> None:
    result = invoke(docs_handler, load_event("docs_openapi"))

    paths = result.body["paths"]
    assert {"/health", "/health-check", "/metrics", "/metrics/{metric_name}", "/events", "/dashboard"} <= set(
        paths
    )
    assert set(paths["/metrics"]) == {"get", "post"}
    assert set(paths["/metrics/{metric_name}"]) == {"get", "delete"}
    assert set(paths["/events"]) == {"get", "post", "delete"}
    assert paths["/metrics"]["post"]["security"] == [{"bearerAuth": []}]
    assert "null" in paths["/metrics/{metric_name}"]["get"]["description"]
    schemas = result.body["components"]["schemas"]
    assert schemas["SimpleMetricCreate"]["examples"][0]["tags"] == SPEC_METRIC["tags"]
    assert schemas["SimpleMetricSummary"]["examples"][0]["average"] == 150.0
