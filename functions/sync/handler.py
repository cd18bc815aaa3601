"""Pull-sync API: /api/v1/sync (start syncs with sibling services, follow, stop, status, statistics)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from analytics.auth import Action
from analytics.enums import SiblingService, SyncStatus, SyncType
from analytics.errors import InvalidRequest
from analytics.http import (
    Caller,
    configure_resolver,
    documented,
    read_json_body,
    require,
    resolve,
    write_json,
)
from analytics.http_detail import error_detail
from analytics.observability import logger, metrics, tracer
from analytics.schemas.common import DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, Page
from analytics.schemas.sync import (
    SYNC_TYPE_DESCRIPTION,
    AggregateRequest,
    DataSyncResponse,
    SyncFilters,
    SyncRequest,
    SyncStarted,
    SyncStatistics,
    SyncStatusReport,
    SyncUpdate,
)
from analytics.schemas.time import DateOrTimestamp, TimeRange
from analytics.services import sync as sync_service
from analytics.settings import get_settings
from analytics.wiring import sync_launcher, unit_of_work

app = APIGatewayHttpResolver(
    enable_validation=True, json_body_deserializer=read_json_body, serializer=write_json
)
configure_resolver(app)
TAGS = ["Data sync"]
ADMIN_ONLY = " Needs the admin role."

Start = Annotated[DateOrTimestamp | None, Query(description="Created from this date or instant (inclusive)")]
End = Annotated[
    DateOrTimestamp | None, Query(description="Created up to this date (whole day) or instant (inclusive)")
]
SyncTypeQuery = Annotated[SyncType | None, Query(description=SYNC_TYPE_DESCRIPTION)]


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def subject() -> str | None:
    principal = require(app, Action.ADMINISTER)
    return principal.subject if principal else None


def from_query(service_name: str | None, sync_type: SyncType | None) -> SyncRequest:
    names = [name.strip() for name in (service_name or "").split(",") if name.strip()]
    try:
        return SyncRequest(service_names=names or None, sync_type=sync_type or SyncType.INCREMENTAL)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": ("query", "service_name", *e["loc"][1:])} for e in error_detail(exc.errors())]
        ) from exc


@app.post(
    "/api/v1/sync",
    **documented(
        400,
        ok=202,
        why={409: "A named service is syncing already, or syncs are switched off (SYNC_ENABLED)"},
        caller=Caller.TOKEN,
        body=True,
    ),
    summary="Sync sibling services now",
    description="Records a pending sync per service and starts them (202); follow each with "
    "`GET /api/v1/sync/{id}`. Name the services as query parameters (`?service_name=partners_crm"
    "&sync_type=full`; several separated by commas) or in a JSON body, not both; one of the two must name "
    "them (422 otherwise). 409 if one of them is syncing already." + ADMIN_ONLY,
    tags=TAGS,
)
def trigger_sync(
    service_name: Annotated[
        str | None,
        Query(
            description="A service, or several separated by commas: required unless a JSON body names them",
            examples=["partners_crm"],
        ),
    ] = None,
    sync_type: SyncTypeQuery = None,
    request: Annotated[SyncRequest | None, Body()] = None,
) -> tuple[SyncStarted, int]:
    requested_by = subject()
    if request is not None and (service_name is not None or sync_type is not None):
        raise InvalidRequest("give the sync either as query parameters or as a JSON body, not both")
    wanted = request or from_query(service_name, sync_type)
    started = sync_service.request_syncs(
        unit_of_work,
        sync_launcher(),
        get_settings(),
        wanted.services(),
        wanted.sync_type,
        requested_by,
        now(),
    )
    return started, 202


@app.post(
    "/api/v1/sync/aggregate-all",
    **documented(
        400, ok=202, why={409: "Syncs are switched off (SYNC_ENABLED)"}, caller=Caller.TOKEN, body=True
    ),
    summary="Sync every sibling service now",
    description="A sync of each service of SYNC_SERVICES (202); a service already syncing is listed "
    "under `skipped`. The hourly scheduled sync does the same." + ADMIN_ONLY,
    tags=TAGS,
)
def aggregate_all(
    sync_type: SyncTypeQuery = None,
    request: Annotated[AggregateRequest | None, Body()] = None,
) -> tuple[SyncStarted, int]:
    requested_by = subject()
    if request is not None and sync_type is not None:
        raise InvalidRequest("give sync_type either as a query parameter or in the JSON body, not both")
    chosen = request.sync_type if request else (sync_type or SyncType.INCREMENTAL)
    started = sync_service.aggregate_all(
        unit_of_work, sync_launcher(), get_settings(), chosen, requested_by, now()
    )
    return started, 202


@app.get(
    "/api/v1/sync",
    **documented(400),
    summary="List syncs, newest first",
    description="Filtered by service, status, type and when they were created.",
    tags=TAGS,
)
def list_syncs(
    service_name: Annotated[SiblingService | None, Query()] = None,
    status: Annotated[SyncStatus | None, Query()] = None,
    sync_type: Annotated[SyncType | None, Query()] = None,
    start_date: Start = None,
    end_date: End = None,
    skip: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_LIMIT)] = DEFAULT_PAGE_LIMIT,
) -> Page[DataSyncResponse]:
    require(app, Action.READ)
    period = TimeRange.from_bounds(start_date, end_date)
    filters = SyncFilters(
        service_name=service_name, status=status, sync_type=sync_type, start=period.start, end=period.end
    )
    return sync_service.list_syncs(unit_of_work(), filters, skip, limit)


@app.get(
    "/api/v1/sync/status",
    **documented(),
    summary="Where each service's sync stands (spec/002's path)",
    description="As /api/v1/sync/status/current.",
    tags=TAGS,
)
@app.get(
    "/api/v1/sync/status/current",
    **documented(),
    summary="Where each service's sync stands",
    description="Per service: the sync in progress, the latest finished one, when the latest completed, "
    "and the watermark the next incremental sync starts from.",
    tags=TAGS,
)
def current_status(service_name: Annotated[SiblingService | None, Query()] = None) -> SyncStatusReport:
    require(app, Action.READ)
    return sync_service.current_status(unit_of_work(), get_settings(), service_name)


@app.get(
    "/api/v1/sync/statistics",
    **documented(400),
    summary="Sync statistics (spec/001's path)",
    description="As /api/v1/sync/statistics/summary.",
    tags=TAGS,
)
@app.get(
    "/api/v1/sync/statistics/summary",
    **documented(400),
    summary="Sync statistics",
    description="Syncs by status, records processed and failed, success rate and average duration, "
    "overall and per service, over the syncs created in the period (all without dates).",
    tags=TAGS,
)
def statistics(
    service_name: Annotated[SiblingService | None, Query()] = None,
    start_date: Start = None,
    end_date: End = None,
) -> SyncStatistics:
    require(app, Action.READ)
    period = TimeRange.from_bounds(start_date, end_date)
    filters = SyncFilters(service_name=service_name, start=period.start, end=period.end)
    return sync_service.statistics(unit_of_work(), filters)


@app.get("/api/v1/sync/<sync_id>", **documented(404), summary="One sync", tags=TAGS)
def get_sync(sync_id: Annotated[uuid.UUID, Path()]) -> DataSyncResponse:
    require(app, Action.READ)
    return sync_service.get_sync(unit_of_work(), sync_id)


@app.put(
    "/api/v1/sync/<sync_id>",
    **documented(404, why={409: "The change does not fit the sync's state"}, caller=Caller.TOKEN, body=True),
    summary="Change a sync record",
    description="Mark a pending or running sync whose function was lost as failed (`status: failed`), or "
    "move a finished sync's watermark (`last_sync_timestamp`), from which the next incremental sync of its "
    "service starts (null: from the one before)." + ADMIN_ONLY,
    tags=TAGS,
)
def update_sync(sync_id: Annotated[uuid.UUID, Path()], update: SyncUpdate) -> DataSyncResponse:
    subject()
    return sync_service.update_sync(unit_of_work(), sync_id, update, now())


@app.post(
    "/api/v1/sync/<sync_id>/start",
    **documented(404, ok=202, why={409: "It or another sync of its service is running"}, caller=Caller.TOKEN),
    summary="Start a sync",
    description="A pending sync is started (202); an ended one runs again as a new sync of the same "
    "service and type (202 with the new sync). 409 while it or another sync of its service runs."
    + ADMIN_ONLY,
    tags=TAGS,
)
def start_sync(sync_id: Annotated[uuid.UUID, Path()]) -> tuple[DataSyncResponse, int]:
    requested_by = subject()
    started = sync_service.start_sync(
        unit_of_work, sync_launcher(), get_settings(), sync_id, requested_by, now()
    )
    return started, 202


@app.post(
    "/api/v1/sync/<sync_id>/stop",
    **documented(404, ok=202, why={409: "The sync has ended"}, caller=Caller.TOKEN),
    summary="Stop a sync",
    description="A pending sync is cancelled at once; a running one ends as `cancelled` after the page "
    "in hand, keeping every page it stored (202; `meta.stop_requested_at` says when it was asked). 409 "
    "for a sync that has ended." + ADMIN_ONLY,
    tags=TAGS,
)
def stop_sync(sync_id: Annotated[uuid.UUID, Path()]) -> tuple[DataSyncResponse, int]:
    subject()
    return sync_service.stop_sync(unit_of_work(), sync_id, now()), 202


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)
