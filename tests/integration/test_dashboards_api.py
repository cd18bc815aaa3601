"""Dashboards in-process against PostgreSQL: CRUD, who sees what, one default per type, config checked on
save, and every widget's data for a period and time zone checked against metrics stored here."""

from __future__ import annotations

import base64
import copy
import datetime as dt
import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import text

from analytics.auth import Principal
from analytics.db.engine import get_engine
from analytics.enums import Role
from analytics.schemas.dashboards import DashboardUpdate
from analytics.services import dashboards as dashboard_service
from analytics.settings import get_settings
from analytics.wiring import unit_of_work
from analytics_infra.local.demo_dashboards import DEMO_DASHBOARDS, DEMO_USER, load_demo_dashboards
from analytics_infra.local.functions import Functions
from functions.dashboards.handler import lambda_handler as dashboards_api
from functions.metrics.handler import lambda_handler as metrics_api
from tests.demo_data import demo_metrics
from tests.integration.conftest import HttpResult, Invoke, load_event

BASE = "/api/v1/dashboards"
NEW_YORK = "America/New_York"

# (service, type, name, value, UTC timestamp, dimensions). January 2026 in New York is UTC-5; 5 January
# is a Monday. The local days 5 and 6 January hold the rows marked "in".
METRICS = [
    ("partners_crm", "donation", "donation_received", 300.0, "2026-01-04T15:00:00Z", {"country": "US"}),
    ("partners_crm", "donation", "donation_received", 1000.0, "2026-01-05T03:00:00Z", {"country": "US"}),
    ("partners_crm", "donation", "donation_received", 100.0, "2026-01-05T15:00:00Z", {"country": "US"}),  # in
    ("partners_crm", "donation", "donation_received", 50.0, "2026-01-06T02:00:00Z", {"country": "DE"}),  # in
    ("partners_crm", "donation", "donation_received", 200.0, "2026-01-06T16:00:00Z", {"country": "US"}),  # in
    ("partners_crm", "donation", "donation_received", 25.0, "2026-01-07T04:00:00Z", {"country": "US"}),  # in
    ("partners_crm", "donation", "donation_received", 500.0, "2026-01-07T06:00:00Z", {"country": "US"}),
    (
        "projects",
        "beneficiary",
        "beneficiaries_reached",
        40.0,
        "2026-01-05T12:00:00Z",
        {"project_type": "water"},
    ),
    (
        "projects",
        "beneficiary",
        "beneficiaries_reached",
        60.0,
        "2026-01-06T12:00:00Z",
        {"project_type": "health"},
    ),
    (
        "projects",
        "beneficiary",
        "beneficiaries_reached",
        5.0,
        "2026-01-06T13:00:00Z",
        {"project_type": "water"},
    ),
]


def request(
    invoke: Invoke,
    method: str,
    path: str = BASE,
    *,
    body: Any = None,
    query: dict[str, str] | None = None,
    user: str | None = "analyst-a",
    role: str = "analyst",
) -> HttpResult:
    """An HTTP API event as API Gateway sends it; `user` None for a caller without a token."""
    overrides: dict[str, Any] = {"path": path, "query": query}
    if body is not None:
        overrides["body"] = body
    event = load_event("reports_get", **overrides)
    event["requestContext"]["http"]["method"] = method
    route = f"{BASE}/{{proxy+}}" if path.rstrip("/") != BASE else BASE
    event["routeKey"] = event["requestContext"]["routeKey"] = f"{method} {route}"
    if user is not None:
        event["requestContext"]["authorizer"] = {
            "jwt": {"claims": {"sub": user, "roles": f"[{role}]"}, "scopes": None}
        }
    return invoke(dashboards_api, event)


def store_metrics(invoke: Invoke) -> list[str]:
    metrics = [
        {
            "service_name": service,
            "metric_type": metric_type,
            "metric_name": name,
            "value": value,
            "timestamp": timestamp,
            "dimensions": dimensions,
        }
        for service, metric_type, name, value, timestamp, dimensions in METRICS
    ]
    result = invoke(metrics_api, load_event("metrics_bulk", body={"metrics": metrics}))
    assert result.status == 201, result.body
    return [item["id"] for item in result.body["items"]]


