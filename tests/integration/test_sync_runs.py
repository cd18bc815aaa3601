"""Pull-sync runs over real sockets: fake sibling services on loopback (analytics_infra.local.siblings),
the real database, and the scheduler function running what the API records."""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from collections.abc import Sequence
from typing import Any

import pytest
from sqlalchemy import text

from analytics.db.engine import get_engine
from analytics.enums import SiblingService
from analytics.settings import get_settings
from analytics_infra.local.siblings import FakeSibling
from functions.scheduler.handler import lambda_handler as scheduler
from functions.sync import handler as sync_handler
from functions.sync.handler import lambda_handler as sync_api
from tests.integration.conftest import Invoke, LambdaContext, load_event
from tests.integration.siblings import siblings_fixture  # noqa: F401 (the fixture `siblings`)

P, PR = SiblingService.PARTNERS_CRM, SiblingService.PROJECTS
START = dt.datetime(2025, 12, 1, 9, tzinfo=dt.UTC)


def donation(n: int, hours: float = 0, amount: float = 10.0) -> dict[str, Any]:
    moment = (START + dt.timedelta(hours=n + hours)).isoformat()
    return {
        "id": f"don-{n}",
        "type": "donation",
        "timestamp": moment,
        "data": {"amount": amount, "currency": "USD"},
    }


def project(n: int) -> dict[str, Any]:
    moment = (START + dt.timedelta(hours=n)).isoformat()
    return {
        "id": f"prj-{n}",
        "type": "project_created",
        "timestamp": moment,
        "data": {"project_type": "water"},
    }


class InlineLauncher:
    """Lambda's asynchronous invoke of the scheduler, done at once in this process (moto runs no Lambda
    code without Docker)."""

    def launch(self, sync_ids: Sequence[uuid.UUID]) -> None:
        scheduler({"sync_ids": [str(s) for s in sync_ids]}, LambdaContext())


class ThreadLauncher:
    """The same in a background thread, so the API can be called while the sync runs."""

    def __init__(self) -> None:
        self.threads: list[threading.Thread] = []

    def launch(self, sync_ids: Sequence[uuid.UUID]) -> None:
        thread = threading.Thread(target=InlineLauncher().launch, args=(sync_ids,))
        thread.start()
        self.threads.append(thread)

    def join(self) -> None:
        for thread in self.threads:
            thread.join(timeout=30)


@pytest.fixture
def inline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sync_handler, "sync_launcher", InlineLauncher)


def trigger(invoke: Invoke, body: dict[str, Any]) -> Any:
    result = invoke(sync_api, load_event("sync_trigger", body=body))
    assert result.status == 202, result.body
    return result.body


def fetch(invoke: Invoke, sync_id: str) -> dict[str, Any]:
    result = invoke(sync_api, load_event("sync_list", path=f"/api/v1/sync/{sync_id}", query=None))
    assert result.status == 200, result.body
    body: dict[str, Any] = result.body
    return body


def stored_metrics(service: SiblingService) -> int:
    with get_engine().connect() as connection:
        return int(
            connection.execute(
                text("SELECT count(*) FROM metrics WHERE service_name = :s"), {"s": service.value}
            ).scalar_one()
        )


