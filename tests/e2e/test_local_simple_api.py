"""The simple API (spec/004) through `analytics-local up`, at the root beside /api/v1, over real HTTP."""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.conftest import LocalRunner

pytestmark = pytest.mark.e2e

RUN = uuid.uuid4().hex[:12]  # keeps this run's metrics apart on a shared DATABASE_URL


def test_the_root_paths_reach_the_simple_api(runner: LocalRunner) -> None:
    # Given a service token and a metric name of this run only
    token = runner.token("service")
    name = f"e2e_{RUN}_page_views"

    # When the spec's calls are made over HTTP
    health = runner.request("GET", "/health-check")
    created = runner.request(
        "POST", "/metrics", {"metric_name": name, "value": 150, "tags": {"page": "/"}}, token
    )
    figures = runner.request("GET", f"/metrics/{name}?hours=24")
    names = runner.request("GET", "/metrics")
    unauthorized = runner.request("POST", "/metrics", {"metric_name": name, "value": 1})

    # Then each answers in spec/004's shape, and the gateway keeps writes behind a token
    assert health.status == 200 and health.json()["ok"] is True
    assert created.status == 201, created.text
    assert created.json()["metric_id"].startswith("metric_")
    assert figures.status == 200
    assert (figures.json()["metric_name"], figures.json()["count"], figures.json()["sum"]) == (name, 1, 150.0)
    assert name in names.json()["metrics"]
    assert unauthorized.status == 401