def store_goals() -> None:
    """Goals as the goals table holds them (their API comes later)."""
    with get_engine().begin() as connection:
        connection.execute(
            text(
                "INSERT INTO goals (name, metric_type, target_value, current_value, unit, start_date, "
                "end_date, status, progress_percentage) VALUES "
                "('January giving', 'donation', 10000, 2500, 'USD', '2026-01-01', '2026-01-31', 'active', "
                "25),"
                "('Reach 5,000 people', 'beneficiary', 5000, 1000, 'people', '2026-01-01', '2026-03-31', "
                "'active', 20),"
                "('Last year', 'donation', 100, 100, 'USD', '2025-01-01', '2025-12-31', 'achieved', 100)"
            )
        )


def widget(widget_id: str, kind: str, query: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "id": widget_id,
        "title": widget_id.replace("-", " ").title(),
        "type": kind,
        "query": query,
        "layout": {"x": 0, "y": 0, "w": 6, "h": 4},
        **extra,
    }


SIX_WIDGETS = [
    widget("donations", "number", {"metric_name": "donation_received", "compare": "previous"}),
    widget("donations-per-day", "line", {"metric_name": "donation_received", "interval": "day"}),
    widget("by-country", "pie", {"metric_name": "donation_received", "group_by": ["dimensions.country"]}),
    widget("when", "heatmap", {"metric_name": "donation_received"}),
    widget(
        "reached-by-type",
        "table",
        {"metric_name": "beneficiaries_reached", "group_by": ["dimensions.project_type"]},
    ),
    widget("giving-goals", "goal", {"metric_type": "donation"}),
]


def dashboard(**fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Fundraising",
        "dashboard_type": "partner",
        "config": {
            "filters": {"start_date": "2026-01-05", "end_date": "2026-01-06", "tz": NEW_YORK},
            "widgets": copy.deepcopy(SIX_WIDGETS),
        },
    }
    return {**body, **fields}


def create(invoke: Invoke, body: dict[str, Any], **who: Any) -> dict[str, Any]:
    result = request(invoke, "POST", body=body, **who)
    assert result.status == 201, result.body
    return dict(result.body)


def by_id(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["id"]: entry for entry in data["widgets"]}


def test_six_widgets_of_different_types_answer_for_the_dashboards_period_and_zone(invoke: Invoke) -> None:
    store_metrics(invoke)
    store_goals()
    created = create(invoke, dashboard(is_public=True))

    result = request(invoke, "GET", f"{BASE}/{created['id']}/data", user=None)

    assert result.status == 200, result.body
    data = result.body
    assert data["tz"] == NEW_YORK
    assert data["start"] == "2026-01-05T00:00:00-05:00" and data["end"] == "2026-01-07T00:00:00-05:00"
    widgets = by_id(data)
    assert list(widgets) == [w["id"] for w in SIX_WIDGETS]
    assert all(entry["error"] is None for entry in widgets.values()), widgets

    number = widgets["donations"]["data"]
    assert (number["value"], number["count"]) == (375.0, 4)  # New York's 5 and 6 January
    assert number["previous"] == 1300.0  # 3 and 4 January, local
    assert number["change"] == -925.0 and number["change_percent"] == pytest.approx(-925 / 1300 * 100)

    line = widgets["donations-per-day"]["data"]
    assert line["labels"] == ["2026-01-05T00:00:00-05:00", "2026-01-06T00:00:00-05:00"]
    assert line["series"][0]["data"] == [150.0, 225.0]

    pie = widgets["by-country"]["data"]
    assert dict(zip(pie["labels"], pie["data"], strict=True)) == {"US": 325.0, "DE": 50.0}
    assert dict(zip(pie["labels"], pie["percentages"], strict=True))["DE"] == pytest.approx(50 / 375 * 100)

    heatmap = widgets["when"]["data"]
    monday, tuesday = heatmap["data"][0], heatmap["data"][1]
    assert (monday[10], monday[21], tuesday[11], tuesday[23]) == (100.0, 50.0, 200.0, 25.0)
    assert sum(v for row in heatmap["data"] for v in row if v is not None) == 375.0

    table = widgets["reached-by-type"]["data"]
    assert [(row["group"]["dimensions.project_type"], row["sum"]) for row in table["rows"]] == [
        ("health", 60.0),
        ("water", 45.0),
    ]
    assert table["total_rows"] == 2 and table["rows"][1]["count"] == 2

    goals = widgets["giving-goals"]["data"]["goals"]
    assert [(g["name"], g["target_value"], g["progress_percentage"]) for g in goals] == [
        ("January giving", 10000.0, 25.0)
    ]
    assert 0 <= goals[0]["elapsed_percentage"] <= 100 and isinstance(goals[0]["on_track"], bool)


