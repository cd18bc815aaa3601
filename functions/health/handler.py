"""Health: GET /api/v1/health reports the database's reachability and schema version."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from analytics.http import configure_resolver, documented, read_json_body, resolve, write_json
from analytics.observability import logger, tracer
from analytics.services.health import Health
from analytics.wiring import health

app = APIGatewayHttpResolver(
    enable_validation=True, json_body_deserializer=read_json_body, serializer=write_json
)
configure_resolver(app)


@app.get(
    "/api/v1/health",
    **documented(ok={200: "Healthy", 503: "Degraded: the database is unreachable or not migrated"}),
    summary="Service health",
    description="200 when the database is reachable and fully migrated, else 503 with the reason.",
    tags=["Health"],
)
def get_health() -> tuple[Health, int]:
    report = health()
    return report, 200 if report.ok else 503


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)