def test_a_service_that_fails_twice_then_answers_is_synced_once_and_a_rerun_adds_nothing(
    invoke: Invoke, aws: Any, siblings: dict[SiblingService, FakeSibling], inline: None
) -> None:
    # Given seven donations, served three a page, behind two 503s
    partners = siblings[P]
    partners.add(*(donation(n) for n in range(7)))
    partners.fail_next(2, 503)

    # When a sync of the service runs
    (started,) = trigger(invoke, {"service_name": "partners_crm"})["syncs"]
    assert started["status"] == "pending"
    first = fetch(invoke, started["id"])

    # Then one completed run counts every record once, after two retries
    assert first["status"] == "completed", first
    assert (first["records_processed"], first["records_failed"]) == (7, 0)
    assert first["meta"]["retries"] == 2 and first["meta"]["pages"] == 3
    assert first["meta"]["metrics_stored"] == 7 and first["meta"]["since"] is None
    assert first["last_sync_timestamp"] == donation(6)["timestamp"].replace("+00:00", "Z")
    assert stored_metrics(P) == 7
    listed = invoke(sync_api, load_event("sync_list", query={"service_name": "partners_crm"})).body
    assert listed["total"] == 1

    # When it runs again, incrementally
    (again,) = trigger(invoke, {"service_name": "partners_crm", "sync_type": "incremental"})["syncs"]
    second = fetch(invoke, again["id"])

    # Then it asks from the watermark on and stores nothing twice
    assert second["status"] == "completed", second
    assert partners.requests[-1]["since"] == dt.datetime.fromisoformat(donation(6)["timestamp"]).isoformat()
    assert second["meta"]["metrics_stored"] == 0
    assert stored_metrics(P) == 7
    # And a full sync reads everything again, still without counting anything twice
    (full,) = trigger(invoke, {"service_name": "partners_crm", "sync_type": "full"})["syncs"]
    third = fetch(invoke, full["id"])
    assert third["records_processed"] == 7 and third["meta"]["duplicates"] == 7
    assert stored_metrics(P) == 7


def test_new_records_since_the_watermark_are_the_only_ones_a_later_sync_stores(
    invoke: Invoke, aws: Any, siblings: dict[SiblingService, FakeSibling], inline: None
) -> None:
    siblings[P].add(*(donation(n) for n in range(4)))
    trigger(invoke, {"service_name": "partners_crm"})

    siblings[P].add(donation(10), donation(11))
    (later,) = trigger(invoke, {"service_name": "partners_crm"})["syncs"]

    run = fetch(invoke, later["id"])
    assert run["meta"]["metrics_stored"] == 2 and stored_metrics(P) == 6
    assert run["last_sync_timestamp"] == donation(11)["timestamp"].replace("+00:00", "Z")


def test_a_service_that_stays_down_fails_its_run_and_the_others_still_sync(
    invoke: Invoke, aws: Any, siblings: dict[SiblingService, FakeSibling], inline: None
) -> None:
    # Given partners with records, and projects answering 500 to every request
    siblings[P].add(*(donation(n) for n in range(2)))
    siblings[PR].add(project(1))
    siblings[PR].fail_next(1000, 500)

    # When every service is synced
    result = invoke(sync_api, load_event("sync_trigger", path="/api/v1/sync/aggregate-all", body={}))
    assert result.status == 202, result.body
    runs = {run["service_name"]: fetch(invoke, run["id"]) for run in result.body["syncs"]}

    # Then projects' run failed with the cause, and every other service completed
    assert set(runs) == {s.value for s in SiblingService}
    failed = runs["projects"]
    assert failed["status"] == "failed" and "answered 500 after 3 retries" in failed["error_message"]
    assert siblings[PR].url in failed["error_message"]
    assert all(run["status"] == "completed" for name, run in runs.items() if name != "projects")
    assert runs["partners_crm"]["records_processed"] == 2 and stored_metrics(P) == 2
    assert stored_metrics(PR) == 0


def test_a_request_that_times_out_once_is_retried(
    invoke: Invoke, aws: Any, siblings: dict[SiblingService, FakeSibling], inline: None
) -> None:
    # Given a service whose next answer comes after longer than the client's 0.5 s timeout
    siblings[P].add(donation(1))
    siblings[P].stall_next(1, 3.0)

    (started,) = trigger(invoke, {"service_name": "partners_crm"})["syncs"]

    run = fetch(invoke, started["id"])
    assert run["status"] == "completed" and run["meta"]["retries"] == 1
    assert len(siblings[P].requests) == 2 and stored_metrics(P) == 1


def test_a_service_that_never_answers_in_time_fails_with_a_timeout(
    invoke: Invoke, aws: Any, siblings: dict[SiblingService, FakeSibling], inline: None
) -> None:
    siblings[P].stall_next(100, 3.0)

    (started,) = trigger(invoke, {"service_name": "partners_crm"})["syncs"]

    run = fetch(invoke, started["id"])
    assert run["status"] == "failed" and "ReadTimeoutError" in run["error_message"]
    assert len(siblings[P].requests) == 4  # the first request and three retries