def test_the_requests_period_and_zone_override_the_dashboards_for_every_widget(invoke: Invoke) -> None:
    store_metrics(invoke)
    created = create(invoke, dashboard(is_public=True))

    result = request(
        invoke,
        "GET",
        f"{BASE}/{created['id']}/data",
        query={"start_date": "2026-01-05", "end_date": "2026-01-06", "tz": "UTC"},
    )

    assert result.status == 200, result.body
    widgets = by_id(result.body)
    assert widgets["donations"]["data"]["value"] == 1350.0  # UTC days: 1000 + 100 + 50 + 200
    assert widgets["donations-per-day"]["data"]["series"][0]["data"] == [1100.0, 250.0]
    assert dt.datetime.fromisoformat(widgets["donations-per-day"]["start"]) == dt.datetime(
        2026, 1, 5, tzinfo=dt.UTC
    )


def test_bar_and_area_widgets_and_dimension_filters(invoke: Invoke) -> None:
    store_metrics(invoke)
    widgets = [
        widget("bar", "bar", {"metric_name": "donation_received", "group_by": ["dimensions.country"]}),
        widget(
            "area",
            "area",
            {"metric_name": "donation_received", "interval": "day"},
            filters={"dimensions": {"country": "US"}},
        ),
    ]
    body = dashboard(
        config={
            "filters": {"start_date": "2026-01-05", "end_date": "2026-01-06", "tz": NEW_YORK},
            "widgets": widgets,
        }
    )
    created = create(invoke, body)

    data = by_id(request(invoke, "GET", f"{BASE}/{created['id']}/data").body)

    assert dict(zip(data["bar"]["data"]["labels"], data["bar"]["data"]["data"], strict=True)) == {
        "US": 325.0,
        "DE": 50.0,
    }
    area = data["area"]["data"]
    assert area["stacked"] is True and area["series"][0]["data"] == [100.0, 225.0]  # no DE gift


def test_another_users_private_dashboard_is_not_found_and_not_listed(invoke: Invoke) -> None:
    store_metrics(invoke)
    private = create(invoke, dashboard(name="Mine"), user="analyst-a")
    public = create(invoke, dashboard(name="Everyone's", is_public=True), user="analyst-a")
    path = f"{BASE}/{private['id']}"

    assert request(invoke, "GET", path, user="viewer-b", role="viewer").status == 404
    assert request(invoke, "GET", f"{path}/data", user="viewer-b", role="viewer").status == 404
    assert request(invoke, "GET", path, user=None).status == 404
    listed = request(invoke, "GET", user="viewer-b", role="viewer").body
    assert [d["id"] for d in listed["items"]] == [public["id"]] and listed["total"] == 1
    assert request(invoke, "GET", f"{BASE}/public", user=None).body["total"] == 1

    assert request(invoke, "GET", path, user="analyst-a").status == 200
    assert request(invoke, "GET", path, user="admin-c", role="admin").status == 200
    assert request(invoke, "GET", user="admin-c", role="admin").body["total"] == 2
    mine = request(invoke, "GET", query={"is_public": "false"}, user="analyst-a").body
    assert [d["id"] for d in mine["items"]] == [private["id"]]
    # Changing it is no different: it does not exist for others.
    assert request(invoke, "PUT", path, body={"name": "x"}, user="analyst-b").status == 404
    assert request(invoke, "DELETE", path, user="analyst-b").status == 404


def through_the_optional_authorizer(invoke: Invoke, path: str, context: dict[str, Any]) -> HttpResult:
    """A read on an open-reads deployment, where the optional Lambda authorizer passes its context."""
    event = load_event("reports_get", path=path, query=None)
    route = f"{BASE}/{{proxy+}}" if path.rstrip("/") != BASE else BASE
    event["routeKey"] = event["requestContext"]["routeKey"] = f"GET {route}"
    event["requestContext"]["authorizer"] = {"lambda": context}
    return invoke(dashboards_api, event)


