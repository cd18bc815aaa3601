"""The events API in-process against a real PostgreSQL."""

from __future__ import annotations

from functions.events.handler import lambda_handler
from tests.integration.conftest import Invoke, load_event


def test_create_get_and_list_events(invoke: Invoke) -> None:
    created = invoke(lambda_handler, load_event("events_create"))
    other = invoke(lambda_handler, load_event("events_create", body={"event_name": "purchase_completed"}))

    fetched = invoke(lambda_handler, load_event("events_get", path=f"/api/v1/events/{created.body['id']}"))
    signups = invoke(lambda_handler, load_event("events_list"))
    by_user = invoke(lambda_handler, load_event("events_list", query={"user_id": "user_123"}))

    assert (created.status, other.status) == (201, 201)
    assert fetched.body["properties"] == {"plan": "premium", "referral_source": "google"}
    assert fetched.body["timestamp"].startswith("2025-10-30T12:34:56")
    assert [e["id"] for e in signups.body["items"]] == [created.body["id"]]
    assert by_user.body["total"] == 1


def test_event_time_range_filter(invoke: Invoke) -> None:
    for day in (1, 15, 30):
        body = {"event_name": "page_view", "timestamp": f"2025-11-{day:02d}T08:00:00Z"}
        invoke(lambda_handler, load_event("events_create", body=body))

    middle = invoke(
        lambda_handler,
        load_event("events_list", query={"start_date": "2025-11-10", "end_date": "2025-11-20"}),
    )
    assert middle.body["total"] == 1
    assert middle.body["items"][0]["timestamp"].startswith("2025-11-15")


def test_idempotent_event_and_bulk_with_a_bad_item(invoke: Invoke) -> None:
    body = {"event_name": "user_signup", "user_id": "u1", "idempotency_key": "signup-u1"}
    first = invoke(lambda_handler, load_event("events_create", body=body))
    again = invoke(lambda_handler, load_event("events_create", body=body))
    bulk = invoke(lambda_handler, load_event("events_bulk"))

    assert (first.status, again.status) == (201, 200)
    assert again.body["id"] == first.body["id"]
    assert (bulk.status, bulk.body["created"], bulk.body["failed"]) == (201, 2, 1)
    assert bulk.body["errors"][0]["index"] == 2
    assert bulk.body["errors"][0]["detail"][0]["loc"] == ["event_name"]
    assert invoke(lambda_handler, load_event("events_list", query={})).body["total"] == 3


def test_event_writes_need_an_ingesting_role(invoke: Invoke) -> None:
    anonymous = invoke(lambda_handler, load_event("events_create", role=None))
    viewer = invoke(lambda_handler, load_event("events_create", role="viewer"))
    missing = invoke(lambda_handler, load_event("events_get"))

    assert (anonymous.status, viewer.status, missing.status) == (401, 403, 404)
