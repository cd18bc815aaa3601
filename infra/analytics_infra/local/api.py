"""The local HTTP API: route, authorize, invoke, answer — what API Gateway does between a client and
the functions, independent of any socket."""

from __future__ import annotations

import dataclasses
import json
import sys
import threading
import traceback
from typing import TextIO

from analytics_infra.local.authorizer import JwtAuthorizer, Unauthorized
from analytics_infra.local.functions import Functions, UnknownFunction
from analytics_infra.local.gateway import (
    HttpRequest,
    HttpResponse,
    build_event,
    gateway_response,
    to_http_response,
)
from analytics_infra.local.server import Api
from analytics_infra.routes import match, requires_token, takes_optional_token


class LocalApi:
    def __init__(
        self,
        functions: Functions,
        authorizer: JwtAuthorizer,
        *,
        require_auth_for_reads: bool,
        log: TextIO = sys.stderr,
    ) -> None:
        self._functions = functions
        self._authorizer = authorizer
        self._require_auth_for_reads = require_auth_for_reads
        self._log = log

    def handle(self, request: HttpRequest) -> HttpResponse:
        if request.method == "HEAD":
            # Answered as the GET it stands for; the socket leaves out the body.
            request = dataclasses.replace(request, method="GET")
        route = match(request.method, request.path)
        if route is None:
            # OPTIONS too: an HTTP API answers preflights itself only when it has a CORS configuration, and
            # the stack gives it none; otherwise OPTIONS, like TRACE or any method, has to match a route.
            return gateway_response(404, "Not Found")
        event = build_event(request, route)
        if requires_token(route, require_auth_for_reads=self._require_auth_for_reads):
            try:
                event["requestContext"]["authorizer"] = self._authorizer.authorize(event["headers"])
            except Unauthorized:
                return gateway_response(401, "Unauthorized")
        elif takes_optional_token(route, require_auth_for_reads=self._require_auth_for_reads):
            try:
                event["requestContext"]["authorizer"] = self._authorizer.authorize_optional(event["headers"])
            except Unauthorized:
                # The optional Lambda authorizer's {"isAuthorized": false}: API Gateway answers 403.
                return gateway_response(403, "Forbidden")
        request_id = event["requestContext"]["requestId"]
        try:
            return to_http_response(self._functions.invoke(route.function, event), request_id=request_id)
        except UnknownFunction as exc:
            print(f"{route.key}: {exc}", file=self._log)
        except Exception:
            # A function that raises or answers nonsense (MalformedResponse) is a bug; API Gateway hides
            # it behind a 500 and the details go to the function's log.
            print(f"[{route.function}] {route.key} failed (request {request_id}):", file=self._log)
            traceback.print_exc(file=self._log)
        return gateway_response(500, "Internal Server Error")


class UntilReady:
    """The API once `ready()` is called; until then a 503 that says the runner is starting, with a
    Retry-After, so that a client which comes early gets an answer rather than a connection nobody reads."""

    RETRY_AFTER_SECONDS = 2

    def __init__(self, api: Api) -> None:
        self._api = api
        self._ready = threading.Event()

    def ready(self) -> None:
        self._ready.set()

    def handle(self, request: HttpRequest) -> HttpResponse:
        if self._ready.is_set():
            return self._api.handle(request)
        detail = (
            "analytics-local up is still starting (database, AWS, demo data); "
            f"try again in {self.RETRY_AFTER_SECONDS} s"
        )
        headers = [("content-type", "application/json"), ("retry-after", str(self.RETRY_AFTER_SECONDS))]
        return HttpResponse(503, headers, json.dumps({"detail": detail}).encode())