def test_the_owner_sees_a_private_dashboard_through_the_optional_authorizers_context(invoke: Invoke) -> None:
    # Given a private dashboard of analyst-a
    store_metrics(invoke)
    private = create(invoke, dashboard(name="Mine"), user="analyst-a")
    path = f"{BASE}/{private['id']}"

    # When its owner reads it with a token, the Lambda authorizer's context naming them (roles as a string)
    owner = {"sub": "analyst-a", "roles": "analyst"}
    found = through_the_optional_authorizer(invoke, path, owner)
    data = through_the_optional_authorizer(invoke, f"{path}/data", owner)
    listed = through_the_optional_authorizer(invoke, BASE, owner)

    # Then they see it, its widgets and it in their list; anonymous (empty context) and others do not
    assert found.status == 200 and found.body["id"] == private["id"]
    assert data.status == 200 and len(data.body["widgets"]) == len(SIX_WIDGETS)
    assert [d["id"] for d in listed.body["items"]] == [private["id"]]
    assert through_the_optional_authorizer(invoke, path, {}).status == 404
    assert through_the_optional_authorizer(invoke, path, {"sub": "viewer-b", "roles": "viewer"}).status == 404
    admin = through_the_optional_authorizer(invoke, path, {"sub": "admin-c", "roles": "viewer admin"})
    assert admin.status == 200


def test_a_token_never_reads_less_than_no_token(invoke: Invoke) -> None:
    # Given a public dashboard
    store_metrics(invoke)
    public = create(invoke, dashboard(name="Open", is_public=True), user="analyst-a")
    path = f"{BASE}/{public['id']}"

    # When callers whose valid tokens name no known role read it, and the list of public dashboards
    for context in ({"sub": "nobody", "roles": ""}, {"sub": "guest"}):
        found = through_the_optional_authorizer(invoke, path, context)
        data = through_the_optional_authorizer(invoke, f"{path}/data", context)
        listed = through_the_optional_authorizer(invoke, f"{BASE}/public", context)

        # Then they read what an anonymous caller reads
        assert (found.status, data.status, listed.status) == (200, 200, 200), context
        assert listed.body == through_the_optional_authorizer(invoke, f"{BASE}/public", {}).body


def test_a_roles_list_element_holding_a_space_grants_no_role(invoke: Invoke) -> None:
    # Given a verified token whose roles claim is ["viewer admin"], which API Gateway flattens to
    # "[viewer admin]", the same text as ["viewer", "admin"]
    payload = {"sub": "eve", "exp": 1900000000, "roles": ["viewer admin"]}
    encoded = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")
    event = load_event("reports_get", path=BASE, query=None, body=dashboard(name="Eve's"))
    event["requestContext"]["http"]["method"] = "POST"
    event["routeKey"] = event["requestContext"]["routeKey"] = f"POST {BASE}"
    event["headers"]["authorization"] = f"Bearer eyJhbGciOiJSUzI1NiJ9.{encoded}.signature"
    event["requestContext"]["authorizer"] = {
        "jwt": {"claims": {"sub": "eve", "exp": "1900000000", "roles": "[viewer admin]"}, "scopes": None}
    }

    # When it creates a dashboard, which needs the analyst or admin role
    answer = invoke(dashboards_api, event)

    # Then it is refused: the token's list names no role
    assert answer.status == 403, answer.body


