"""Ingestion API: /api/v1/ingest/rejections lists the queue items that failed validation (admin)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.logging import correlation_paths
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
from analytics.observability import logger, tracer
from analytics.schemas.common import DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, Page
from analytics.schemas.ingest import RejectionFilters, RejectionResponse
from analytics.schemas.time import DateOrTimestamp, TimeRange
from analytics.services.ingest import list_rejections
from analytics.wiring import unit_of_work

app = APIGatewayHttpResolver(
    enable_validation=True, json_body_deserializer=read_json_body, serializer=write_json
)
configure_resolver(app)


@app.get(
    "/api/v1/ingest/rejections",
    summary="Items the ingest queue rejected (admin)",
    description="Each with its message id, position in the message, the raw item and the validation errors.",
    tags=["Ingestion"],
    **documented(400, caller=Caller.TOKEN),
)
def get_rejections(
    message_id: Annotated[str | None, Query(description="One SQS message's rejections")] = None,
    kind: Annotated[str | None, Query(description="metric, event or message")] = None,
    start_date: Annotated[
        DateOrTimestamp | None, Query(description="Received from this date or instant")
    ] = None,
    end_date: Annotated[
        DateOrTimestamp | None, Query(description="Received up to this date or instant")
    ] = None,
    skip: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_LIMIT)] = DEFAULT_PAGE_LIMIT,
) -> Page[RejectionResponse]:
    require(app, Action.ADMINISTER)
    period = TimeRange.from_bounds(start_date, end_date)
    filters = RejectionFilters(message_id=message_id, kind=kind, start=period.start, end=period.end)
    return list_rejections(unit_of_work(), filters, skip, limit)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)
