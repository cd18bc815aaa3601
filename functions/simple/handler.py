"""Simple API (spec/004) at the root: /health, /health-check, /metrics, /metrics/{name}, /events, /dashboard.

A compatibility API beside /api/v1 with the shapes of spec/004, storing into the same tables.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from analytics.api_docs import redoc_page
from analytics.auth import Action
from analytics.http import (
    Caller,
    configure_resolver,
    documented,
    read_json_body,
    require,
    resolve,
    write_json,
)
from analytics.observability import logger, metrics, tracer
from analytics.schemas.common import DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT
from analytics.schemas.simple import (
    DEFAULT_SUMMARY_HOURS,
    MAX_SUMMARY_HOURS,
    MetricNameInPath,
    SimpleDashboard,
    SimpleEventCreate,
    SimpleEventCreated,
    SimpleEventList,
    SimpleEventsCleared,
    SimpleHealth,
    SimpleMetricCleared,
    SimpleMetricCreate,
    SimpleMetricCreated,
    SimpleMetricNames,
    SimpleMetricSummary,
)
from analytics.services import simple as simple_service
from analytics.services.simple import SimpleApi
from analytics.settings import get_settings
from analytics.wiring import health, simple_unit_of_work

app = APIGatewayHttpResolver(
    enable_validation=True, json_body_deserializer=read_json_body, serializer=write_json
)
configure_resolver(app)
SIMPLE_TITLE = "Analytics Service: simple API (spec/004)"
app.enable_swagger(path="/docs", title=SIMPLE_TITLE)


@app.get("/openapi.json", include_in_schema=False)
def openapi_document() -> Response[str]:
    """The simple API's own document: only its routes at the root, as spec/004 serves it."""
    return Response(
        status_code=200,
        content_type=content_types.APPLICATION_JSON,
        body=app.get_openapi_json_schema(title=SIMPLE_TITLE),
    )


@app.get("/redoc", include_in_schema=False)
def redoc() -> Response[str]:
    return Response(
        status_code=200, content_type=content_types.TEXT_HTML, body=redoc_page(SIMPLE_TITLE, "/openapi.json")
    )


TAGS = ["Simple API (spec/004)"]
HEALTH_DESCRIPTION = (
    "200 with `ok: true` when the database is reachable and fully migrated, else 503 with `ok: false` "
    "(`GET /api/v1/health` says why)."
)
DEV_DELETE_DESCRIPTION = (
    "Development only: 403 unless the deployment sets `ENABLE_DEVELOPMENT_DELETES=true`; needs `admin`."
)
MetricName = Annotated[MetricNameInPath, Path(description="The metric name (percent-encoded in the URL)")]


def simple_api() -> SimpleApi:
    return SimpleApi.from_settings(get_settings())


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def health_answer() -> tuple[SimpleHealth, int]:
    answer = simple_service.health(health())
    return answer, 200 if answer.ok else 503


HEALTH_ANSWERS = documented(ok={200: "Healthy", 503: "Degraded: the database is unreachable or not migrated"})
DEV_DELETE_FORBIDDEN = {403: "Deletes are not enabled on this deployment, or the token lacks the admin role"}


@app.get("/health", **HEALTH_ANSWERS, summary="Service health", description=HEALTH_DESCRIPTION, tags=TAGS)
def get_health() -> tuple[SimpleHealth, int]:
    return health_answer()


@app.get(
    "/health-check",
    **HEALTH_ANSWERS,
    summary="Service health (alias of /health)",
    description=HEALTH_DESCRIPTION,
    tags=TAGS,
)
def get_health_check() -> tuple[SimpleHealth, int]:
    return health_answer()


@app.post(
    "/metrics",
    **documented(400, ok={201: "Stored"}, caller=Caller.TOKEN, body=True),
    summary="Track a metric",
    description="Stored as a metric of the simple API's service (`external` unless configured), "
    "its `tags` as dimensions.",
    tags=TAGS,
)
def track_metric(metric: SimpleMetricCreate) -> tuple[SimpleMetricCreated, int]:
    require(app, Action.INGEST)
    created = simple_service.track_metric(simple_unit_of_work(), simple_api(), metric)
    metrics.add_metric(name="MetricsStored", unit=MetricUnit.Count, value=1)
    return created, 201


@app.get(
    "/metrics",
    **documented(),
    summary="Metric names",
    description="The distinct names of the simple API's metrics, sorted.",
    tags=TAGS,
)
def list_metric_names() -> SimpleMetricNames:
    require(app, Action.READ)
    return simple_service.metric_names(simple_unit_of_work(), simple_api())


@app.get(
    "/metrics/<metric_name>",
    **documented(404),
    summary="Figures of one metric over the last hours",
    description="count, sum, average, min and max of the metric's values from `hours` ago until now. "
    "With no values in the period `count` and `sum` are 0 and `average`, `min` and `max` are null.",
    tags=TAGS,
)
def metric_summary(
    metric_name: MetricName,
    hours: Annotated[
        int,
        Query(ge=1, le=MAX_SUMMARY_HOURS, description="How many hours back from now (at most three years)"),
    ] = DEFAULT_SUMMARY_HOURS,
) -> SimpleMetricSummary:
    require(app, Action.READ)
    return simple_service.metric_summary(simple_unit_of_work(), simple_api(), metric_name, hours, now())


@app.delete(
    "/metrics/<metric_name>",
    **documented(404, why=DEV_DELETE_FORBIDDEN, caller=Caller.TOKEN),
    summary="Clear one metric (development only)",
    description=f"Deletes every metric of the name, its rollups included; 404 for a name `GET /metrics` "
    f"does not list. {DEV_DELETE_DESCRIPTION}",
    tags=TAGS,
)
def clear_metric(metric_name: MetricName) -> SimpleMetricCleared:
    require(app, Action.DELETE)
    return simple_service.clear_metric(simple_unit_of_work(), simple_api(), metric_name)


@app.post(
    "/events",
    **documented(400, ok={201: "Stored"}, caller=Caller.TOKEN, body=True),
    summary="Track an event",
    tags=TAGS,
)
def track_event(event: SimpleEventCreate) -> tuple[SimpleEventCreated, int]:
    require(app, Action.INGEST)
    created = simple_service.track_event(simple_unit_of_work(), event)
    metrics.add_metric(name="EventsStored", unit=MetricUnit.Count, value=1)
    return created, 201


@app.get("/events", **documented(), summary="Events, newest first", tags=TAGS)
def list_events(
    event_name: Annotated[str | None, Query(description="Only events of this name")] = None,
    limit: Annotated[
        int, Query(ge=1, le=MAX_PAGE_LIMIT, description="At most this many")
    ] = DEFAULT_PAGE_LIMIT,
) -> SimpleEventList:
    require(app, Action.READ)
    return simple_service.list_events(simple_unit_of_work(), event_name, limit)


@app.delete(
    "/events",
    **documented(why=DEV_DELETE_FORBIDDEN, caller=Caller.TOKEN),
    summary="Clear every event (development only)",
    description=f"Deletes every tracked event, those sent to /api/v1/events too. {DEV_DELETE_DESCRIPTION}",
    tags=TAGS,
)
def clear_events() -> SimpleEventsCleared:
    require(app, Action.DELETE)
    return simple_service.clear_events(simple_unit_of_work(), simple_api())


@app.get("/dashboard", **documented(), summary="Totals of the simple API's metrics and of events", tags=TAGS)
def get_dashboard() -> SimpleDashboard:
    require(app, Action.READ)
    return simple_service.dashboard(simple_unit_of_work(), simple_api(), now())


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)