def test_a_bad_widget_is_a_422_naming_the_widget_and_the_problem(invoke: Invoke) -> None:
    store_metrics(invoke)

    unknown = dashboard()
    unknown["config"]["widgets"][1]["query"]["metric_name"] = "donations_recieved"
    result = request(invoke, "POST", body=unknown)
    assert result.status == 422, result.body
    (problem,) = result.body["detail"]
    assert problem["loc"] == ["body", "config", "widgets", 1, "query", "metric_name"]
    assert "widget 'donations-per-day' (line)" in problem["msg"] and "'donations_recieved'" in problem["msg"]

    wrong_service = dashboard()
    wrong_service["config"]["widgets"][0]["query"]["service_name"] = "projects"
    result = request(invoke, "POST", body=wrong_service)
    assert result.status == 422
    assert "stored as partners_crm/donation" in result.body["detail"][0]["msg"]

    bad_option = dashboard()
    bad_option["config"]["widgets"][2]["query"]["agg"] = "avg"
    result = request(invoke, "POST", body=bad_option)
    assert result.status == 422
    assert any(
        "widget 'by-country' (pie): a pie chart shows shares of a whole" in entry["msg"]
        for entry in result.body["detail"]
    ), result.body

    misplaced = dashboard()
    misplaced["config"]["widgets"][0]["query"]["interval"] = "hour"
    result = request(invoke, "POST", body=misplaced)
    assert result.status == 422
    assert any("interval does not apply to a number widget" in e["msg"] for e in result.body["detail"])

    unknown_agg = dashboard()
    unknown_agg["config"]["widgets"][3]["query"]["agg"] = "median"
    result = request(invoke, "POST", body=unknown_agg)
    assert result.status == 422
    assert result.body["detail"][0]["loc"][:4] == ["body", "config", "widgets", 3]

    assert request(invoke, "GET", user="admin-c", role="admin").body["total"] == 0
    # An update is checked the same way.
    created = create(invoke, dashboard())
    result = request(invoke, "PUT", f"{BASE}/{created['id']}", body={"config": unknown["config"]})
    assert result.status == 422 and "donations_recieved" in result.body["detail"][0]["msg"]


def test_a_second_default_for_a_type_unsets_the_first(invoke: Invoke) -> None:
    store_metrics(invoke)
    admin: dict[str, Any] = {"user": "admin-c", "role": "admin"}
    first = create(invoke, dashboard(name="First", is_default=True, is_public=True), **admin)
    other_type = create(
        invoke, dashboard(name="Projects", dashboard_type="project", is_default=True, is_public=True), **admin
    )

    second = create(invoke, dashboard(name="Second", is_default=True, is_public=True), **admin)

    assert second["is_default"] is True
    assert request(invoke, "GET", f"{BASE}/{first['id']}").body["is_default"] is False
    assert request(invoke, "GET", f"{BASE}/default/partner", user=None).body["id"] == second["id"]
    assert request(invoke, "GET", f"{BASE}/default/project").body["id"] == other_type["id"]
    defaults = request(invoke, "GET", query={"is_default": "true"}).body["items"]
    assert sorted(d["name"] for d in defaults) == ["Projects", "Second"]

    result = request(invoke, "PUT", f"{BASE}/{first['id']}", body={"is_default": True}, **admin)
    assert result.status == 200 and result.body["is_default"] is True
    assert request(invoke, "GET", f"{BASE}/{second['id']}").body["is_default"] is False
    assert request(invoke, "GET", f"{BASE}/default/partner").body["id"] == first["id"]
    assert request(invoke, "GET", f"{BASE}/default/social_media").status == 404


def test_defaults_set_at_the_same_time_leave_exactly_one(invoke: Invoke) -> None:
    store_metrics(invoke)
    admin = Principal("admin-c", frozenset({Role.ADMIN}))
    ids = [
        uuid.UUID(create(invoke, dashboard(name=f"D{n}", is_public=True), user="admin-c", role="admin")["id"])
        for n in range(6)
    ]

    def make_default(dashboard_id: uuid.UUID) -> bool:
        update = DashboardUpdate(is_default=True)
        return dashboard_service.update_dashboard(unit_of_work(), dashboard_id, update, admin).is_default

    with ThreadPoolExecutor(max_workers=len(ids)) as pool:
        answers = list(pool.map(make_default, ids * 3))

    assert all(answers)  # none failed on the unique index: the type's lock orders them
    listed = request(invoke, "GET", query={"dashboard_type": "partner", "is_default": "true"}).body
    assert listed["total"] == 1


