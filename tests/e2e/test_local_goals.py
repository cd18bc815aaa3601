"""KPI goals through `analytics-local up`: spec/003's example, a goal measured from metrics sent over HTTP,
the daily rule fired with `analytics-local trigger goal_update`, its alert in moto's SES, forecast/all."""

from __future__ import annotations

import datetime as dt
import email
import json
import urllib.request
import uuid
from typing import Any

import pytest

from tests.e2e.conftest import LocalRunner

pytestmark = pytest.mark.e2e

RUN = uuid.uuid4().hex[:10]  # this run's names, so reruns on one database pass
TODAY = dt.datetime.now(dt.UTC).date()


def sent_texts(runner: LocalRunner) -> list[str]:
    """The text of every e-mail moto's SES holds."""
    with urllib.request.urlopen(
        f"{runner.endpoints['aws_endpoint_url']}/moto-api/data.json", timeout=30
    ) as reply:
        raw_messages = json.loads(reply.read())["ses"]["RawMessage"]
    texts = []
    for message in raw_messages:
        parsed = email.message_from_string(message["raw_data"])
        texts.append(
            "".join(
                part.get_payload(decode=True).decode()
                for part in parsed.walk()
                if part.get_content_type() == "text/plain"
            )
        )
    return texts


def test_spec_example_and_a_measured_goal_alerted_once_by_the_daily_rule(runner: LocalRunner) -> None:
    token = runner.token("analyst")
    # spec/003's example, as written: tracked by hand, its created_by taken from the token
    example = runner.request(
        "POST",
        "/api/v1/goals",
        {
            "name": f"Q1 Donation Target {RUN}",
            "metric_type": "donation",
            "target_value": 100000,
            "unit": "USD",
            "start_date": "2025-01-01",
            "end_date": "2025-03-31",
            "created_by": "123e4567-e89b-12d3-a456-426614174000",
        },
        token,
    )
    assert example.status == 201, example.text
    assert (
        example.json()["tracked_by_hand"]
        and example.json()["created_by"] != "123e4567-e89b-12d3-a456-426614174000"
    )

    # A goal over donations sent through the API: 400 USD a day for a week, a 5,000 target, alert at 40%
    name = f"e2e_goal_donations_{RUN}"
    metrics = [
        {
            "service_name": "partners_crm",
            "metric_type": "donation",
            "metric_name": name,
            "value": 400.0,
            "timestamp": f"{(TODAY - dt.timedelta(days=offset)).isoformat()}T00:00:00Z",
        }
        for offset in range(1, 8)
    ]
    assert (
        runner.request("POST", "/api/v1/metrics/bulk", {"metrics": metrics}, runner.token("service")).status
        == 201
    )
    goal = runner.request(
        "POST",
        "/api/v1/goals",
        {
            "name": f"Donations {RUN}",
            "metric_type": "donation",
            "metric_name": name,
            "target_value": 5000,
            "unit": "USD",
            "start_date": (TODAY - dt.timedelta(days=7)).isoformat(),
            "end_date": (TODAY + dt.timedelta(days=10)).isoformat(),
            "alert_threshold": 40,
            "alert_recipients": [f"board-{RUN}@example.org"],
        },
        token,
    ).json()

    first = runner.cli("trigger", "goal_update")
    second = runner.cli("trigger", "goal_update")

    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    alerts = [text for text in sent_texts(runner) if f"Donations {RUN}" in text and "reached 40%" in text]
    assert len(alerts) == 1, alerts
    assert f"/api/v1/goals/{goal['id']}/progress" in alerts[0]
    progress = runner.request("GET", f"/api/v1/goals/{goal['id']}/progress").json()
    assert progress["current_value"] == 2800 and progress["progress_percentage"] == pytest.approx(56)
    forecasts = runner.request("GET", "/api/v1/goals/forecast/all").json()
    mine: list[dict[str, Any]] = [f for f in forecasts if f["goal_id"] == goal["id"]]
    assert len(mine) == 1 and mine[0]["forecast"]["value"] >= 2800 and 0 <= mine[0]["probability"] <= 1
