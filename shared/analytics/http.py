"""What every API function shares: the resolver set-up, error mapping and the caller's identity.

Handlers stay thin: typed input in, one domain call, output model out. Errors are domain exceptions
mapped to HTTP here, in one place, with the `{"detail": ...}` body of ARCHITECTURE.md.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from enum import StrEnum
from http import HTTPStatus
from typing import Any, TypedDict

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import ResponseBuilder
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse, OpenAPIResponseHeader
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic_core import to_json

from analytics.answer_size import sized_for_lambda
from analytics.auth import Action, Principal, authorize, principal_from_claims, with_token_roles
from analytics.errors import DomainError, Unauthorized, http_status
from analytics.http_detail import error_detail
from analytics.schemas.errors import ErrorDetail, GatewayMessage, ValidationErrorDetail
from analytics.settings import get_settings

# OpenAPI: the bearer scheme, and the `security` of routes that need `Authorization: Bearer <JWT>`.
BEARER_SCHEME = {"bearerAuth": HTTPBearer(bearerFormat="JWT")}
BEARER_AUTH: list[dict[str, list[str]]] = [{"bearerAuth": []}]
# Reads: a token may be sent (and must be where the deployment requires tokens for reads).
OPTIONAL_BEARER_AUTH: list[dict[str, list[str]]] = [{}, {"bearerAuth": []}]


class Caller(StrEnum):
    """Who may call a route, as API Gateway checks it before the function runs (infra's route `Access`)."""

    # Open reads; behind the JWT authorizer where the deployment requires tokens for reads.
    ANYONE = "anyone"
    # Open reads that verify a token when one is sent (the dashboards' optional authorizer).
    IDENTIFIED = "identified"
    # Writes and admin views: always behind the JWT authorizer.
    TOKEN = "token"


class RouteDocs(TypedDict):
    """What `documented` gives a route decorator: `@app.get(path, **documented(...), summary=...)`."""

    responses: dict[int, OpenAPIResponse]
    security: list[dict[str, list[str]]]


SUCCESS_DESCRIPTIONS = {
    200: "Successful Response",
    201: "Created",
    202: "Accepted: the work runs in the background",
    204: "Done; no body",
}
ERROR_DESCRIPTIONS = {
    400: "Well formed but makes no sense (an end before its start, an unknown time zone, a bad cron, ...)",
    404: "No such resource (or one the caller may not see)",
    409: "The resource's state does not allow it now",
    413: "The body is over a limit: the route's own (`detail`), or API Gateway's 10 MB (`message`)",
    415: "The body is not `application/json`",
    422: "A path, query or body field fails its schema: `detail` lists each one",
    503: "The database or an AWS service is unreachable for now; retry",
}
GATEWAY_401 = 'API Gateway\'s JWT authorizer answers `{"message": "Unauthorized"}`'
WHERE_READS_NEED_TOKENS = "Where the deployment requires tokens for reads: "
UNAUTHORIZED = {
    Caller.TOKEN: f"Without a valid bearer token ({GATEWAY_401})",
    Caller.IDENTIFIED: f"{WHERE_READS_NEED_TOKENS}without a valid bearer token ({GATEWAY_401})",
    Caller.ANYONE: f"{WHERE_READS_NEED_TOKENS}without a valid bearer token ({GATEWAY_401})",
}
FORBIDDEN = {
    Caller.TOKEN: "The token lacks the role this needs",
    Caller.IDENTIFIED: "A token was sent and fails verification (the optional authorizer: "
    '`{"message": "Forbidden"}`), or it lacks a role',
    Caller.ANYONE: f"{WHERE_READS_NEED_TOKENS}the token lacks a role",
}
# Where API Gateway may answer instead of the function, the body is either shape.
FROM_GATEWAY_TOO = (401, 403, 413)
REDIRECT_LOCATION: OpenAPIResponseHeader = {
    "description": "Where to go: the answer has no body",
    "schema": {"type": "string"},
}


def documented(
    *errors: int,
    ok: int | Mapping[int, str] = 200,
    why: Mapping[int, str] | None = None,
    caller: Caller = Caller.ANYONE,
    body: bool = False,
    answer: Any = None,
) -> RouteDocs:
    """The statuses a route answers, for its OpenAPI operation, and who may call it.

    `ok` are its successes, documented with the route's return model (204 without a body, a 3xx as a
    redirect with `Location`); `errors` (and `why`, with their own descriptions) the route's own failures:
    400, 404, 409. What every route can answer is added here: 422 (bad path or query parameters, or body)
    and 503 (database down); 401 and 403 (behind API Gateway's authorizers, or where reads need a token);
    413 and 415 for routes that take a body. Errors are `{"detail": ...}`; where API Gateway answers by
    itself (401, 403, 413) `{"message": ...}` too. A status in `ok` is documented as a success only
    (the health check's 503 answers its own model). `answer` is the successes' model, for a route that
    answers JSON it wrote itself (a Response) rather than its return model."""
    successes = {ok: SUCCESS_DESCRIPTIONS.get(ok, "Successful Response")} if isinstance(ok, int) else ok
    described = {**ERROR_DESCRIPTIONS, 401: UNAUTHORIZED[caller], 403: FORBIDDEN[caller], **(why or {})}
    failures = {*errors, *(why or {}), 401, 403, 422, 503, *((413, 415) if body else ())}
    responses = {status: _success(status, text, answer) for status, text in successes.items()}
    for status in sorted(failures - successes.keys()):
        responses[status] = _failure(status, described[status])
    return RouteDocs(
        responses=responses, security=BEARER_AUTH if caller is Caller.TOKEN else OPTIONAL_BEARER_AUTH
    )


def _success(status: int, description: str, answer: Any = None) -> OpenAPIResponse:
    if answer is not None:
        return {"description": description, "content": {content_types.APPLICATION_JSON: {"model": answer}}}
    if status == 204:
        return {"description": description, "content": {}}
    if 300 <= status < 400:
        return {"description": description, "headers": {"Location": REDIRECT_LOCATION}, "content": {}}
    return {"description": description}  # Powertools documents the route's return model


def _failure(status: int, description: str) -> OpenAPIResponse:
    if status == 422:
        model: Any = ValidationErrorDetail
    elif status in FROM_GATEWAY_TOO:
        model = ErrorDetail | GatewayMessage
    else:
        model = ErrorDetail
    return {"description": description, "content": {content_types.APPLICATION_JSON: {"model": model}}}


def json_response(status: int, body: Any) -> Response:
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=body)


