"""Events API: /api/v1/events (create, bulk, list, get)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

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
from analytics.schemas.common import DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, BulkResult, Page
from analytics.schemas.events import EventBulkCreate, EventCreate, EventFilters, EventResponse
from analytics.schemas.time import DateOrTimestamp, TimeRange
from analytics.services import events as event_service
from analytics.wiring import unit_of_work

app = APIGatewayHttpResolver(
    enable_validation=True, json_body_deserializer=read_json_body, serializer=write_json
)
configure_resolver(app)


@app.post(
    "/api/v1/events",
    **documented(
        400,
        ok={201: "Stored", 200: "Already stored under this idempotency key"},
        caller=Caller.TOKEN,
        body=True,
    ),
    summary="Track one event",
    description="201 with the stored event; a repeated `idempotency_key` returns the original with 200. "
    "A timestamp before the retention window is a 400.",
    tags=["Events"],
)
def create_event(event: EventCreate) -> tuple[EventResponse, int]:
    require(app, Action.INGEST)
    stored, created = event_service.create_event(unit_of_work(), event)
    metrics.add_metric(name="EventsStored", unit=MetricUnit.Count, value=int(created))
    return stored, 201 if created else 200


@app.post(
    "/api/v1/events/bulk",
    **documented(
        ok={201: "At least one item stored", 200: "Nothing new stored"},
        why={413: "More items than MAX_BULK_ITEMS (1,000), or over API Gateway's 10 MB (`message`)"},
        caller=Caller.TOKEN,
        body=True,
    ),
    summary="Track up to 1,000 events",
    description="Valid items are stored in one transaction; each invalid item is reported by its index.",
    tags=["Events"],
)
def create_events(
    body: Annotated[
        EventBulkCreate | list[dict[str, Any]], Body(description='`{"events": [...]}` or a bare array')
    ],
) -> tuple[BulkResult, int]:
    require(app, Action.INGEST)
    items = body.events if isinstance(body, EventBulkCreate) else body
    result = event_service.create_events(unit_of_work(), items)
    metrics.add_metric(name="EventsStored", unit=MetricUnit.Count, value=result.created)
    return result, 201 if result.created else 200


@app.get("/api/v1/events", **documented(400), summary="List events, newest first", tags=["Events"])
def list_events(
    event_name: Annotated[str | None, Query()] = None,
    user_id: Annotated[str | None, Query()] = None,
    start_date: Annotated[DateOrTimestamp | None, Query(description="From this date or instant")] = None,
    end_date: Annotated[
        DateOrTimestamp | None, Query(description="Up to this date (whole day) or instant")
    ] = None,
    skip: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_LIMIT)] = DEFAULT_PAGE_LIMIT,
) -> Page[EventResponse]:
    require(app, Action.READ)
    period = TimeRange.from_bounds(start_date, end_date)
    filters = EventFilters(event_name=event_name, user_id=user_id, start=period.start, end=period.end)
    return event_service.list_events(unit_of_work(), filters, skip, limit)


@app.get("/api/v1/events/<event_id>", **documented(404), summary="One event", tags=["Events"])
def get_event(event_id: Annotated[uuid.UUID, Path()]) -> EventResponse:
    require(app, Action.READ)
    return event_service.get_event(unit_of_work(), event_id)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)
