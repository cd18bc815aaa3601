"""The metrics API in-process against a real PostgreSQL."""

from __future__ import annotations

import copy
from typing import Any

from functions.metrics.handler import lambda_handler
from tests.integration.conftest import Invoke, load_event

SPEC_METRIC: dict[str, Any] = {
    "service_name": "partners_crm",
    "metric_type": "donation",
    "metric_name": "monthly_donation",
    "value": 1000.0,
    "dimensions": {"partner_id": "123", "currency": "USD"},
    "timestamp": "2025-12-24T10:00:00Z",
    "date": "2025-12-24",
}


def post_metric(invoke: Invoke, body: dict[str, Any], role: str | None = "service"):
    return invoke(lambda_handler, load_event("metrics_create", body=body, role=role))


def list_metrics(invoke: Invoke, **query: str):
    return invoke(lambda_handler, load_event("metrics_list", query=query))


def test_create_returns_the_stored_metric(invoke: Invoke) -> None:
    # When the spec/000 example is posted with a service token
    result = post_metric(invoke, SPEC_METRIC)

    # Then it is stored with a derived date and `value` echoed back
    assert result.status == 201
    assert result.body["value"] == 1000.0
    assert result.body["date"] == "2025-12-24"
    assert result.body["dimensions"] == {"partner_id": "123", "currency": "USD"}
    assert result.body["timestamp"].startswith("2025-12-24T10:00:00")
    listed = list_metrics(invoke, service_name="partners_crm")
    assert listed.body["total"] == 1
    assert listed.body["items"][0]["id"] == result.body["id"]


def test_metric_value_alias_and_default_timestamp(invoke: Invoke) -> None:
    body = {k: v for k, v in SPEC_METRIC.items() if k not in ("value", "timestamp", "date")}
    result = post_metric(invoke, {**body, "metric_value": 12.5})
    assert result.status == 201
    assert result.body["value"] == 12.5
    assert result.body["timestamp"]


def test_repeat_with_idempotency_key_returns_the_original(invoke: Invoke) -> None:
    first = post_metric(invoke, {**SPEC_METRIC, "idempotency_key": "tx-42"})
    again = post_metric(invoke, {**SPEC_METRIC, "idempotency_key": "tx-42", "value": 5.0})

    assert (first.status, again.status) == (201, 200)
    assert again.body["id"] == first.body["id"]
    assert again.body["value"] == 1000.0
    assert list_metrics(invoke).body["total"] == 1


def test_write_without_token_is_401_and_viewer_is_403(invoke: Invoke) -> None:
    assert post_metric(invoke, SPEC_METRIC, role=None).status == 401
    forbidden = post_metric(invoke, SPEC_METRIC, role="viewer")
    assert forbidden.status == 403
    assert "service" in forbidden.body["detail"]
    assert list_metrics(invoke).body["total"] == 0


def test_bad_enum_and_string_value_name_the_field(invoke: Invoke) -> None:
    bogus = post_metric(invoke, {**SPEC_METRIC, "metric_type": "bogus"})
    text_value = post_metric(invoke, {**SPEC_METRIC, "value": "1000"})

    assert bogus.status == 422
    assert ["body", "metric_type"] in [e["loc"] for e in bogus.body["detail"]]
    assert text_value.status == 422
    assert ["body", "value"] in [e["loc"] for e in text_value.body["detail"]]


def test_nested_dimensions_are_rejected(invoke: Invoke) -> None:
    result = post_metric(invoke, {**SPEC_METRIC, "dimensions": {"partner": {"id": 1}}})
    assert result.status == 422
    assert result.body["detail"][0]["loc"][:3] == ["body", "dimensions", "partner"]


def test_bulk_of_1000_with_3_bad_items_stores_997(invoke: Invoke) -> None:
    items = [
        {**SPEC_METRIC, "value": float(i), "timestamp": f"2025-12-{1 + i % 28:02d}T10:00:00Z"}
        for i in range(1000)
    ]
    items[10] = {**items[10], "metric_type": "bogus"}
    items[500] = {**items[500], "value": "many"}
    items[999] = {k: v for k, v in items[999].items() if k != "metric_name"}

    result = invoke(lambda_handler, load_event("metrics_bulk", body={"metrics": items}))

    assert result.status == 201
    assert (result.body["created"], result.body["failed"]) == (997, 3)
    assert [e["index"] for e in result.body["errors"]] == [10, 500, 999]
    assert result.body["errors"][0]["detail"][0]["loc"] == ["metric_type"]
    assert list_metrics(invoke).body["total"] == 997


def test_bulk_redelivery_stores_nothing_twice(invoke: Invoke) -> None:
    items = [{**SPEC_METRIC, "idempotency_key": f"k{i}"} for i in range(5)]
    items.append({**SPEC_METRIC, "idempotency_key": "k0"})
    first = invoke(lambda_handler, load_event("metrics_bulk", body=items))
    second = invoke(lambda_handler, load_event("metrics_bulk", body={"metrics": items}))

    assert (first.body["created"], first.body["duplicates"]) == (5, 1)
    assert first.body["items"][5]["id"] == first.body["items"][0]["id"]
    assert (second.status, second.body["created"], second.body["duplicates"]) == (200, 0, 6)
    assert list_metrics(invoke).body["total"] == 5


