"""The local runner's API Gateway translation: HTTP request to payload 2.0 event, result to response."""

from __future__ import annotations

import base64
import json

import pytest

from analytics_infra.local.gateway import (
    HttpRequest,
    MalformedResponse,
    build_event,
    gateway_response,
    to_http_response,
)
from analytics_infra.routes import Route, match


def route_for(method: str, path: str) -> Route:
    route = match(method, path)
    assert route is not None
    return route


def test_event_has_the_payload_2_shape() -> None:
    # Given a POST below the metrics prefix with repeated query parameters and headers
    request = HttpRequest(
        method="POST",
        target="/api/v1/metrics/bulk?tag=a&tag=b&q=x%20y",
        headers=[
            ("Host", "127.0.0.1:8009"),
            ("Content-Type", "application/json"),
            ("X-Multi", "1"),
            ("x-multi", "2"),
        ],
        body=b'{"metrics": []}',
        source_ip="127.0.0.9",
    )

    # When it becomes an event
    event = build_event(request, route_for("POST", request.path), request_id="req-1", epoch_ms=1766570400000)

    # Then it reads like API Gateway's
    assert event["version"] == "2.0"
    assert event["routeKey"] == "POST /api/v1/metrics/{proxy+}"
    assert event["rawPath"] == "/api/v1/metrics/bulk"
    assert event["rawQueryString"] == "tag=a&tag=b&q=x%20y"
    assert event["headers"] == {
        "host": "127.0.0.1:8009",
        "content-type": "application/json",
        "x-multi": "1,2",
    }
    assert event["queryStringParameters"] == {"tag": "a,b", "q": "x y"}
    assert event["pathParameters"] == {"proxy": "bulk"}
    context = event["requestContext"]
    assert context["http"] == {
        "method": "POST",
        "path": "/api/v1/metrics/bulk",
        "protocol": "HTTP/1.1",
        "sourceIp": "127.0.0.9",
        "userAgent": "",
    }
    assert context["requestId"] == "req-1"
    assert context["routeKey"] == "POST /api/v1/metrics/{proxy+}"
    assert context["stage"] == "$default"
    assert context["timeEpoch"] == 1766570400000
    assert context["time"] == "24/Dec/2025:10:00:00 +0000"
    assert "authorizer" not in context
    assert event["body"] == '{"metrics": []}'
    assert event["isBase64Encoded"] is False


def test_exact_route_has_no_path_parameters_query_or_body() -> None:
    event = build_event(HttpRequest("GET", "/api/v1/health"), route_for("GET", "/api/v1/health"))

    assert event["routeKey"] == "GET /api/v1/health"
    assert event["rawQueryString"] == ""
    for absent in ("queryStringParameters", "pathParameters", "body", "cookies"):
        assert absent not in event


def test_cookies_move_out_of_the_headers() -> None:
    request = HttpRequest("GET", "/api/v1/metrics", headers=[("Cookie", "a=1; b=2")])

    event = build_event(request, route_for("GET", "/api/v1/metrics"))

    assert event["cookies"] == ["a=1", "b=2"]
    assert "cookie" not in event["headers"]


def test_binary_body_is_base64_encoded() -> None:
    request = HttpRequest("POST", "/api/v1/events", body=b"\xff\x00\xfe")

    event = build_event(request, route_for("POST", "/api/v1/events"))

    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b"\xff\x00\xfe"


def test_proxy_parameter_is_decoded() -> None:
    request = HttpRequest("GET", "/api/v1/metrics/by-service/partners%5Fcrm")

    event = build_event(request, route_for("GET", request.path))

    assert event["pathParameters"] == {"proxy": "by-service/partners_crm"}


def test_structured_result_becomes_the_response() -> None:
    result = {
        "statusCode": 201,
        "headers": {"Content-Type": "application/json"},
        "multiValueHeaders": {"X-Trace": ["a", "b"]},
        "cookies": ["session=1; HttpOnly"],
        "body": '{"id": "m1"}',
        "isBase64Encoded": False,
    }

    response = to_http_response(result, request_id="req-1")

    assert response.status == 201
    assert response.headers == [
        ("Content-Type", "application/json"),
        ("X-Trace", "a"),
        ("X-Trace", "b"),
        ("set-cookie", "session=1; HttpOnly"),
        ("apigw-requestid", "req-1"),
    ]
    assert json.loads(response.body) == {"id": "m1"}


def test_base64_body_is_decoded() -> None:
    result = {"statusCode": 200, "body": base64.b64encode(b"%PDF").decode(), "isBase64Encoded": True}

    assert to_http_response(result, request_id="r").body == b"%PDF"


def test_bare_value_is_a_200_json_body() -> None:
    # Payload 2.0: a result without statusCode is the body itself.
    response = to_http_response({"ok": True}, request_id="r")

    assert response.status == 200
    assert ("content-type", "application/json") in response.headers
    assert json.loads(response.body) == {"ok": True}


@pytest.mark.parametrize(
    "result",
    [{"statusCode": "not a number"}, {"statusCode": 200, "body": {"not": "a string"}}],
)
def test_malformed_result_is_refused(result: dict[str, object]) -> None:
    with pytest.raises(MalformedResponse):
        to_http_response(result, request_id="r")


def test_gateway_answers_in_its_own_shape() -> None:
    response = gateway_response(404, "Not Found")

    assert response.status == 404
    assert json.loads(response.body) == {"message": "Not Found"}
