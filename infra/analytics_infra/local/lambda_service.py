"""Lambda's Invoke API for the local functions, on 127.0.0.1: what boto3's `lambda.invoke` reaches when
AWS_ENDPOINT_URL_LAMBDA points here (the jobs API's manual trigger, `analytics-local trigger`).

`POST /2015-03-31/functions/{FunctionName}/invocations`, FunctionName `analytics-<function>` or its
ARN. RequestResponse (the default) answers 200 with the function's result, or with Lambda's error
document and `X-Amz-Function-Error: Unhandled` when it raises. Event answers 202 at once and runs the
function on a thread of its own; a failure goes to the log. Lambda would retry a failed asynchronous
invocation twice, this runner does not.

The functions run one event at a time (Functions): a function that invoked another synchronously
would wait for itself, so the functions here only ever invoke with InvocationType Event."""

from __future__ import annotations

import json
import sys
import threading
import traceback
import uuid
from typing import Any, TextIO
from urllib.parse import unquote

from analytics_infra.local.functions import ARN_PREFIX, Functions, UnknownFunction, local_function
from analytics_infra.local.gateway import HttpRequest, HttpResponse
from analytics_infra.local.server import HOST, LocalHttpServer, bind

API_VERSION = "2015-03-31"
INVOCATIONS_PREFIX = f"/{API_VERSION}/functions/"
INVOCATIONS_SUFFIX = "/invocations"
EXECUTED_VERSION = "$LATEST"


class LambdaInvokeApi:
    """The Invoke API's answers, independent of any socket."""

    def __init__(self, functions: Functions, *, log: TextIO = sys.stderr) -> None:
        self._functions = functions
        self._log = log
        self._in_flight: set[threading.Thread] = set()
        self._guard = threading.Lock()

    def handle(self, request: HttpRequest) -> HttpResponse:
        request_id = str(uuid.uuid4())
        path = request.path
        if (
            request.method != "POST"
            or not path.startswith(INVOCATIONS_PREFIX)
            or not path.endswith(INVOCATIONS_SUFFIX)
        ):
            return _error(404, "UnknownOperationException", "Unknown operation", request_id)
        identifier = unquote(path.removeprefix(INVOCATIONS_PREFIX).removesuffix(INVOCATIONS_SUFFIX))
        function = local_function(identifier)
        try:
            if function is None:
                raise UnknownFunction(identifier)
            self._functions.check(function)
        except UnknownFunction:
            return _error(
                404, "ResourceNotFoundException", f"Function not found: {_arn(identifier)}", request_id
            )
        try:
            event = json.loads(request.body) if request.body.strip() else {}
        except ValueError as exc:
            return _error(
                400,
                "InvalidRequestContentException",
                f"Could not parse request body into json: {exc}",
                request_id,
            )
        invocation_type = _header(request, "x-amz-invocation-type") or "RequestResponse"
        if invocation_type == "Event":
            self._start_async(function, event, request_id)
            return HttpResponse(202, [("x-amzn-RequestId", request_id)], b"")
        if invocation_type == "DryRun":
            return HttpResponse(204, [("x-amzn-RequestId", request_id)], b"")
        if invocation_type != "RequestResponse":
            return _error(
                400,
                "InvalidParameterValueException",
                f"Unsupported invocation type {invocation_type!r}",
                request_id,
            )
        return self._invoke(function, event, request_id)

    def wait_for_async(self) -> None:
        """Returns once every Event invocation started so far has finished."""
        while True:
            with self._guard:
                running = next(iter(self._in_flight), None)
            if running is None:
                return
            running.join()

    def _invoke(self, function: str, event: Any, request_id: str) -> HttpResponse:
        headers = [
            ("content-type", "application/json"),
            ("x-amzn-RequestId", request_id),
            ("X-Amz-Executed-Version", EXECUTED_VERSION),
        ]
        try:
            body = json.dumps(self._functions.invoke(function, event)).encode()
        except Exception as exc:
            print(f"[{function}] invocation {request_id} failed:", file=self._log)
            traceback.print_exc(file=self._log)
            document = {
                "errorMessage": str(exc),
                "errorType": type(exc).__name__,
                "requestId": request_id,
                "stackTrace": traceback.format_tb(exc.__traceback__),
            }
            headers.append(("X-Amz-Function-Error", "Unhandled"))
            return HttpResponse(200, headers, json.dumps(document).encode())
        return HttpResponse(200, headers, body)

    def _start_async(self, function: str, event: Any, request_id: str) -> None:
        thread = threading.Thread(
            target=self._run_async, args=(function, event, request_id), name=f"lambda-event-{function}"
        )
        with self._guard:  # started under the guard: wait_for_async never joins an unstarted thread
            self._in_flight.add(thread)
            thread.start()

    def _run_async(self, function: str, event: Any, request_id: str) -> None:
        try:
            self._functions.invoke(function, event)
        except Exception:
            print(
                f"[{function}] asynchronous invocation {request_id} failed (Lambda would retry it twice, "
                "the local runner does not):",
                file=self._log,
            )
            traceback.print_exc(file=self._log)
        finally:
            with self._guard:
                self._in_flight.discard(threading.current_thread())


class LocalLambda:
    """The Invoke API on 127.0.0.1 (a free port): listening from construction, so its URL can be handed
    to the functions before it serves; stopping waits for Event invocations in flight."""

    def __init__(self, functions: Functions, *, log: TextIO = sys.stderr) -> None:
        self.api = LambdaInvokeApi(functions, log=log)
        self._server: LocalHttpServer = bind(0, self.api)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self._server.port}"

    def start(self) -> None:
        self._server.start()

    def stop(self) -> None:
        self._server.stop()
        self.api.wait_for_async()


def _arn(identifier: str) -> str:
    return (
        identifier if identifier.startswith("arn:") else f"{ARN_PREFIX}{identifier.split(':function:')[-1]}"
    )


def _header(request: HttpRequest, name: str) -> str | None:
    return next((value for key, value in request.headers if key.lower() == name), None)


def _error(status: int, error_type: str, message: str, request_id: str) -> HttpResponse:
    """An error of the Lambda service itself, in its REST-JSON shape."""
    headers = [
        ("content-type", "application/json"),
        ("x-amzn-RequestId", request_id),
        ("x-amzn-ErrorType", error_type),
    ]
    return HttpResponse(status, headers, json.dumps({"Type": "User", "Message": message}).encode())
