"""Pull-sync through `analytics-local up` over real HTTP: the runner's fake sibling services serve a
week of demo records on loopback, and a sync started through the API pulls them through the local
Lambda Invoke API and the scheduler, storing each record once."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.e2e.conftest import LocalRunner

pytestmark = pytest.mark.e2e
POLL_SECONDS = 60


def wait_for_end(runner: LocalRunner, sync_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + POLL_SECONDS
    body: dict[str, Any] = {}
    while time.monotonic() < deadline:
        body = runner.request("GET", f"/api/v1/sync/{sync_id}").json()
        if body["status"] not in ("pending", "running"):
            return body
        time.sleep(0.5)
    runner.fail(f"sync {sync_id} did not end within {POLL_SECONDS}s: {body}")


def test_a_sync_pulls_the_fake_siblings_records_once(runner: LocalRunner) -> None:
    token = runner.token("admin")

    started = runner.request("POST", "/api/v1/sync?service_name=notification&sync_type=full", None, token)
    assert started.status == 202, started.json()
    (sync,) = started.json()["syncs"]
    first = wait_for_end(runner, sync["id"])
    assert first["status"] == "completed", first
    assert first["records_processed"] == 35 and first["records_failed"] == 0  # 5 a day for a week

    again = runner.request("POST", "/api/v1/sync", {"service_name": "notification"}, token).json()["syncs"][0]
    second = wait_for_end(runner, again["id"])
    assert second["status"] == "completed" and second["meta"]["metrics_stored"] == 0

    status = runner.request("GET", "/api/v1/sync/status/current?service_name=notification").json()
    (notification,) = status["services"]
    assert notification["url"].startswith("http://127.0.0.1:")
    assert notification["watermark"] == first["last_sync_timestamp"]
