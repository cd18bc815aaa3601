"""API documentation: the OpenAPI document of every function merged into one, Swagger UI and ReDoc.

The document is built from the sibling `handler.py` files' resolvers, so it never drifts from
the routes. The Lambda's code asset is the whole `functions/` folder for that reason.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.models import Server
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from analytics.api_docs import redoc_page
from analytics.http import BEARER_SCHEME, configure_resolver, read_json_body, resolve, write_json
from analytics.observability import logger, tracer

TITLE = "Analytics Service API"
VERSION = "1.0.0"
DESCRIPTION = (
    "The platform's metrics, events and reporting hub. Reads are open unless the deployment requires "
    "a token for them; writes need `Authorization: Bearer <JWT>` with a role claim "
    '(`viewer`, `analyst`, `admin`, `service`). Errors answer `{"detail": ...}`; API Gateway\'s own answers '
    "(its authorizers' 401 and 403, its 10 MB limit's 413) are `{\"message\": ...}`."
)
FUNCTIONS_DIR = Path(__file__).resolve().parent.parent
# ReDoc's standalone script, unpacked from the npm registry's package by `make install` (see the Makefile).
REDOC_SCRIPT = Path(__file__).resolve().parent / "redoc" / "redoc.standalone.js"

app = APIGatewayHttpResolver(
    enable_validation=True, json_body_deserializer=read_json_body, serializer=write_json
)
configure_resolver(app)
app.configure_openapi_merge(
    path=str(FUNCTIONS_DIR),
    pattern="handler.py",
    recursive=True,
    exclude=["**/docs/**", "**/console/**", "**/__pycache__/**"],
    title=TITLE,
    version=VERSION,
    description=DESCRIPTION,
    servers=[Server(url="/")],
    security_schemes=BEARER_SCHEME,  # type: ignore[arg-type]
    on_conflict="error",
)
app.enable_swagger(path="/api/v1/docs", title=TITLE, version=VERSION)


@app.get("/api/v1/openapi.json", include_in_schema=False)
def openapi_document() -> Response[str]:
    return Response(
        status_code=200, content_type=content_types.APPLICATION_JSON, body=app.get_openapi_merge_json_schema()
    )


@app.get("/api/v1/redoc", include_in_schema=False)
def redoc() -> Response[str]:
    return Response(
        status_code=200, content_type=content_types.TEXT_HTML, body=redoc_page(TITLE, "/api/v1/openapi.json")
    )


@app.get("/api/v1/redoc.standalone.js", include_in_schema=False)
def redoc_script() -> Response[str]:
    return Response(
        status_code=200,
        content_type="application/javascript",
        body=REDOC_SCRIPT.read_text(encoding="utf-8"),
        headers={"Cache-Control": "public, max-age=86400"},
    )


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)