def test_records_that_fail_validation_count_as_failed_and_are_kept_as_rejections(
    invoke: Invoke, aws: Any, siblings: dict[SiblingService, FakeSibling], inline: None
) -> None:
    # Given a good donation, one with a negative amount, one of an unknown type and one without an id
    bad_amount = {**donation(2), "data": {"amount": -5}}
    unknown = {**donation(3), "id": "x-3", "type": "refund"}
    siblings[P].add(
        donation(1), bad_amount, unknown, {"type": "donation", "timestamp": "2025-12-01T00:00:00Z"}
    )

    (started,) = trigger(invoke, {"service_name": "partners_crm"})["syncs"]

    run = fetch(invoke, started["id"])
    assert run["status"] == "completed"
    assert (run["records_processed"], run["records_failed"]) == (1, 3) and stored_metrics(P) == 1
    from functions.ingest_api.handler import lambda_handler as ingest_api

    query = {"message_id": f"sync:{started['id']}"}
    event = load_event("sync_list", path="/api/v1/ingest/rejections", query=query, role="admin")
    rejections = invoke(ingest_api, event).body["items"]
    reasons = {tuple(r["reason"][0]["loc"]) for r in rejections}
    assert {("data", "amount"), ("type",), ("id",)} == reasons
    assert all(r["kind"] == "sync_record" for r in rejections)


def test_records_older_than_the_retention_window_are_rejected_and_the_watermark_moves_on(
    invoke: Invoke, aws: Any, siblings: dict[SiblingService, FakeSibling], inline: None
) -> None:
    expired = dt.datetime.now(dt.UTC) - dt.timedelta(days=get_settings().ANALYTICS_RETENTION_DAYS + 1)
    siblings[P].add({**donation(1), "id": "old", "timestamp": expired.isoformat()}, donation(2))

    (started,) = trigger(invoke, {"service_name": "partners_crm"})["syncs"]

    run = fetch(invoke, started["id"])
    assert (run["records_processed"], run["records_failed"]) == (1, 1) and stored_metrics(P) == 1
    assert run["last_sync_timestamp"] == donation(2)["timestamp"].replace("+00:00", "Z")
    with get_engine().connect() as connection:
        reason = connection.execute(text("SELECT reason->0->>'type' FROM ingest_rejections")).scalar_one()
    assert reason == "timestamp_expired"


def test_the_hourly_data_sync_task_syncs_every_service(
    aws: Any, siblings: dict[SiblingService, FakeSibling]
) -> None:
    # Given one record at each service
    siblings[P].add(donation(1))
    siblings[PR].add(project(1))
    moment = START.isoformat()
    siblings[SiblingService.SOCIAL_MEDIA].add(
        {
            "id": "e1",
            "type": "engagement",
            "timestamp": moment,
            "data": {"platform": "x", "likes": 3, "shares": 1},
        }
    )
    siblings[SiblingService.NOTIFICATION].add(
        {
            "id": "n1",
            "type": "notification",
            "timestamp": moment,
            "data": {"channel": "sms", "status": "opened"},
        }
    )
    siblings[SiblingService.AUTH].add({"id": "u1", "type": "user_login", "timestamp": moment})
    siblings[SiblingService.CONTENT].add({"id": "c1", "type": "content_viewed", "timestamp": moment})

    # When EventBridge's hourly rule fires the scheduler
    answer = scheduler({"task": "data_sync"}, LambdaContext())

    # Then every service was synced in one round
    assert answer["status"] == "success", answer
    runs = answer["result"]["syncs"]
    assert {run["service_name"] for run in runs} == {s.value for s in SiblingService}
    assert all(run["status"] == "completed" and run["records_processed"] == 1 for run in runs)
    assert all(run["meta"]["trigger"] == "schedule" and run["sync_type"] == "incremental" for run in runs)
    assert stored_metrics(SiblingService.SOCIAL_MEDIA) == 2  # post_likes and post_shares
    assert stored_metrics(SiblingService.NOTIFICATION) == 3  # sent, delivered, opened


