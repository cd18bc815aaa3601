"""The sync API in-process: input shapes, who may write, pending syncs, start and stop, status and
statistics. Launches are recorded here, not run (test_sync_runs.py runs them over real sockets)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, ClassVar

import pytest

from functions.sync import handler as sync_handler
from functions.sync.handler import lambda_handler as sync_api
from tests.integration.conftest import HttpResult, Invoke, load_event


class RecordingLauncher:
    launched: ClassVar[list[list[str]]] = []

    def launch(self, sync_ids: Sequence[uuid.UUID]) -> None:
        RecordingLauncher.launched.append([str(s) for s in sync_ids])


@pytest.fixture(autouse=True)
def recording(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    RecordingLauncher.launched = []
    monkeypatch.setattr(sync_handler, "sync_launcher", RecordingLauncher)
    return RecordingLauncher.launched


def post(invoke: Invoke, path: str = "/api/v1/sync", **overrides: Any) -> HttpResult:
    overrides.setdefault("body", None)
    event = load_event("sync_trigger", path=path, **overrides)
    if overrides["body"] is None:
        event["body"] = None
    return invoke(sync_api, event)


def get(invoke: Invoke, path: str, query: dict[str, str] | None = None) -> HttpResult:
    return invoke(sync_api, load_event("sync_list", path=path, query=query))


def test_a_sync_is_requested_with_query_parameters_or_a_json_body(
    invoke: Invoke, recording: list[list[str]]
) -> None:
    by_query = post(invoke, query={"service_name": "partners_crm,projects", "sync_type": "full"})
    assert by_query.status == 202, by_query.body
    assert [(s["service_name"], s["sync_type"]) for s in by_query.body["syncs"]] == [
        ("partners_crm", "full"),
        ("projects", "full"),
    ]
    assert all(
        s["status"] == "pending" and s["meta"]["requested_by"] == "admin-1" for s in by_query.body["syncs"]
    )
    assert recording == [[s["id"] for s in by_query.body["syncs"]]]

    by_body = post(invoke, body={"service_names": ["social_media"], "sync_type": "manual"})
    assert by_body.status == 202 and by_body.body["syncs"][0]["sync_type"] == "manual"


@pytest.mark.parametrize(
    ("overrides", "status", "fragment"),
    [
        ({"query": {"service_name": "payroll"}}, 422, "service_name"),
        ({}, 422, "service_name"),
        ({"body": {"service_name": "projects", "sync_type": "sometimes"}}, 422, "sync_type"),
        ({"body": {"service_name": "projects"}, "query": {"sync_type": "full"}}, 400, "not both"),
    ],
)
def test_a_bad_request_is_a_4xx_saying_what_is_wrong(
    invoke: Invoke, overrides: dict[str, Any], status: int, fragment: str
) -> None:
    result = post(invoke, **overrides)

    assert result.status == status, result.body
    assert fragment in str(result.body["detail"])


def test_writes_need_an_admin_token(invoke: Invoke) -> None:
    body = {"service_name": "projects"}
    assert post(invoke, body=body, role=None).status == 401
    assert post(invoke, body=body, role="analyst").status == 403
    assert post(invoke, path="/api/v1/sync/aggregate-all", body={}, role="service").status == 403
    assert get(invoke, "/api/v1/sync").status == 200  # reads are open by default


def test_a_service_already_syncing_is_a_409_and_is_skipped_by_aggregate_all(invoke: Invoke) -> None:
    first = post(invoke, body={"service_name": "projects"}).body["syncs"][0]

    again = post(invoke, body={"service_name": "projects"})
    assert again.status == 409 and first["id"] in again.body["detail"]

    everything = post(invoke, path="/api/v1/sync/aggregate-all", body={"sync_type": "full"})
    assert everything.status == 202
    assert [s["service_name"] for s in everything.body["skipped"]] == ["projects"]
    assert len(everything.body["syncs"]) == 5 and {s["sync_type"] for s in everything.body["syncs"]} == {
        "full"
    }


def test_stopping_a_pending_sync_cancels_it_and_starting_it_again_runs_a_new_one(
    invoke: Invoke, recording: list[list[str]]
) -> None:
    sync = post(invoke, body={"service_name": "notification"}).body["syncs"][0]

    stopped = post(invoke, path=f"/api/v1/sync/{sync['id']}/stop")
    assert stopped.status == 202 and stopped.body["status"] == "cancelled"
    assert post(invoke, path=f"/api/v1/sync/{sync['id']}/stop").status == 409

    restarted = post(invoke, path=f"/api/v1/sync/{sync['id']}/start")
    assert restarted.status == 202 and restarted.body["id"] != sync["id"]
    assert restarted.body["status"] == "pending" and restarted.body["meta"]["rerun_of"] == sync["id"]
    assert recording[-1] == [restarted.body["id"]]
    # A pending sync is started again as itself (its first launch may have been lost)
    assert post(invoke, path=f"/api/v1/sync/{restarted.body['id']}/start").body["id"] == restarted.body["id"]


def test_unknown_syncs_are_404s_and_a_bad_id_is_a_422(invoke: Invoke) -> None:
    missing = str(uuid.uuid4())
    assert get(invoke, f"/api/v1/sync/{missing}").status == 404
    assert post(invoke, path=f"/api/v1/sync/{missing}/stop").status == 404
    assert get(invoke, "/api/v1/sync/not-a-uuid").status == 422


def test_syncs_are_listed_with_filters_and_summed_up(invoke: Invoke) -> None:
    post(invoke, body={"service_names": ["projects", "auth"]})
    cancelled = post(invoke, body={"service_name": "content"}).body["syncs"][0]
    post(invoke, path=f"/api/v1/sync/{cancelled['id']}/stop")

    pending = get(invoke, "/api/v1/sync", {"status": "pending"}).body
    assert pending["total"] == 2 and {s["service_name"] for s in pending["items"]} == {"projects", "auth"}
    assert get(invoke, "/api/v1/sync", {"service_name": "content"}).body["total"] == 1
    assert get(invoke, "/api/v1/sync", {"end_date": "2000-01-01"}).body["total"] == 0
    assert get(invoke, "/api/v1/sync", {"start_date": "2030-01-02", "end_date": "2030-01-01"}).status == 400

    summary = get(invoke, "/api/v1/sync/statistics/summary").body
    assert summary["total_syncs"] == 3
    assert summary["by_status"]["pending"] == 2 and summary["by_status"]["cancelled"] == 1
    assert summary["success_rate"] == 0.0
    assert {s["service_name"] for s in summary["services"]} == {"projects", "auth", "content"}

    status = get(invoke, "/api/v1/sync/status/current", {"service_name": "projects"}).body
    (projects,) = status["services"]
    assert projects["in_progress"]["status"] == "pending" and projects["last"] is None
    assert status["enabled"] is True and projects["url"].startswith("http")


def put(invoke: Invoke, sync_id: str, body: dict[str, Any], role: str = "admin") -> HttpResult:
    event = load_event("sync_trigger", path=f"/api/v1/sync/{sync_id}", body=body, role=role)
    event["requestContext"]["http"]["method"] = "PUT"
    event["routeKey"] = event["requestContext"]["routeKey"] = "PUT /api/v1/sync/{proxy+}"
    return invoke(sync_api, event)


def test_an_admin_marks_a_lost_sync_failed_and_moves_a_finished_syncs_watermark(invoke: Invoke) -> None:
    [pending] = post(invoke, query={"service_name": "partners_crm"}).body["syncs"]

    refused = put(invoke, pending["id"], {"last_sync_timestamp": "2025-12-01T00:00:00Z"})
    not_admin = put(invoke, pending["id"], {"status": "failed"}, role="analyst")
    failed = put(invoke, pending["id"], {"status": "failed"})
    again = put(invoke, pending["id"], {"status": "failed"})
    moved = put(invoke, pending["id"], {"last_sync_timestamp": "2025-12-01T00:00:00Z"})
    bad = put(invoke, pending["id"], {"status": "completed"})

    assert refused.status == 409 and "finished" in refused.body["detail"]
    assert not_admin.status == 403
    assert failed.status == 200 and failed.body["status"] == "failed"
    assert failed.body["error_message"] == "marked failed by an admin" and failed.body["completed_at"]
    assert again.status == 409
    assert moved.status == 200 and moved.body["last_sync_timestamp"] == "2025-12-01T00:00:00Z"
    assert bad.status == 422
    assert put(invoke, str(uuid.uuid4()), {"status": "failed"}).status == 404


def test_the_status_and_statistics_answer_at_the_specs_paths_too(invoke: Invoke) -> None:
    post(invoke, query={"service_name": "partners_crm"})

    assert get(invoke, "/api/v1/sync/status").body == get(invoke, "/api/v1/sync/status/current").body
    assert get(invoke, "/api/v1/sync/statistics").body == get(invoke, "/api/v1/sync/statistics/summary").body
    assert get(invoke, "/api/v1/sync/status").status == 200