def test_who_may_write(invoke: Invoke) -> None:
    store_metrics(invoke)
    public = create(invoke, dashboard(is_public=True), user="analyst-a")
    path = f"{BASE}/{public['id']}"

    assert request(invoke, "POST", body=dashboard(), user=None).status == 401
    assert request(invoke, "POST", body=dashboard(), user="viewer-b", role="viewer").status == 403
    assert request(invoke, "PUT", path, body={"name": "Mine now"}, user="analyst-b").status == 403
    assert request(invoke, "DELETE", path, user="analyst-b").status == 403
    result = request(invoke, "POST", body=dashboard(is_default=True, is_public=True))
    assert result.status == 403 and "admin" in result.body["detail"]
    result = request(invoke, "POST", body=dashboard(is_default=True), user="admin-c", role="admin")
    assert result.status == 400 and "public" in result.body["detail"]

    renamed = request(invoke, "PUT", path, body={"name": "Giving", "description": None}, user="analyst-a")
    assert renamed.status == 200 and renamed.body["name"] == "Giving"
    assert renamed.body["config"] == public["config"]  # untouched
    assert request(invoke, "PUT", path, body={"is_public": False}, user="admin-c", role="admin").status == 200
    assert request(invoke, "DELETE", path, user="analyst-a").status == 204
    assert request(invoke, "GET", path, user="admin-c", role="admin").status == 404


def test_a_widget_whose_metric_was_deleted_since_gets_an_error_and_the_others_answer(invoke: Invoke) -> None:
    ids = store_metrics(invoke)
    created = create(invoke, dashboard(is_public=True))
    for metric_id in ids[7:]:  # every beneficiaries_reached row
        event = load_event("metrics_delete", path=f"/api/v1/metrics/{metric_id}")
        assert invoke(metrics_api, event).status == 204

    result = request(invoke, "GET", f"{BASE}/{created['id']}/data")

    assert result.status == 200, result.body
    widgets = by_id(result.body)
    failed = widgets["reached-by-type"]
    assert failed["data"] is None and failed["error"]["status"] == 404
    assert "beneficiaries_reached" in failed["error"]["detail"]
    assert widgets["donations"]["data"]["value"] == 375.0 and widgets["donations"]["error"] is None


def test_a_widget_that_cannot_be_answered_for_the_period_fails_alone(invoke: Invoke) -> None:
    store_metrics(invoke)
    hourly = widget("hourly", "line", {"metric_name": "donation_received", "interval": "hour"})
    body = dashboard(config={"widgets": [hourly, SIX_WIDGETS[0]]})
    created = create(invoke, body)

    result = request(
        invoke,
        "GET",
        f"{BASE}/{created['id']}/data",
        query={"start_date": "2020-01-01", "end_date": "2026-01-06"},
    )

    widgets = by_id(result.body)
    assert widgets["hourly"]["error"]["status"] == 400 and "buckets" in widgets["hourly"]["error"]["detail"]
    assert widgets["donations"]["data"]["value"] == 1650.0  # everything up to 6 January, UTC


def test_lists_filter_and_page(invoke: Invoke) -> None:
    store_metrics(invoke)
    for name, kind in (("Alpha", "partner"), ("beta", "project"), ("Gamma", "partner"), ("Delta", "custom")):
        create(invoke, dashboard(name=name, dashboard_type=kind, is_public=True))
    create(invoke, dashboard(name="Other's", is_public=True), user="analyst-b")

    first = request(invoke, "GET", query={"skip": "0", "limit": "2"}).body
    second = request(invoke, "GET", query={"skip": "2", "limit": "2"}).body
    partners = request(invoke, "GET", query={"dashboard_type": "partner"}).body
    by_creator = request(invoke, "GET", query={"created_by": "analyst-b"}).body
    named = request(invoke, "GET", query={"name": "ET"}).body

    assert first["total"] == 5 and [d["name"] for d in first["items"]] == ["Alpha", "beta"]
    assert [d["name"] for d in second["items"]] == ["Delta", "Gamma"]
    assert [d["name"] for d in partners["items"]] == ["Alpha", "Gamma", "Other's"]
    assert [d["name"] for d in by_creator["items"]] == ["Other's"]
    assert [d["name"] for d in named["items"]] == ["beta"]
    assert request(invoke, "GET", query={"dashboard_type": "nope"}).status == 422
    assert request(invoke, "GET", f"{BASE}/not-a-uuid").status == 422


