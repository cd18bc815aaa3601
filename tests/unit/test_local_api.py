"""The local API between client and functions: routing, the authorizer's verdict, errors, as API Gateway."""

from __future__ import annotations

import io
import json
from types import ModuleType
from typing import Any

import pytest

from analytics.enums import Role
from analytics.settings import Settings
from analytics_infra.local.api import LocalApi
from analytics_infra.local.authorizer import JwtAuthorizer
from analytics_infra.local.functions import Functions
from analytics_infra.local.gateway import HttpRequest
from analytics_infra.local.tokens import build_claims, sign

SECRET = "api-test-secret-" + "s" * 48
SETTINGS = Settings()


class FakeFunctions:
    """Handler modules that record the events they get and answer with a fixed result."""

    def __init__(
        self, result: Any = None, error: Exception | None = None, missing: frozenset[str] = frozenset()
    ) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.result = result if result is not None else {"statusCode": 200, "body": '{"ok": true}'}
        self.error = error
        self.missing = missing

    def import_module(self, module_name: str) -> ModuleType:
        name = module_name.split(".")[1]
        if name in self.missing:
            raise ModuleNotFoundError(f"No module named {module_name!r}", name=module_name)
        module = ModuleType(module_name)

        def lambda_handler(event: dict[str, Any], context: Any) -> Any:
            self.events.append((name, event))
            if self.error:
                raise self.error
            return self.result

        module.lambda_handler = lambda_handler  # type: ignore[attr-defined]
        return module


def local_api(fake: FakeFunctions, *, require_auth_for_reads: bool = False) -> tuple[LocalApi, io.StringIO]:
    log = io.StringIO()
    authorizer = JwtAuthorizer(SECRET, SETTINGS.JWT_ISSUER, SETTINGS.JWT_AUDIENCE)
    api = LocalApi(
        Functions(fake.import_module), authorizer, require_auth_for_reads=require_auth_for_reads, log=log
    )
    return api, log


def with_token(role: Role = Role.SERVICE) -> list[tuple[str, str]]:
    return [("Authorization", f"Bearer {sign(build_claims(role, SETTINGS), SECRET)}")]


@pytest.mark.parametrize(
    ("method", "target", "function", "route_key"),
    [
        ("GET", "/api/v1/health", "health", "GET /api/v1/health"),
        ("GET", "/api/v1/metrics?service_name=partners_crm", "metrics", "GET /api/v1/metrics"),
        ("GET", "/api/v1/metrics/", "metrics", "GET /api/v1/metrics"),
        ("GET", "/api/v1/metrics/by-type/donation", "metrics", "GET /api/v1/metrics/{proxy+}"),
        ("GET", "/api/v1/events/e1", "events", "GET /api/v1/events/{proxy+}"),
        ("GET", "/api/v1/openapi.json", "docs", "GET /api/v1/openapi.json"),
        ("GET", "/api/v1/docs", "docs", "GET /api/v1/docs"),
        ("GET", "/health-check", "simple", "GET /health-check"),
        ("GET", "/metrics", "simple", "GET /metrics"),
        ("GET", "/metrics/page%20views?hours=24", "simple", "GET /metrics/{proxy+}"),
        ("GET", "/events?event_name=user_signup", "simple", "GET /events"),
        ("GET", "/dashboard", "simple", "GET /dashboard"),
    ],
)
def test_reads_reach_their_function_without_a_token(
    method: str, target: str, function: str, route_key: str
) -> None:
    fake = FakeFunctions()
    api, _ = local_api(fake)

    response = api.handle(HttpRequest(method, target))

    assert response.status == 200
    assert [name for name, _ in fake.events] == [function]
    event = fake.events[0][1]
    assert event["routeKey"] == route_key
    assert "authorizer" not in event["requestContext"]


@pytest.mark.parametrize(
    ("method", "target"),
    [("GET", "/api/v1/nothing"), ("GET", "/"), ("POST", "/api/v1/health"), ("GET", "/api/v1/metricsx")],
)
def test_unknown_routes_are_404_from_the_gateway(method: str, target: str) -> None:
    fake = FakeFunctions()
    api, _ = local_api(fake)

    response = api.handle(HttpRequest(method, target))

    assert response.status == 404
    assert json.loads(response.body) == {"message": "Not Found"}
    assert fake.events == []


@pytest.mark.parametrize("method", ["OPTIONS", "TRACE", "CONNECT", "PROPFIND"])
def test_methods_without_routes_are_404_from_the_gateway(method: str) -> None:
    # OPTIONS too: the stack configures no CORS, so API Gateway has no preflight answer of its own
    fake = FakeFunctions()
    api, _ = local_api(fake)

    response = api.handle(HttpRequest(method, "/api/v1/metrics"))

    assert response.status == 404
    assert json.loads(response.body) == {"message": "Not Found"}
    assert fake.events == []


def test_head_is_answered_by_the_get_route() -> None:
    fake = FakeFunctions({"statusCode": 200, "headers": {"ETag": "x1"}, "body": '{"ok": true}'})
    api, _ = local_api(fake)

    response = api.handle(HttpRequest("HEAD", "/api/v1/metrics/by-type/donation"))

    assert (response.status, response.body) == (200, b'{"ok": true}')  # the socket drops the body
    event = fake.events[0][1]
    assert event["routeKey"] == "GET /api/v1/metrics/{proxy+}"
    assert event["requestContext"]["http"]["method"] == "GET"


