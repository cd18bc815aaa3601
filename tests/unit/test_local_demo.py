"""Demo data: reproducible per day, realistic in shape, and loaded through the bulk API contract."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime
from types import ModuleType
from typing import Any

import pytest

from analytics.enums import MetricType, ServiceName
from analytics.settings import Settings
from analytics_infra.local.demo import demo_days, generate, generate_day, load_demo
from analytics_infra.local.errors import LocalRunnerError
from analytics_infra.local.functions import Functions

NOW = datetime(2026, 3, 15, 12, 30, tzinfo=UTC)


def test_window_is_18_months_ending_today() -> None:
    days = demo_days(date(2026, 3, 15))

    assert days[0] == date(2024, 9, 15)
    assert days[-1] == date(2026, 3, 15)
    assert len(days) == len(set(days)) == (days[-1] - days[0]).days + 1
    assert demo_days(date(2025, 8, 31))[0] == date(2024, 2, 29)  # clamped to the month's end


def test_a_day_is_the_same_whenever_it_is_generated() -> None:
    assert generate_day(date(2025, 6, 1)).metrics == generate_day(date(2025, 6, 1)).metrics
    assert generate_day(date(2025, 6, 1)).events == generate_day(date(2025, 6, 1)).events
    assert generate_day(date(2025, 6, 1)).metrics != generate_day(date(2025, 6, 2)).metrics


@pytest.fixture(scope="module")
def demo() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    return generate(demo_days(NOW.date()), NOW)


def test_volume_and_unique_keys(demo: tuple[list[dict[str, Any]], list[dict[str, Any]]]) -> None:
    metrics, events = demo

    assert 30_000 <= len(metrics) <= 80_000
    assert 5_000 <= len(events) <= 30_000
    keys = [item["idempotency_key"] for item in metrics + events]
    assert len(keys) == len(set(keys))
    assert all(key.startswith("demo:") for key in keys)


def test_metrics_follow_the_contract(demo: tuple[list[dict[str, Any]], list[dict[str, Any]]]) -> None:
    metrics, _ = demo
    names = Counter((m["service_name"], m["metric_type"], m["metric_name"]) for m in metrics)

    for service, metric_type, name in names:
        assert ServiceName(service) and MetricType(metric_type) and name
    expected = {
        ("partners_crm", "donation", "donation_received"),
        ("partners_crm", "partner", "new_partner"),
        ("projects", "project", "project_created"),
        ("projects", "project", "project_completed"),
        ("projects", "beneficiary", "beneficiaries_reached"),
        ("social_media", "social_post", "post_created"),
        ("social_media", "engagement", "post_likes"),
        ("social_media", "engagement", "reach"),
        ("notification", "notification", "notification_sent"),
        ("notification", "notification", "notification_failed"),
    }
    assert expected <= set(names)
    donation = next(m for m in metrics if m["metric_name"] == "donation_received")
    assert donation["unit"] == "USD"
    assert {"partner_type", "currency", "country"} <= set(donation["dimensions"])
    assert all(m["timestamp"] <= "2026-03-15T12:30:00Z" for m in metrics)


def test_growth_and_weekly_seasonality(demo: tuple[list[dict[str, Any]], list[dict[str, Any]]]) -> None:
    metrics, _ = demo
    donations = [m for m in metrics if m["metric_name"] == "donation_received"]
    by_month = Counter(m["timestamp"][:7] for m in donations)
    by_weekday = Counter(datetime.fromisoformat(m["timestamp"]).weekday() for m in donations)

    assert by_month["2026-02"] > by_month["2024-10"]  # growth
    assert by_weekday[6] > 1.3 * by_weekday[5]  # Sunday giving beats Saturday
    assert by_month["2025-12"] > by_month["2025-11"]  # year-end giving


def test_events_carry_users_and_properties(demo: tuple[list[dict[str, Any]], list[dict[str, Any]]]) -> None:
    _, events = demo

    assert {"user_signup", "donation_page_view", "donation_completed"} <= {e["event_name"] for e in events}
    assert all(e["user_id"] and isinstance(e["properties"], dict) for e in events)


class BulkApi:
    """Fake metrics and events functions answering like the bulk endpoints; remembers what they stored."""

    def __init__(self, reject_index: int | None = None) -> None:
        self.stored: set[str] = set()
        self.requests: list[dict[str, Any]] = []
        self.reject_index = reject_index

    def import_module(self, module_name: str) -> ModuleType:
        module = ModuleType(module_name)
        module.lambda_handler = self.handle  # type: ignore[attr-defined]
        return module

    def handle(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        self.requests.append(event)
        kind = event["rawPath"].split("/")[3]
        items = json.loads(event["body"])[kind]
        created = [item for item in items if item["idempotency_key"] not in self.stored]
        self.stored.update(item["idempotency_key"] for item in items)
        errors = [] if self.reject_index is None else [{"index": self.reject_index, "detail": "bad"}]
        body = {
            "created": len(created),
            "duplicates": len(items) - len(created),
            "failed": len(errors),
            "items": [],
            "errors": errors,
        }
        return {"statusCode": 201 if created else 200, "body": json.dumps(body)}


def test_loading_twice_stores_nothing_twice() -> None:
    api = BulkApi()
    functions = Functions(api.import_module)
    lines: list[str] = []
    now = datetime(2026, 3, 15, 12, tzinfo=UTC)

    stored = lambda: set(api.stored)  # noqa: E731 (what the database holds)
    first_metrics, first_events = load_demo(functions, Settings(), lines.append, now=now, stored_keys=stored)
    again_metrics, again_events = load_demo(functions, Settings(), lines.append, now=now, stored_keys=stored)

    assert first_metrics.created == first_metrics.sent > 30_000
    assert first_events.created == first_events.sent > 5_000
    assert (again_metrics.sent, again_events.sent) == (0, 0)  # nothing is posted again
    assert any(line.startswith("demo: metrics 1,000/") for line in lines)
    assert any("not sent again" in line for line in lines)


def test_requests_are_bulk_posts_of_at_most_1000_as_the_service_role() -> None:
    api = BulkApi()

    load_demo(Functions(api.import_module), Settings(), lambda line: None, now=NOW, stored_keys=set)

    assert {event["routeKey"] for event in api.requests} == {
        "POST /api/v1/metrics/{proxy+}",
        "POST /api/v1/events/{proxy+}",
    }
    assert {event["rawPath"] for event in api.requests} == {"/api/v1/metrics/bulk", "/api/v1/events/bulk"}
    assert max(len(next(iter(json.loads(e["body"]).values()))) for e in api.requests) == 1000
    claims = api.requests[0]["requestContext"]["authorizer"]["jwt"]["claims"]
    assert claims["roles"] == "[service]"


def test_rejected_items_stop_the_load_with_the_reason() -> None:
    api = BulkApi(reject_index=7)

    with pytest.raises(LocalRunnerError, match="item 7: bad"):
        load_demo(Functions(api.import_module), Settings(), lambda line: None, now=NOW, stored_keys=set)