def test_the_executive_dashboard_summarises_every_service_for_a_period_and_zone(invoke: Invoke) -> None:
    store_metrics(invoke)
    store_goals()

    result = request(
        invoke,
        "GET",
        f"{BASE}/executive/default",
        query={"start_date": "2026-01-05", "end_date": "2026-01-06", "tz": NEW_YORK},
        user=None,
    )

    assert result.status == 200, result.body
    summary = result.body
    assert summary["period"]["start"] == "2026-01-05T00:00:00-05:00"
    assert summary["donations"]["current"] == 375.0 and summary["donations"]["previous"] == 1300.0
    assert summary["donations_count"] == 4
    assert summary["beneficiaries_reached"] == 105.0
    assert summary["notification_delivery_rate_percent"] is None  # nothing sent: no rate
    assert summary["active_goals"] == 2 and summary["goals_at_risk"] == []  # both ahead of their days
    bad = request(invoke, "GET", f"{BASE}/executive/default", query={"tz": "Mars/Olympus"})
    assert bad.status == 400


def test_the_demo_dashboards_read_the_demo_metrics_and_load_once(invoke: Invoke) -> None:
    metrics = demo_metrics(3, dt.datetime.now(dt.UTC))
    for start in range(0, len(metrics), 1000):
        batch = {"metrics": metrics[start : start + 1000]}
        assert invoke(metrics_api, load_event("metrics_bulk", body=batch)).status == 201
    lines: list[str] = []

    created = load_demo_dashboards(Functions(), get_settings(), lines.append)
    again = load_demo_dashboards(Functions(), get_settings(), lines.append)

    assert (created, again) == (len(DEMO_DASHBOARDS), 0)
    assert lines[-1] == f"demo: 0 dashboards created, {len(DEMO_DASHBOARDS)} already there"
    public = request(invoke, "GET", f"{BASE}/public", user=None).body
    assert public["total"] == len(DEMO_DASHBOARDS) - 1  # one is private
    for kind in ("executive", "partner", "project", "social_media", "notification"):
        assert request(invoke, "GET", f"{BASE}/default/{kind}", user=None).status == 200
    listed = request(invoke, "GET", query={"created_by": DEMO_USER}, user="admin-c", role="admin").body
    for dashboard in listed["items"]:
        data = request(invoke, "GET", f"{BASE}/{dashboard['id']}/data", user="admin-c", role="admin").body
        assert [w["error"] for w in data["widgets"]] == [None] * len(data["widgets"]), dashboard["name"]
    fundraising = next(d for d in listed["items"] if d["name"] == "Fundraising")
    data = by_id(request(invoke, "GET", f"{BASE}/{fundraising['id']}/data").body)
    donated = sum(m["value"] for m in metrics if m["metric_name"] == "donation_received")
    assert data["total"]["data"]["value"] == pytest.approx(donated)


def test_widgets_may_leave_out_their_id_and_layout(invoke: Invoke) -> None:
    store_metrics(invoke)
    per_day = {"metric_name": "donation_received", "interval": "day"}
    total = {"metric_name": "donation_received"}
    widgets = [
        {"type": "number", "title": "Banner", "query": total, "layout": {"x": 0, "y": 0, "w": 12, "h": 2}},
        {"type": "line", "title": "Donations per day", "query": per_day},
        {"type": "number", "title": "Donations!", "query": total},
        {"type": "number", "title": "Donations", "query": total},
        {"type": "number", "title": "Donations", "query": total},
    ]

    created = request(invoke, "POST", body={"name": "Quick", "config": {"widgets": widgets}})

    assert created.status == 201, created.body
    placed = [(w["id"], w["layout"]) for w in created.body["config"]["widgets"]]
    assert placed == [
        ("banner", {"x": 0, "y": 0, "w": 12, "h": 2}),
        ("donations-per-day", {"x": 0, "y": 2, "w": 6, "h": 4}),
        ("donations", {"x": 6, "y": 2, "w": 3, "h": 2}),
        ("donations-2", {"x": 9, "y": 2, "w": 3, "h": 2}),
        ("donations-3", {"x": 6, "y": 4, "w": 3, "h": 2}),
    ]
    data = request(invoke, "GET", f"{BASE}/{created.body['id']}/data").body
    assert [w["error"] for w in data["widgets"]] == [None] * 5