def test_write_without_token_is_401_and_never_reaches_the_function() -> None:
    fake = FakeFunctions()
    api, _ = local_api(fake)

    response = api.handle(HttpRequest("POST", "/api/v1/metrics", body=b"{}"))

    assert response.status == 401
    assert json.loads(response.body) == {"message": "Unauthorized"}
    assert fake.events == []


def test_write_with_token_carries_the_claims() -> None:
    fake = FakeFunctions({"statusCode": 201, "body": "{}"})
    api, _ = local_api(fake)

    response = api.handle(HttpRequest("POST", "/api/v1/metrics", with_token(Role.SERVICE), b"{}"))

    assert response.status == 201
    claims = fake.events[0][1]["requestContext"]["authorizer"]["jwt"]["claims"]
    assert claims["sub"] == "local-service"
    assert claims["roles"] == "[service]"


def test_reads_need_a_token_when_configured() -> None:
    fake = FakeFunctions()
    api, _ = local_api(fake, require_auth_for_reads=True)

    assert api.handle(HttpRequest("GET", "/api/v1/metrics")).status == 401
    assert api.handle(HttpRequest("GET", "/api/v1/metrics", with_token(Role.VIEWER))).status == 200
    assert len(fake.events) == 1


@pytest.mark.parametrize("target", ["/api/v1/dashboards", "/api/v1/dashboards/3f0c8a9e/data"])
def test_optional_reads_without_a_token_reach_the_function_as_anonymous(target: str) -> None:
    fake = FakeFunctions()
    api, _ = local_api(fake)

    response = api.handle(HttpRequest("GET", target))

    # As on AWS: the optional authorizer answered authorized with an empty context
    assert response.status == 200
    assert fake.events[0][1]["requestContext"]["authorizer"] == {"lambda": {}}


def test_optional_reads_with_a_token_carry_the_caller_as_the_optional_authorizer_passes_it() -> None:
    fake = FakeFunctions()
    api, _ = local_api(fake)
    claims = build_claims(Role.ANALYST, SETTINGS, sub="ana")
    claims["roles"] = ["analyst", "admin"]
    token = sign(claims, SECRET)

    with_bearer = api.handle(
        HttpRequest("GET", "/api/v1/dashboards/d1", [("Authorization", f"Bearer {token}")])
    )
    bare = api.handle(HttpRequest("GET", "/api/v1/dashboards/d1", [("Authorization", token)]))

    assert (with_bearer.status, bare.status) == (200, 200)
    for _, event in fake.events:
        assert event["requestContext"]["authorizer"] == {"lambda": {"sub": "ana", "roles": "admin analyst"}}


@pytest.mark.parametrize(
    "authorization",
    [
        pytest.param(
            f"Bearer {sign(build_claims(Role.ANALYST, SETTINGS), 'another-secret-' + 'x' * 48)}",
            id="signature",
        ),
        pytest.param(
            f"Bearer {sign(build_claims(Role.ANALYST, SETTINGS, expires_in=-60), SECRET)}", id="expired"
        ),
        pytest.param("Bearer not-a-jwt", id="malformed"),
        pytest.param("Bearer ", id="empty"),
        pytest.param("Basic YTpi", id="another scheme"),
    ],
)
def test_optional_reads_with_a_bad_token_are_403_and_never_anonymous(authorization: str) -> None:
    fake = FakeFunctions()
    api, _ = local_api(fake)

    response = api.handle(HttpRequest("GET", "/api/v1/dashboards", [("Authorization", authorization)]))

    # The optional Lambda authorizer's {"isAuthorized": false} is API Gateway's 403
    assert response.status == 403
    assert json.loads(response.body) == {"message": "Forbidden"}
    assert fake.events == []


def test_optional_reads_are_plain_protected_reads_when_reads_need_a_token() -> None:
    fake = FakeFunctions()
    api, _ = local_api(fake, require_auth_for_reads=True)

    assert api.handle(HttpRequest("GET", "/api/v1/dashboards")).status == 401
    assert api.handle(HttpRequest("GET", "/api/v1/dashboards", with_token(Role.VIEWER))).status == 200
    assert fake.events[0][1]["requestContext"]["authorizer"]["jwt"]["claims"]["roles"] == "[viewer]"


def test_a_crashing_function_is_a_500_with_the_traceback_in_the_log() -> None:
    fake = FakeFunctions(error=RuntimeError("boom"))
    api, log = local_api(fake)

    response = api.handle(HttpRequest("GET", "/api/v1/health"))

    assert response.status == 500
    assert json.loads(response.body) == {"message": "Internal Server Error"}
    assert "RuntimeError: boom" in log.getvalue()


def test_a_malformed_result_is_a_500() -> None:
    api, log = local_api(FakeFunctions({"statusCode": 200, "body": {"not": "a string"}}))

    assert api.handle(HttpRequest("GET", "/api/v1/health")).status == 500
    assert "MalformedResponse" in log.getvalue()


def test_a_function_without_code_is_a_500_naming_it() -> None:
    fake = FakeFunctions(missing=frozenset({"health"}))
    api, log = local_api(fake)

    response = api.handle(HttpRequest("GET", "/api/v1/health"))

    assert response.status == 500
    assert "functions/health/handler.py" in log.getvalue()
