"""Bodies the API cannot read, text PostgreSQL cannot store, nulls that mean nothing and groupings nobody
reads are refused with a 4xx that names the problem, on every route they can reach."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

import pytest

from analytics.enums import Role
from analytics.settings import get_settings
from analytics_infra.local.authorizer import authorizer_context
from analytics_infra.local.functions import Functions
from analytics_infra.local.gateway import HttpRequest, build_event
from analytics_infra.local.tokens import build_claims
from analytics_infra.routes import match
from functions.docs.handler import lambda_handler as docs
from tests.integration.conftest import Invoke, LambdaContext, load_event

FUNCTIONS = Functions()


def routes_with_a_body() -> list[tuple[str, str]]:
    """Every operation of the OpenAPI document that takes a body, with its path parameters filled in."""
    document = json.loads(docs(load_event("docs_openapi"), LambdaContext())["body"])
    found = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if "requestBody" in operation:
                filled = "/".join(
                    str(uuid.uuid4()) if part.startswith("{") else part for part in path.split("/")
                )
                found.append((method.upper(), filled))
    return found


ROUTES_WITH_A_BODY = routes_with_a_body()


def send(
    method: str, path: str, body: bytes, content_type: str | None = "application/json"
) -> dict[str, Any]:
    """The route's function called as API Gateway would, by an admin; its status and JSON answer."""
    route = match(method, path)
    assert route is not None, f"no route for {method} {path}"
    headers = [("host", "127.0.0.1")] + ([("content-type", content_type)] if content_type else [])
    event = build_event(HttpRequest(method, path, headers, body), route)
    event["requestContext"]["authorizer"] = authorizer_context(
        build_claims(Role.ADMIN, get_settings(), sub="admin-user")
    )
    response = FUNCTIONS.invoke(route.function, event)
    return {"status": response["statusCode"], "body": json.loads(response["body"] or "null")}


def test_every_route_that_takes_a_body_is_checked_here() -> None:
    assert len(ROUTES_WITH_A_BODY) == 24


@pytest.mark.parametrize(("method", "path"), ROUTES_WITH_A_BODY)
def test_a_body_that_is_not_utf8_is_a_422_on_every_route(method: str, path: str) -> None:
    latin1 = '{"name": "café", "metric_name": "café"}'.encode("latin-1")

    answer = send(method, path, latin1)

    assert answer["status"] == 422, answer
    assert answer["body"]["detail"][0]["type"] == "utf8_invalid"
    assert "UTF-8" in answer["body"]["detail"][0]["msg"]


@pytest.mark.parametrize(
    "content_type",
    [
        "multipart/form-data",
        "multipart/form-data; boundary=x",
        "text/plain",
        "application/x-www-form-urlencoded",
    ],
)
@pytest.mark.parametrize(("method", "path"), ROUTES_WITH_A_BODY)
def test_a_media_type_other_than_json_is_a_415(method: str, path: str, content_type: str) -> None:
    answer = send(method, path, b'{"name": "x"}', content_type)

    assert answer["status"] == 415, answer
    assert content_type in answer["body"]["detail"] and "application/json" in answer["body"]["detail"]


@pytest.mark.parametrize("content_type", [None, "application/json; charset=utf-8", "Application/JSON"])
def test_json_with_or_without_its_media_type_is_read(content_type: str | None) -> None:
    metric = {"service_name": "projects", "metric_type": "project", "metric_name": "m", "value": 1}

    answer = send("POST", "/api/v1/metrics", json.dumps(metric).encode(), content_type)

    assert answer["status"] == 201, answer


def test_a_base64_body_that_decodes_to_utf8_is_read(invoke: Invoke) -> None:
    event = load_event("events_create", body={})
    event["body"] = base64.b64encode(json.dumps({"event_name": "café"}).encode()).decode()
    event["isBase64Encoded"] = True

    answer = invoke_event(event)

    assert answer["status"] == 201, answer


def invoke_event(event: dict[str, Any]) -> dict[str, Any]:
    response = FUNCTIONS.invoke("events", event)
    return {"status": response["statusCode"], "body": json.loads(response["body"])}


