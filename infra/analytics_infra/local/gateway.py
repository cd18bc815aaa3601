"""API Gateway HTTP API, payload format 2.0: an HTTP request becomes a Lambda event, the Lambda's
result becomes an HTTP response, the way the managed service does both."""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from analytics_infra.routes import Route

ACCOUNT_ID = "123456789012"
API_ID = "local"
STAGE = "$default"
PROXY_SUFFIX = "/{proxy+}"


@dataclass(frozen=True)
class HttpRequest:
    method: str
    target: str  # the request line's target: path and query string as sent
    headers: list[tuple[str, str]] = field(default_factory=list)  # in order, repeats allowed
    body: bytes = b""
    source_ip: str = "127.0.0.1"

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> str:
        return urlsplit(self.target).query


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


class MalformedResponse(Exception):
    """The function returned something API Gateway cannot turn into a response (it answers 500)."""


def gateway_response(status: int, message: str) -> HttpResponse:
    """An answer from API Gateway itself, never reaching a function: `{"message": ...}`."""
    return HttpResponse(
        status, [("content-type", "application/json")], json.dumps({"message": message}).encode()
    )


def build_event(
    request: HttpRequest,
    route: Route,
    *,
    request_id: str | None = None,
    epoch_ms: int | None = None,
) -> dict[str, Any]:
    """The payload 2.0 event API Gateway sends for `request` matched to `route` (no authorizer block)."""
    request_id = request_id or str(uuid.uuid4())
    epoch_ms = epoch_ms if epoch_ms is not None else int(time.time() * 1000)
    headers = _joined((name.lower(), value) for name, value in request.headers if name.lower() != "cookie")
    cookies = [
        part.strip()
        for name, value in request.headers
        if name.lower() == "cookie"
        for part in value.split(";")
        if part.strip()
    ]
    host = headers.get("host", "127.0.0.1")
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route.key,
        "rawPath": request.path,
        "rawQueryString": request.query,
        "headers": headers,
        "requestContext": {
            "accountId": ACCOUNT_ID,
            "apiId": API_ID,
            "domainName": host,
            "domainPrefix": host.split(".")[0],
            "http": {
                "method": request.method.upper(),
                "path": request.path,
                "protocol": "HTTP/1.1",
                "sourceIp": request.source_ip,
                "userAgent": headers.get("user-agent", ""),
            },
            "requestId": request_id,
            "routeKey": route.key,
            "stage": STAGE,
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(epoch_ms / 1000)),
            "timeEpoch": epoch_ms,
        },
        "isBase64Encoded": False,
    }
    if cookies:
        event["cookies"] = cookies
    if request.query:
        event["queryStringParameters"] = _joined(parse_qsl(request.query, keep_blank_values=True))
    if route.path.endswith(PROXY_SUFFIX):
        prefix = route.path.removesuffix("{proxy+}")
        event["pathParameters"] = {"proxy": unquote(request.path.removeprefix(prefix).strip("/"))}
    if request.body:
        try:
            event["body"] = request.body.decode("utf-8")
        except UnicodeDecodeError:
            event["body"] = base64.b64encode(request.body).decode("ascii")
            event["isBase64Encoded"] = True
    return event


def to_http_response(result: object, *, request_id: str) -> HttpResponse:
    """API Gateway's reading of a payload 2.0 result: a structured response when it has `statusCode`,
    otherwise the value itself as a 200 JSON body."""
    request_header = ("apigw-requestid", request_id)
    if not (isinstance(result, Mapping) and "statusCode" in result):
        return HttpResponse(
            200, [("content-type", "application/json"), request_header], json.dumps(result).encode()
        )
    try:
        status = int(result["statusCode"])
        headers = [(str(k), str(v)) for k, v in (result.get("headers") or {}).items()]
        headers += [
            (str(k), str(v)) for k, values in (result.get("multiValueHeaders") or {}).items() for v in values
        ]
        headers += [("set-cookie", str(cookie)) for cookie in result.get("cookies") or []]
        body = result.get("body") or ""
        if not isinstance(body, str):
            raise TypeError(f"body is {type(body).__name__}, not a string")
        raw = base64.b64decode(body) if result.get("isBase64Encoded") else body.encode("utf-8")
    except (TypeError, ValueError, AttributeError) as exc:
        raise MalformedResponse(f"malformed Lambda response: {exc}") from exc
    return HttpResponse(status, [*headers, request_header], raw)


def _joined(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Repeated names joined with commas, as API Gateway does for headers and query parameters."""
    joined: dict[str, str] = {}
    for name, value in pairs:
        joined[name] = f"{joined[name]},{value}" if name in joined else value
    return joined
