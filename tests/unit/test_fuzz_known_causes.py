"""The fuzz test's known causes recognise their own requests, and only those: a cause that matched more would
hide a new failure of the same operation."""

from __future__ import annotations

import json

import pytest

from tests.e2e.fuzz import Failure, explained
from tests.e2e.known_failures import KNOWN_CAUSES

BASE = "http://127.0.0.1:8009"
JOB = "/api/v1/jobs/4de0d478-5169-5770-bc97-13220692b714"


def failure(
    method: str, path: str, body: bytes = b"", content_type: str = "application/json", query: str = ""
) -> Failure:
    return Failure(
        auth="admin token",
        check="not_a_server_error",
        title="Server error",
        operation=f"{method} {path}",
        method=method,
        uri=BASE + path + (f"?{query}" if query else ""),
        status=500,
        request_headers={"Content-Type": content_type} if body else {},
        request_body=body,
        response_body=b'{"message": "Internal Server Error"}',
        message="",
    )


def metric(**fields: object) -> bytes:
    body = {"service_name": "auth", "metric_type": "custom", "metric_name": "x", "value": 1, **fields}
    return json.dumps(body).encode()


@pytest.mark.parametrize(
    ("case", "cause"),
    [
        (failure("POST", f"{JOB}/trigger", b"\xa8"), "body not valid UTF-8"),
        (failure("POST", "/api/v1/sync", b"{}", "multipart/form-data"), "unsupported Content-Type"),
        (failure("POST", "/api/v1/dashboards", b'{"name": "a\\u0000b"}'), "NUL character"),
        (failure("POST", "/api/v1/metrics", metric(meta={"x": float("nan")})), "NaN or Infinity"),
        (failure("PUT", JOB, b'{"name": null}'), "explicit nulls"),
        (failure("POST", "/api/v1/metrics", metric(timestamp="2025-01-01T00:00:00+16:00")), "UTC offset"),
        (
            failure(
                "GET",
                "/api/v1/metrics/statistics",
                query="group_by=" + ",".join(f"dimensions.k{i}" for i in range(90)),
            ),
            "group_by with",
        ),
        (failure("TRACE", "/api/v1/health"), "HEAD, OPTIONS or TRACE"),
    ],
)
def test_a_known_cause_recognises_its_request(case: Failure, cause: str) -> None:
    assert cause in (explained(case, KNOWN_CAUSES) or "")


@pytest.mark.parametrize(
    "case",
    [
        failure("POST", "/api/v1/metrics", metric(timestamp="2025-01-01T00:00:00+14:00")),
        failure("PUT", JOB, b'{"name": "nightly", "is_active": false}'),
        failure("PUT", "/api/v1/dashboards/4de0d478-5169-5770-bc97-13220692b714", b'{"description": null}'),
        failure("GET", "/api/v1/metrics/statistics", query="group_by=service_name,dimensions.country"),
        failure("GET", "/api/v1/health"),
    ],
)
def test_no_known_cause_explains_an_ordinary_request(case: Failure) -> None:
    assert explained(case, KNOWN_CAUSES) is None
