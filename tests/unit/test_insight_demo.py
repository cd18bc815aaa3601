"""The demo data holds every metric the domain insights read, with the dimensions they break down by,
so each insight answers with figures under analytics-local up."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from analytics.insight_metrics import ENDPOINT_METRICS, EXECUTIVE_METRICS
from analytics_infra.local.demo import generate, generate_day

NOW = datetime(2026, 3, 15, 12, 30, tzinfo=UTC)
BREAKDOWN_KEYS = {
    "/partners/engagement": "interaction_type",
    "/partners/breakdown": "partner_type",
    "/projects/impact": "project_type",
    "/projects/completion": "project_type",
    "/social-media/platforms": "platform",
    "/notifications/channels": "channel",
}


@pytest.fixture(scope="module")
def last_30_days() -> list[dict[str, Any]]:
    days = [NOW.date() - timedelta(days=n) for n in range(30, -1, -1)]
    return generate(days, NOW)[0]


@pytest.mark.parametrize("path", sorted(ENDPOINT_METRICS))
def test_every_metric_an_insight_reads_is_in_the_last_30_days(
    path: str, last_30_days: list[dict[str, Any]]
) -> None:
    for metric in ENDPOINT_METRICS[path]:
        sent = [m for m in last_30_days if m["metric_name"] in metric.names]

        assert sent, f"{path} reads {metric.name}, which the demo never sends"
        assert {(m["service_name"], m["metric_type"]) for m in sent} == {(metric.service, metric.metric_type)}
        assert sum(m["value"] for m in sent) > 0
        key = BREAKDOWN_KEYS.get(path)
        if key and key in metric.dimensions:
            assert all(key in m["dimensions"] for m in sent), f"{metric.name} without {key}"


def test_the_executive_metrics_are_sent_too(last_30_days: list[dict[str, Any]]) -> None:
    names = {m["metric_name"] for m in last_30_days}

    assert all(names & set(metric.names) for metric in EXECUTIVE_METRICS)


def test_snapshots_are_sent_once_a_day_and_the_new_series_are_reproducible() -> None:
    day = generate_day(date(2025, 6, 2))
    snapshots = [m for m in day.metrics if m["metric_name"] in ("active_partners", "active_projects")]

    assert sorted(m["metric_name"] for m in snapshots) == ["active_partners", "active_projects"]
    assert all(m["timestamp"] == "2025-06-02T00:00:00Z" for m in snapshots)
    assert generate_day(date(2025, 6, 2)).metrics == day.metrics