def test_stopping_a_running_sync_ends_it_between_pages(
    invoke: Invoke, aws: Any, siblings: dict[SiblingService, FakeSibling], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a service with ten slow pages, synced in the background
    siblings[P].add(*(donation(n) for n in range(30)))
    siblings[P].behaviour.page_delay = 0.2
    launcher = ThreadLauncher()
    monkeypatch.setattr(sync_handler, "sync_launcher", lambda: launcher)
    (started,) = trigger(invoke, {"service_name": "partners_crm"})["syncs"]
    deadline = time.monotonic() + 10
    while fetch(invoke, started["id"]).get("meta", {}).get("pages", 0) < 1 and time.monotonic() < deadline:
        time.sleep(0.05)

    # When it is asked to stop
    stop = invoke(sync_api, load_event("sync_trigger", path=f"/api/v1/sync/{started['id']}/stop", body={}))
    launcher.join()

    # Then it ended as cancelled after a page, keeping exactly the pages it stored
    assert stop.status == 202 and stop.body["meta"]["stop_requested_at"]
    run = fetch(invoke, started["id"])
    assert run["status"] == "cancelled", run
    assert 1 <= run["meta"]["pages"] < 10
    assert run["records_processed"] == 3 * run["meta"]["pages"] == stored_metrics(P)
    # And a stopped sync cannot be stopped again; the next one continues from its watermark
    again = invoke(sync_api, load_event("sync_trigger", path=f"/api/v1/sync/{started['id']}/stop", body={}))
    assert again.status == 409


def test_a_sync_past_its_time_budget_ends_timed_out_and_the_next_continues(
    invoke: Invoke,
    aws: Any,
    siblings: dict[SiblingService, FakeSibling],
    inline: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a budget of one second and pages that take 0.4 s each
    monkeypatch.setenv("SYNC_TIMEOUT_SECONDS", "1")
    get_settings.cache_clear()
    siblings[P].add(*(donation(n) for n in range(30)))
    siblings[P].behaviour.page_delay = 0.4

    (started,) = trigger(invoke, {"service_name": "partners_crm"})["syncs"]

    run = fetch(invoke, started["id"])
    assert run["status"] == "timed_out" and "time budget of 1 s" in run["error_message"]
    assert 1 <= run["meta"]["pages"] <= 4 and stored_metrics(P) == run["records_processed"]
    # When the next incremental sync runs without the delay, it asks from where the last one stopped
    siblings[P].behaviour.page_delay = 0
    asked_before = len(siblings[P].requests)
    (following,) = trigger(invoke, {"service_name": "partners_crm"})["syncs"]
    watermark = dt.datetime.fromisoformat(run["last_sync_timestamp"].replace("Z", "+00:00"))
    assert siblings[P].requests[asked_before]["since"] == watermark.isoformat()
    assert fetch(invoke, following["id"])["status"] == "completed"
    assert stored_metrics(P) == 30


def test_the_service_token_is_sent_and_a_refused_one_fails_the_run(
    invoke: Invoke,
    aws: Any,
    siblings: dict[SiblingService, FakeSibling],
    inline: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    siblings[P].add(donation(1))
    siblings[P].behaviour.token = "s3cret"
    monkeypatch.setenv("SYNC_SERVICE_TOKEN", "wrong")
    get_settings.cache_clear()
    (refused,) = trigger(invoke, {"service_name": "partners_crm"})["syncs"]
    run = fetch(invoke, refused["id"])
    assert run["status"] == "failed" and "answered 401" in run["error_message"]
    assert "wrong" not in run["error_message"]

    monkeypatch.setenv("SYNC_SERVICE_TOKEN", "s3cret")
    get_settings.cache_clear()
    (accepted,) = trigger(invoke, {"service_name": "partners_crm"})["syncs"]
    assert fetch(invoke, accepted["id"])["status"] == "completed" and stored_metrics(P) == 1
