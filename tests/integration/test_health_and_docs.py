"""Health and the merged OpenAPI document."""

from __future__ import annotations

import pytest

from functions.docs.handler import lambda_handler as docs_handler
from functions.health.handler import lambda_handler as health_handler
from functions.simple.handler import lambda_handler as simple_handler
from tests.conftest import reset_caches
from tests.integration.conftest import HttpResult, Invoke, load_event


def test_health_reports_database_and_schema_version(invoke: Invoke, migrated: str) -> None:
    result = invoke(health_handler, load_event("health"))

    assert result.status == 200
    assert result.body["status"] == "ok"
    assert result.body["database"] == {
        "reachable": True,
        "schema_version": migrated,
        "expected_version": migrated,
        "error": None,
    }


def test_health_is_503_when_the_database_is_unreachable(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"postgresql://postgres@/postgres?host={tmp_path}")
    reset_caches()
    try:
        result = invoke(health_handler, load_event("health"))
    finally:
        monkeypatch.undo()
        reset_caches()

    assert result.status == 503
    assert result.body["status"] == "degraded"
    assert result.body["database"]["reachable"] is False
    assert result.body["database"]["error"]


def test_openapi_document_covers_every_route_group(invoke: Invoke) -> None:
    result = invoke(docs_handler, load_event("docs_openapi"))

    paths = result.body["paths"]
    assert result.status == 200
    assert {"/api/v1/metrics", "/api/v1/metrics/bulk", "/api/v1/events", "/api/v1/health"} <= set(paths)
    assert paths["/api/v1/metrics"]["post"]["security"] == [{"bearerAuth": []}]
    assert "get" in paths["/api/v1/metrics/{metric_id}"] and "delete" in paths["/api/v1/metrics/{metric_id}"]
    example = result.body["components"]["schemas"]["MetricCreate"]["examples"][0]
    assert example["service_name"] == "partners_crm"


def test_swagger_ui_is_served(invoke: Invoke) -> None:
    result = invoke(docs_handler, load_event("docs_openapi", path="/api/v1/docs"))
    assert result.status == 200
    assert "swagger" in result.body.lower()


def test_redoc_is_served_with_its_script_from_the_service(invoke: Invoke) -> None:
    page = invoke(docs_handler, load_event("docs_openapi", path="/api/v1/redoc"))
    script = invoke(docs_handler, load_event("docs_openapi", path="/api/v1/redoc.standalone.js"))

    assert page.status == 200 and page.headers["Content-Type"].startswith("text/html")
    assert '<redoc spec-url="/api/v1/openapi.json">' in page.body
    assert '<script src="/api/v1/redoc.standalone.js">' in page.body and "http" not in page.body
    assert script.status == 200 and len(script.body) > 500_000 and "Redoc" in script.body


def simple_get(invoke: Invoke, path: str) -> HttpResult:
    event = load_event("simple_health", path=path)
    event["routeKey"] = event["requestContext"]["routeKey"] = f"GET {path}"
    return invoke(simple_handler, event)


def test_the_simple_api_serves_its_own_document_swagger_ui_and_redoc(invoke: Invoke) -> None:
    document = simple_get(invoke, "/openapi.json")
    swagger = simple_get(invoke, "/docs")
    redoc = simple_get(invoke, "/redoc")

    assert document.status == 200
    assert set(document.body["paths"]) == {
        "/health",
        "/health-check",
        "/metrics",
        "/metrics/{metric_name}",
        "/events",
        "/dashboard",
    }
    assert "spec/004" in document.body["info"]["title"]
    assert swagger.status == 200 and "swagger" in swagger.body.lower()
    assert redoc.status == 200 and '<redoc spec-url="/openapi.json">' in redoc.body