def write_json(body: Any) -> str:
    """An answer's JSON (every resolver's `serializer`), written by pydantic-core: Python's json module took
    longer over a three-year daily answer than its query, and seconds over the largest answers."""
    return to_json(body).decode()


def read_json_body(body: str) -> Any:
    """A request body's JSON (every resolver's `json_body_deserializer`): nesting too deep for Python's
    reader, or an integer of more digits than it reads, is answered as invalid JSON, a 422, like any other
    unreadable body."""
    try:
        return json.loads(body)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply", body, 0) from None
    except ValueError as exc:
        raise json.JSONDecodeError(str(exc), body, 0) from None


def configure_resolver(app: APIGatewayHttpResolver) -> None:
    """Every function's resolver: one error shape, and the bearer scheme its routes may name. (Each
    handler builds its own `APIGatewayHttpResolver(...)`, passing read_json_body and write_json: the docs
    function finds the resolvers to merge by that call.)"""
    register_exception_handlers(app)
    app.use(middlewares=[refuse_nul_in_parameters])
    app.configure_openapi(title="Analytics Service API", security_schemes=BEARER_SCHEME)  # type: ignore[arg-type]


def refuse_nul_in_parameters(app: APIGatewayHttpResolver, next_middleware: NextMiddleware) -> Response:
    """PostgreSQL text cannot hold the NUL character: a query or path parameter holding one (`%00`) is
    refused here rather than failing its query."""
    event = app.current_event
    parameters = {**(event.query_string_parameters or {}), **(event.path_parameters or {})}
    if any("\x00" in text for pair in parameters.items() for text in pair):
        return json_response(
            HTTPStatus.UNPROCESSABLE_ENTITY,
            {
                "detail": [
                    {"loc": ["query"], "msg": "parameters must not contain the NUL character", "type": "nul"}
                ]
            },
        )
    return next_middleware(app)