WIDGET = {
    "id": "w1",
    "type": "number",
    "title": "Donations",
    "query": {"metric_name": "donation_received"},
    "layout": {"x": 0, "y": 0, "w": 3, "h": 2},
}
NUL_BODIES = [
    ("POST", "/api/v1/dashboards", {"name": "a\u0000b"}),
    ("POST", "/api/v1/dashboards", {"name": "a", "description": "x\u0000"}),
    ("POST", "/api/v1/dashboards", {"name": "a", "config": {"widgets": [{**WIDGET, "title": "t\u0000"}]}}),
    ("POST", "/api/v1/jobs", {"name": "j\u0000", "job_type": "custom", "schedule": "0 6 * * *"}),
    (
        "POST",
        "/api/v1/jobs",
        {"name": "j", "job_type": "custom", "schedule": "0 6 * * *", "config": {"task\u0000": "retention"}},
    ),
    ("POST", "/api/v1/reports/generate", {"name": "r\u0000", "report_type": "monthly", "format": "json"}),
    (
        "POST",
        "/api/v1/reports/schedule",
        {
            "name": "r",
            "report_type": "monthly",
            "format": "json",
            "schedule": "0 6 1 * *",
            "description": "\u0000",
        },
    ),
    ("POST", "/api/v1/sync", {"service_name": "partners_crm\u0000"}),
]


@pytest.mark.parametrize(("method", "path", "body"), NUL_BODIES)
def test_nul_characters_in_names_descriptions_and_configs_are_a_422(
    method: str, path: str, body: dict[str, Any]
) -> None:
    answer = send(method, path, json.dumps(body).encode())

    assert answer["status"] == 422, answer
    assert "NUL" in json.dumps(answer["body"]["detail"])


def created(path: str, body: dict[str, Any]) -> str:
    answer = send("POST", path, json.dumps(body).encode())
    assert answer["status"] == 201, answer
    return str(answer["body"]["id"])


@pytest.mark.parametrize("field", ["name", "is_active", "config", "schedule"])
def test_a_job_update_with_an_explicit_null_is_a_422_that_names_the_field(aws: Any, field: str) -> None:
    job = created("/api/v1/jobs", {"name": "j", "job_type": "custom", "schedule": "0 6 * * *"})

    answer = send("PUT", f"/api/v1/jobs/{job}", json.dumps({field: None}).encode())

    assert answer["status"] == 422, answer
    assert f"{field} cannot be null" in answer["body"]["detail"][0]["msg"]


def test_a_null_description_clears_it_and_a_null_dashboard_name_is_refused(aws: Any) -> None:
    dashboard = created("/api/v1/dashboards", {"name": "d", "description": "old"})
    job = created(
        "/api/v1/jobs", {"name": "j", "job_type": "custom", "schedule": "0 6 * * *", "description": "x"}
    )

    cleared = send("PUT", f"/api/v1/dashboards/{dashboard}", b'{"description": null}')
    cleared_job = send("PUT", f"/api/v1/jobs/{job}", b'{"description": null}')
    refused = send("PUT", f"/api/v1/dashboards/{dashboard}", b'{"name": null, "is_public": null}')

    assert cleared["status"] == 200 and cleared["body"]["description"] is None
    assert cleared_job["status"] == 200 and cleared_job["body"]["description"] is None
    assert refused["status"] == 422
    assert "is_public, name cannot be null" in refused["body"]["detail"][0]["msg"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/metrics/statistics",
        "/api/v1/metrics/time-series/data",
        "/api/v1/metrics/trends",
        "/api/v1/charts/line",
        "/api/v1/charts/area",
        "/api/v1/charts/bar",
        "/api/v1/charts/pie",
    ],
)
def test_grouping_by_more_than_the_stated_maximum_is_a_400(path: str) -> None:
    keys = ",".join(f"dimensions.k{n}" for n in range(90))
    route = match("GET", path)
    assert route is not None
    event = build_event(HttpRequest("GET", f"{path}?group_by={keys}", [("host", "127.0.0.1")]), route)

    response = FUNCTIONS.invoke(route.function, event)

    assert response["statusCode"] == 400, response
    assert "group by at most 8 fields, got 90" in json.loads(response["body"])["detail"]