def test_bulk_over_the_limit_is_413(invoke: Invoke) -> None:
    result = invoke(lambda_handler, load_event("metrics_bulk", body={"metrics": [SPEC_METRIC] * 1001}))
    assert result.status == 413
    assert "1000" in result.body["detail"]


def test_list_filters_and_pagination(invoke: Invoke) -> None:
    for day, country in ((1, "US"), (2, "KE"), (3, "US"), (20, "US")):
        post_metric(
            invoke,
            {**SPEC_METRIC, "timestamp": f"2025-12-{day:02d}T23:30:00Z", "dimensions": {"country": country}},
        )
    post_metric(invoke, {**SPEC_METRIC, "service_name": "projects", "metric_type": "beneficiary"})

    us_early = list_metrics(
        invoke,
        service_name="partners_crm",
        start_date="2025-12-01",
        end_date="2025-12-03",
        **{"dimensions.country": "US"},
    )
    page = list_metrics(invoke, service_name="partners_crm", skip="1", limit="2")

    assert us_early.body["total"] == 2
    assert {m["date"] for m in us_early.body["items"]} == {"2025-12-01", "2025-12-03"}
    assert (page.body["total"], len(page.body["items"]), page.body["skip"]) == (4, 2, 1)
    assert page.body["items"][0]["date"] == "2025-12-03"  # newest first, one skipped


def test_list_rejects_bad_ranges_and_limits(invoke: Invoke) -> None:
    backwards = list_metrics(invoke, start_date="2025-12-10", end_date="2025-12-01")
    too_many = list_metrics(invoke, limit="1001")
    not_a_date = list_metrics(invoke, start_date="yesterday")

    assert backwards.status == 400
    assert too_many.status == 422 and too_many.body["detail"][0]["loc"] == ["query", "limit"]
    assert not_a_date.status == 422 and not_a_date.body["detail"][0]["loc"] == ["query", "start_date"]


def test_by_service_and_by_type(invoke: Invoke) -> None:
    post_metric(invoke, SPEC_METRIC)
    post_metric(invoke, {**SPEC_METRIC, "service_name": "projects", "metric_type": "beneficiary"})

    by_service = invoke(
        lambda_handler, load_event("metrics_by_service", path="/api/v1/metrics/by-service/projects")
    )
    by_type = invoke(lambda_handler, load_event("metrics_by_type"))
    unknown = invoke(lambda_handler, load_event("metrics_by_type", path="/api/v1/metrics/by-type/bogus"))

    assert [m["service_name"] for m in by_service.body["items"]] == ["projects"]
    assert [m["metric_type"] for m in by_type.body["items"]] == ["donation"]
    assert unknown.status == 422


def test_get_and_delete(invoke: Invoke) -> None:
    created = post_metric(invoke, SPEC_METRIC).body
    path = f"/api/v1/metrics/{created['id']}"

    fetched = invoke(lambda_handler, load_event("metrics_get", path=path))
    as_service = invoke(lambda_handler, load_event("metrics_delete", path=path, role="service"))
    deleted = invoke(lambda_handler, load_event("metrics_delete", path=path))
    gone = invoke(lambda_handler, load_event("metrics_get", path=path))
    deleted_again = invoke(lambda_handler, load_event("metrics_delete", path=path))

    assert fetched.status == 200 and fetched.body["id"] == created["id"]
    assert as_service.status == 403
    assert deleted.status == 204
    assert gone.status == 404 and created["id"] in gone.body["detail"]
    assert deleted_again.status == 404


def test_a_deleted_metrics_idempotency_key_can_be_used_again(invoke: Invoke) -> None:
    first = post_metric(invoke, SPEC_METRIC).body
    invoke(lambda_handler, load_event("metrics_delete", path=f"/api/v1/metrics/{first['id']}"))

    again = post_metric(invoke, SPEC_METRIC)

    assert again.status == 201 and again.body["id"] != first["id"]


def test_malformed_id_and_json(invoke: Invoke) -> None:
    bad_id = invoke(lambda_handler, load_event("metrics_get", path="/api/v1/metrics/not-a-uuid"))
    event = copy.deepcopy(load_event("metrics_create"))
    event["body"] = "{not json"
    bad_json = invoke(lambda_handler, event)

    assert bad_id.status == 422
    assert bad_json.status == 422


def test_trailing_slash_and_unknown_paths(invoke: Invoke) -> None:
    post_metric(invoke, SPEC_METRIC)
    slashed = invoke(lambda_handler, load_event("metrics_list", path="/api/v1/metrics/", query={}))
    unknown = invoke(lambda_handler, load_event("metrics_list", path="/api/v1/metrics/a/b/c", query={}))

    assert slashed.status == 200 and slashed.body["total"] == 1
    assert unknown.status == 404
    assert unknown.body == {"detail": "no route for GET /api/v1/metrics/a/b/c"}
