"""The Analytics Service through `analytics-local up`, over real HTTP, as a client would see it."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import boto3
import jwt
import pytest

from tests.e2e.conftest import CONFIGURED_DATABASE_URL, LocalRunner

pytestmark = pytest.mark.e2e

RUN = uuid.uuid4().hex[:12]  # keeps this run's data apart on a shared DATABASE_URL


def spec_metric(partner_id: str, **changes: Any) -> dict[str, Any]:
    metric = {
        "service_name": "partners_crm",
        "metric_type": "donation",
        "metric_name": "monthly_donation",
        "value": 1000.0,
        "dimensions": {"partner_id": partner_id, "currency": "USD"},
        "timestamp": "2025-12-24T10:00:00Z",
        "idempotency_key": f"{partner_id}-k1",
    }
    return {**metric, **changes}


def listed(runner: LocalRunner, partner_id: str) -> dict[str, Any]:
    reply = runner.request(
        "GET", f"/api/v1/metrics?service_name=partners_crm&dimensions.partner_id={partner_id}"
    )
    assert reply.status == 200, reply.text
    page: dict[str, Any] = reply.json()
    return page


def forged(runner: LocalRunner, *, secret: str | None = None, **changes: Any) -> str:
    now = int(time.time())
    claims = {
        "sub": "e2e",
        "roles": ["service"],
        "iss": "analytics-local",
        "aud": "analytics-service",
        "iat": now,
        "exp": now + 600,
        **changes,
    }
    key = secret or (runner.data_dir / "jwt-secret").read_text().strip()
    return jwt.encode(claims, key, algorithm="HS256")


def test_health_reaches_the_database(runner: LocalRunner) -> None:
    reply = runner.request("GET", "/api/v1/health")

    assert reply.status == 200
    body = reply.json()
    assert body["status"] == "ok"
    assert body["database"]["reachable"] is True
    assert body["database"]["schema_version"] == body["database"]["expected_version"]


def test_spec_metric_is_stored_once(runner: LocalRunner) -> None:
    # Given a service token from the CLI and the spec's example metric
    token = runner.token("service")
    partner = f"e2e-{RUN}-spec"

    # When it is posted, then posted again with the same idempotency key
    created = runner.request("POST", "/api/v1/metrics", spec_metric(partner), token)
    page = listed(runner, partner)
    repeated = runner.request("POST", "/api/v1/metrics", spec_metric(partner, value=5.0), token)

    # Then it is stored once, and the repeat answers with the original
    assert created.status == 201, created.text
    assert created.json()["value"] == 1000.0
    assert [item["id"] for item in page["items"]] == [created.json()["id"]]
    assert repeated.status == 200
    assert repeated.json()["id"] == created.json()["id"]
    assert listed(runner, partner)["total"] == page["total"] == 1


def test_write_without_token_is_401_from_the_gateway(runner: LocalRunner) -> None:
    reply = runner.request("POST", "/api/v1/metrics", spec_metric(f"e2e-{RUN}-anonymous"))

    assert reply.status == 401
    assert reply.json() == {"message": "Unauthorized"}


def test_viewer_may_not_write(runner: LocalRunner) -> None:
    partner = f"e2e-{RUN}-viewer"

    reply = runner.request("POST", "/api/v1/metrics", spec_metric(partner), runner.token("viewer"))

    assert reply.status == 403
    assert "detail" in reply.json()
    assert listed(runner, partner)["total"] == 0


@pytest.mark.parametrize(
    "token_for",
    [
        lambda runner: forged(runner, exp=int(time.time()) - 60),
        lambda runner: forged(runner, aud="another-service"),
        lambda runner: forged(runner, secret="not-the-local-secret-" + "x" * 40),
    ],
    ids=["expired", "wrong audience", "wrong signature"],
)
def test_bad_tokens_are_401(runner: LocalRunner, token_for: Any) -> None:
    reply = runner.request("POST", "/api/v1/metrics", spec_metric(f"e2e-{RUN}-bad-token"), token_for(runner))

    assert reply.status == 401
    assert reply.json() == {"message": "Unauthorized"}


def test_a_forged_token_with_the_local_secret_passes(runner: LocalRunner) -> None:
    # The same claims as the bad-token cases, valid: proves those fail for the reason named.
    partner = f"e2e-{RUN}-forged"

    reply = runner.request("POST", "/api/v1/metrics", spec_metric(partner), forged(runner))

    assert reply.status == 201, reply.text


def test_bogus_metric_type_is_422_naming_the_field(runner: LocalRunner) -> None:
    reply = runner.request(
        "POST",
        "/api/v1/metrics",
        spec_metric(f"e2e-{RUN}-bogus", metric_type="bogus"),
        runner.token("service"),
    )

    assert reply.status == 422
    assert ["body", "metric_type"] in [error["loc"] for error in reply.json()["detail"]]


def test_bulk_of_1000_with_3_bad_items(runner: LocalRunner) -> None:
    partner = f"e2e-{RUN}-bulk"
    items = [spec_metric(partner, value=float(i), idempotency_key=f"{partner}-{i}") for i in range(1000)]
    items[10]["metric_type"] = "bogus"
    items[500]["value"] = "many"
    del items[999]["metric_name"]

    reply = runner.request("POST", "/api/v1/metrics/bulk", {"metrics": items}, runner.token("service"))

    assert reply.status == 201, reply.text[:500]
    result = reply.json()
    assert (result["created"], result["duplicates"], result["failed"]) == (997, 0, 3)
    assert [error["index"] for error in result["errors"]] == [10, 500, 999]
    assert listed(runner, partner)["total"] == 997


def test_docs_and_openapi(runner: LocalRunner) -> None:
    docs = runner.request("GET", "/api/v1/docs")
    openapi = runner.request("GET", "/api/v1/openapi.json")

    assert docs.status == 200
    assert docs.headers["Content-Type"].startswith("text/html")
    assert "swagger" in docs.text.lower()
    assert openapi.status == 200
    assert {"/api/v1/metrics", "/api/v1/metrics/bulk"} <= set(openapi.json()["paths"])


def test_unknown_route_is_404_from_the_gateway(runner: LocalRunner) -> None:
    reply = runner.request("GET", "/api/v2/nothing")

    assert reply.status == 404
    assert reply.json() == {"message": "Not Found"}


def test_head_is_a_bodiless_get_and_methods_without_routes_are_json_404s(runner: LocalRunner) -> None:
    head = runner.request("HEAD", "/api/v1/health")
    answers = {method: runner.request(method, "/api/v1/health") for method in ("OPTIONS", "TRACE")}

    assert (head.status, head.text) == (200, "")
    for reply in answers.values():
        assert (reply.status, reply.json()) == (404, {"message": "Not Found"})


def test_aws_resources_exist_in_moto(runner: LocalRunner) -> None:
    endpoints = runner.endpoints
    session = boto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=endpoints["aws_region"]
    )
    sqs = session.client("sqs", endpoint_url=endpoints["aws_endpoint_url"])
    s3 = session.client("s3", endpoint_url=endpoints["aws_endpoint_url"])
    events = session.client("events", endpoint_url=endpoints["aws_endpoint_url"])

    queues = sqs.list_queues()["QueueUrls"]
    redrive = sqs.get_queue_attributes(
        QueueUrl=endpoints["ingest_queue_url"], AttributeNames=["RedrivePolicy"]
    )
    buckets = [bucket["Name"] for bucket in s3.list_buckets()["Buckets"]]
    bus = events.describe_event_bus(Name=endpoints["event_bus"])

    assert {endpoints["ingest_queue_url"], endpoints["dlq_url"]} <= set(queues)
    policy = json.loads(redrive["Attributes"]["RedrivePolicy"])
    assert int(policy["maxReceiveCount"]) == 5
    assert policy["deadLetterTargetArn"].endswith(":analytics-ingest-dlq")
    assert endpoints["bucket"] in buckets
    assert bus["Name"] == endpoints["event_bus"]


def test_data_survives_a_restart(runner: LocalRunner) -> None:
    # Given a stored metric
    partner = f"e2e-{RUN}-restart"
    stored = runner.request("POST", "/api/v1/metrics", spec_metric(partner), runner.token("service"))
    assert stored.status == 201

    # When the runner is stopped with Ctrl+C and started again on the same data folder
    assert runner.stop() == 0
    assert not runner.endpoints_file.exists()
    if CONFIGURED_DATABASE_URL is None:
        assert not (runner.data_dir / "pgdata" / "postmaster.pid").exists(), "PostgreSQL still runs"
    runner.start()

    # Then the metric is still there
    assert [item["id"] for item in listed(runner, partner)["items"]] == [stored.json()["id"]]