def register_exception_handlers(app: APIGatewayHttpResolver) -> None:
    @app.exception_handler(RequestValidationError)
    def _invalid_input(exc: RequestValidationError) -> Response:
        return json_response(HTTPStatus.UNPROCESSABLE_ENTITY, {"detail": error_detail(exc.errors())})

    @app.not_found
    def _no_route(exc: Exception) -> Response:
        method = app.current_event.http_method
        return json_response(
            HTTPStatus.NOT_FOUND, {"detail": f"no route for {method} {app.current_event.path}"}
        )

    @app.exception_handler(DomainError)
    def _domain_error(exc: DomainError) -> Response:
        return json_response(http_status(exc), {"detail": exc.detail})


def resolve(app: APIGatewayHttpResolver, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Resolves the event; a trailing slash names the same resource (`/api/v1/metrics/`). A body the API
    cannot read at all is answered here: the resolver would read it before any middleware could. A large
    answer is compressed or refused (analytics.answer_size)."""
    path = event.get("rawPath", "")
    if len(path) > 1 and path.endswith("/"):
        event = {**event, "rawPath": path.rstrip("/")}
    headers = event.get("headers") or {}
    if "content-type" in headers:  # case-insensitive, but the resolver reads only `application/json`
        event = {**event, "headers": {**headers, "content-type": headers["content-type"].lower()}}
    request = APIGatewayProxyEventV2(event)
    refusal = unreadable_body(request)
    if refusal is not None:
        return ResponseBuilder[APIGatewayProxyEventV2](refusal).build(request)
    return sized_for_lambda(app.resolve(event, context), headers.get("accept-encoding"))


def unreadable_body(request: APIGatewayProxyEventV2) -> Response | None:
    """Every body is JSON in UTF-8: another media type is a 415 (a missing Content-Type is taken as JSON),
    bytes that are not UTF-8 text a 422."""
    if not request.body:
        return None
    content_type = request.headers.get("content-type")
    if content_type is not None and content_type.split(";")[0].strip() != "application/json":
        detail = f"Content-Type {content_type!r} is not supported: send the body as application/json"
        return json_response(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, {"detail": detail})
    try:
        request.decoded_body  # noqa: B018 (decoding is the check)
    except UnicodeDecodeError as exc:
        problem = f"the body is not UTF-8 text (byte {exc.start}): send JSON encoded as UTF-8"
        return json_response(
            HTTPStatus.UNPROCESSABLE_ENTITY,
            {"detail": [{"loc": ["body"], "msg": problem, "type": "utf8_invalid"}]},
        )
    return None


def caller(app: APIGatewayHttpResolver) -> Principal | None:
    """The principal whose claims an authorizer passed, or None for an anonymous caller.

    Protected routes get the JWT authorizer's claims (`authorizer.jwt.claims`); routes with optional
    authentication get the optional authorizer's context (`authorizer.lambda`: `sub` and the roles
    claim, roles space-separated), empty when no token was sent."""
    authorizer = app.current_event.raw_event.get("requestContext", {}).get("authorizer") or {}
    roles_claim = get_settings().JWT_ROLES_CLAIM
    claims = (authorizer.get("jwt") or {}).get("claims")
    if claims:
        claims = with_token_roles(claims, app.current_event.headers.get("authorization"), roles_claim)
    return principal_from_claims(claims or authorizer.get("lambda"), roles_claim)


def require(app: APIGatewayHttpResolver, action: Action) -> Principal | None:
    """Checks the caller may do `action`; returns the caller."""
    principal = caller(app)
    authorize(principal, action, require_token_for_reads=get_settings().REQUIRE_AUTH_FOR_READS)
    return principal


def require_caller(app: APIGatewayHttpResolver, action: Action) -> Principal:
    """As require, for an action that always needs a token: the caller, never anonymous."""
    principal = require(app, action)
    if principal is None:
        raise Unauthorized("a valid bearer token is required")
    return principal
