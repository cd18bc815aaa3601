"""The merged OpenAPI document says what each operation answers (the fuzzer checks it against answers:
tests/e2e/test_openapi_fuzz.py); these check its shape where a reader, or a client generator, relies on it."""

from __future__ import annotations

import re
from typing import Any

import pytest

from analytics_infra.routes import Access, match
from functions.docs.handler import lambda_handler as docs_handler
from tests.integration.conftest import Invoke, load_event

REF = "#/components/schemas/"
HEALTH_CHECKS = ("/api/v1/health", "/health", "/health-check")  # their 503 is their own answer, degraded


@pytest.fixture
def document(invoke: Invoke) -> dict[str, Any]:
    result = invoke(docs_handler, load_event("docs_openapi"))
    assert result.status == 200
    body: dict[str, Any] = result.body
    return body


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]


def refs(response: dict[str, Any]) -> set[str]:
    """The component names a JSON response's schema refers to, directly or through anyOf."""
    schema = response["content"]["application/json"]["schema"]
    return {s["$ref"].removeprefix(REF) for s in [schema, *schema.get("anyOf", [])] if "$ref" in s}


def route_access(method: str, path: str) -> Access:
    route = match(method, re.sub(r"\{[^}]+\}", "x", path))
    assert route is not None, f"{method} {path} is in the document but not in the route table"
    return route.access


def test_every_operation_documents_what_every_route_can_answer(document: dict[str, Any]) -> None:
    for method, path, operation in operations(document):
        responses = operation["responses"]
        name = f"{method} {path}"

        assert refs(responses["422"]) == {"ValidationErrorDetail"}, name
        assert refs(responses["503"]) == {"ErrorDetail"} or path in HEALTH_CHECKS, name
        assert {"ErrorDetail", "GatewayMessage"} <= refs(responses["401"]), name
        assert {"ErrorDetail", "GatewayMessage"} <= refs(responses["403"]), name
        if "requestBody" in operation:
            assert {"ErrorDetail", "GatewayMessage"} <= refs(responses["413"]), name
            assert refs(responses["415"]) == {"ErrorDetail"}, name
        if "{" in path:
            assert refs(responses["404"]) == {"ErrorDetail"}, name


def test_security_follows_the_route_table(document: dict[str, Any]) -> None:
    for method, path, operation in operations(document):
        behind_jwt_authorizer = route_access(method, path) in (Access.WRITE, Access.PRIVATE)

        expected = [{"bearerAuth": []}] if behind_jwt_authorizer else [{}, {"bearerAuth": []}]
        assert operation["security"] == expected, f"{method} {path}"


def test_error_bodies_are_detail_or_the_gateways_message(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]

    assert schemas["ErrorDetail"]["required"] == ["detail"]
    assert schemas["ValidationErrorDetail"]["properties"]["detail"]["items"] == {"$ref": REF + "FieldError"}
    assert schemas["FieldError"]["required"] == ["loc", "msg", "type"]
    assert schemas["GatewayMessage"]["required"] == ["message"]


def test_successes_are_documented_with_their_own_statuses(document: dict[str, Any]) -> None:
    paths = document["paths"]

    assert refs(paths["/api/v1/metrics"]["post"]["responses"]["201"]) == {"MetricResponse"}
    assert refs(paths["/api/v1/metrics"]["post"]["responses"]["200"]) == {"MetricResponse"}
    assert refs(paths["/api/v1/reports/generate"]["post"]["responses"]["202"]) == {"ReportResponse"}
    assert refs(paths["/api/v1/health"]["get"]["responses"]["503"]) == {"Health"}
    assert refs(paths["/health"]["get"]["responses"]["503"]) == {"SimpleHealth"}
    deleted = paths["/api/v1/metrics/{metric_id}"]["delete"]["responses"]
    assert deleted["204"]["content"] == {} and "200" not in deleted


def test_the_download_is_a_redirect_without_a_body(document: dict[str, Any]) -> None:
    responses = document["paths"]["/api/v1/reports/{report_id}/download"]["get"]["responses"]

    assert responses["302"]["content"] == {}
    assert responses["302"]["headers"]["Location"]["schema"] == {"type": "string"}
    assert "200" not in responses
    assert refs(responses["409"]) == {"ErrorDetail"}


def test_a_dashboards_invalid_widget_is_documented_as_a_validation_error(document: dict[str, Any]) -> None:
    responses = document["paths"]["/api/v1/dashboards"]["post"]["responses"]

    assert refs(responses["201"]) == {"DashboardResponse"}
    assert refs(responses["422"]) == {"ValidationErrorDetail"}


def test_bar_and_pie_charts_require_group_by(document: dict[str, Any]) -> None:
    for chart, required in (("bar", True), ("pie", True), ("line", False), ("area", False)):
        parameters = document["paths"][f"/api/v1/charts/{chart}"]["get"]["parameters"]
        group_by = next(p for p in parameters if p["name"] == "group_by")
        assert group_by["required"] is required, chart


def test_a_sync_request_must_name_a_service(document: dict[str, Any]) -> None:
    schema = document["components"]["schemas"]["SyncRequest"]
    operation = document["paths"]["/api/v1/sync"]["post"]
    query = next(p for p in operation["parameters"] if p["name"] == "service_name")

    assert [alternative["required"] for alternative in schema["anyOf"]] == [
        ["service_name"],
        ["service_names"],
    ]
    assert "required unless a JSON body names them" in query["description"]
