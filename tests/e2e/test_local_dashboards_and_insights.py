"""Dashboards and domain insights through `analytics-local up`, over real HTTP, as a client would see them."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest

from tests.e2e.conftest import LocalRunner

pytestmark = pytest.mark.e2e

RUN = uuid.uuid4().hex[:12]  # keeps this run's data apart on a shared DATABASE_URL
DAY = dt.date(2025, 3, 12)
PERIOD = f"start_date={DAY}&end_date={DAY}&tz=America/New_York"


def donation(
    value: float, partner_type: str, hour: int, metric_name: str = "donation_received"
) -> dict[str, Any]:
    # Hours 15 to 17 UTC are 11:00 to 13:00 in New York on DAY: every metric falls on that local day.
    return {
        "service_name": "partners_crm",
        "metric_type": "donation",
        "metric_name": metric_name,
        "value": value,
        "unit": "USD",
        "dimensions": {"partner_type": partner_type},
        "timestamp": f"{DAY}T{hour:02d}:00:00Z",
        "idempotency_key": f"e2e-{RUN}-{metric_name}-{hour}",
    }


def dashboard(metric_name: str) -> dict[str, Any]:
    query = {"metric_name": metric_name}
    return {
        "name": f"e2e {RUN}",
        "dashboard_type": "partner",
        "is_public": False,
        "config": {
            "filters": {"relative_range": "last_30_days", "tz": "UTC"},
            "widgets": [
                {"id": "total", "title": "Donated", "type": "number", "query": query,
                 "layout": {"x": 0, "y": 0, "w": 4, "h": 2}},
                {"id": "by-type", "title": "By partner type", "type": "bar",
                 "query": {**query, "group_by": ["dimensions.partner_type"]},
                 "layout": {"x": 4, "y": 0, "w": 8, "h": 4}},
            ],
        },
    }  # fmt: skip


def test_a_private_dashboard_answers_its_widgets_for_its_owner_only(runner: LocalRunner) -> None:
    metric_name = f"e2e_{RUN}_gift"
    metrics = [donation(100.0, "corporate", 15, metric_name), donation(50.0, "individual", 16, metric_name)]
    stored = runner.request("POST", "/api/v1/metrics/bulk", {"metrics": metrics}, runner.token("service"))
    assert stored.status == 201, stored.text
    analyst = runner.token("analyst", "--sub", f"owner-{RUN}")

    created = runner.request("POST", "/api/v1/dashboards", dashboard(metric_name), analyst)
    assert created.status == 201, created.text
    path = f"/api/v1/dashboards/{created.json()['id']}"

    data = runner.request("GET", f"{path}/data?{PERIOD}", token=analyst)
    assert data.status == 200, data.text
    widgets = {widget["id"]: widget for widget in data.json()["widgets"]}
    assert widgets["total"]["data"]["value"] == 150.0
    by_type = widgets["by-type"]["data"]
    assert dict(zip(by_type["labels"], by_type["data"], strict=True)) == {
        "corporate": 100.0,
        "individual": 50.0,
    }

    assert runner.request("GET", path).status == 404  # reads without the owner's token
    unknown = dashboard(f"e2e_{RUN}_never_sent")
    refused = runner.request("POST", "/api/v1/dashboards", unknown, analyst)
    assert refused.status == 422 and "never_sent" in refused.text


def test_domain_insights_and_the_executive_dashboard_count_what_was_sent(runner: LocalRunner) -> None:
    metrics = [donation(40.0, "corporate", 15), donation(60.0, "corporate", 17)]
    stored = runner.request("POST", "/api/v1/metrics/bulk", {"metrics": metrics}, runner.token("service"))
    assert stored.status == 201, stored.text

    trends = runner.request("GET", f"/api/v1/analytics/partners/donations?{PERIOD}")
    assert trends.status == 200, trends.text
    assert trends.json()["total"] >= 100.0 and trends.json()["count"] >= 2

    breakdown = runner.request("GET", f"/api/v1/analytics/partners/breakdown?{PERIOD}")
    assert breakdown.status == 200, breakdown.text
    assert "corporate" in breakdown.text

    executive = runner.request("GET", f"/api/v1/dashboards/executive/default?{PERIOD}")
    assert executive.status == 200, executive.text
    assert executive.json()["donations"]["current"] >= 100.0

    nothing_sent = "/api/v1/analytics/notifications/delivery?start_date=2001-01-01&end_date=2001-01-31"
    empty = runner.request("GET", nothing_sent)
    assert empty.status == 200, empty.text
    assert (empty.json()["sent"], empty.json()["delivery_rate_percent"]) == (0, None)
