"""The web console: GET /console and /console/{file} answer the static bundle built from console/ (in `site/`
beside this file), with its content types, caching headers and Content-Security-Policy. The routes are open:
the page itself carries no data, and calls the API with the token its user signs in with."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from analytics.http import configure_resolver, read_json_body, resolve, write_json
from analytics.observability import logger, tracer
from analytics.static_site import StaticAnswer, StaticSite

SITE_DIR = Path(__file__).resolve().parent / "site"

# No response validation: the answers are files (bytes), not models. The routes stay out of the OpenAPI
# document (and the docs function's merge leaves this folder out).
app = APIGatewayHttpResolver(json_body_deserializer=read_json_body, serializer=write_json)
configure_resolver(app)


@lru_cache(maxsize=1)
def site() -> StaticSite:
    return StaticSite(SITE_DIR)


def respond(answer: StaticAnswer) -> Response[bytes]:
    return Response(status_code=answer.status, headers=answer.headers, body=answer.body)


def served(name: str) -> Response[bytes]:
    headers = app.current_event.headers
    return respond(
        site().answer(
            name,
            accept_encoding=headers.get("accept-encoding"),
            if_none_match=headers.get("if-none-match"),
        )
    )


@app.get("/console", include_in_schema=False)
def console() -> Response[bytes]:
    return served("")


@app.get("/console/<name>", include_in_schema=False)
def console_file(name: str) -> Response[bytes]:
    return served(name)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)
