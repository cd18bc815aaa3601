"""Dashboards API: /api/v1/dashboards (create, list, public, default per type, get, update, delete, data)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from analytics.auth import Action, Principal
from analytics.enums import DashboardType
from analytics.http import (
    Caller,
    configure_resolver,
    documented,
    read_json_body,
    require,
    require_caller,
    resolve,
    write_json,
)
from analytics.observability import logger, tracer
from analytics.schemas.common import DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, Page
from analytics.schemas.dashboards import (
    DashboardCreate,
    DashboardFiltersQuery,
    DashboardResponse,
    DashboardUpdate,
    Viewer,
)
from analytics.schemas.insights import ExecutiveSummary
from analytics.services import dashboards as dashboard_service
from analytics.services.dashboard_data import DashboardData, PeriodOverride, dashboard_data
from analytics.statistics_params import PeriodEnd, PeriodStart
from analytics.wiring import unit_of_work

app = APIGatewayHttpResolver(
    enable_validation=True, json_body_deserializer=read_json_body, serializer=write_json
)
configure_resolver(app)
TAGS = ["Dashboards"]

Skip = Annotated[int, Query(ge=0, description="How many matching dashboards to skip")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_LIMIT, description="Page size")]
TypeFilter = Annotated[DashboardType | None, Query()]

VISIBILITY = (
    "Private dashboards (`is_public` false) are visible only to their creator and to admins: to anyone "
    "else they do not exist (404, and absent from lists). Who the caller is comes from the verified token; "
    "where reads are open (no requireAuthForReads), API Gateway passes no identity on GET routes, so GETs "
    "see public dashboards only."
)
WRITES = (
    "Analysts and admins create dashboards; a dashboard's creator or an admin changes or deletes it (403 "
    "for others, 404 for another user's private dashboard). Only admins make a dashboard its type's "
    "default, and a default dashboard must be public (400 otherwise); setting a new default unsets the "
    "type's previous one in the same transaction."
)
CONFIG = (
    "`config.widgets` is checked when saved: each widget's `type` (number, line, bar, pie, area, heatmap, "
    "table, goal) takes its own `query` options (those of the statistics, time-series and chart endpoints), "
    "a `layout` on a 12-column grid and `filters` (dimensions, its own relative period); a named metric "
    "must be stored. A bad widget is a 422 whose `detail` names the widget and the problem."
)


def writer() -> Principal:
    return require_caller(app, Action.DASHBOARD)


def viewer() -> Viewer:
    return dashboard_service.viewer_of(require(app, Action.READ))


@app.post(
    "/api/v1/dashboards",
    **documented(
        400,
        ok=201,
        why={
            403: "The token lacks the analyst or admin role, or a non-admin makes a default dashboard",
            409: "Another dashboard became the type's default meanwhile; try again",
        },
        caller=Caller.TOKEN,
        body=True,
    ),
    summary="Create a dashboard",
    description=f"201 with the stored dashboard. {WRITES} {CONFIG}",
    tags=TAGS,
)
def create_dashboard(dashboard: DashboardCreate) -> tuple[DashboardResponse, int]:
    return dashboard_service.create_dashboard(unit_of_work(), dashboard, writer()), 201


@app.get(
    "/api/v1/dashboards",
    **documented(caller=Caller.IDENTIFIED),
    summary="List dashboards",
    description=f"Defaults first, then by name. {VISIBILITY}",
    tags=TAGS,
)
def list_dashboards(
    dashboard_type: TypeFilter = None,
    is_default: Annotated[bool | None, Query()] = None,
    is_public: Annotated[bool | None, Query()] = None,
    created_by: Annotated[str | None, Query(description="The creator's token subject")] = None,
    name: Annotated[str | None, Query(description="Part of the name, in any case")] = None,
    skip: Skip = 0,
    limit: Limit = DEFAULT_PAGE_LIMIT,
) -> Page[DashboardResponse]:
    filters = DashboardFiltersQuery(
        dashboard_type=dashboard_type,
        is_default=is_default,
        is_public=is_public,
        created_by=created_by,
        name=name,
    )
    return dashboard_service.list_dashboards(unit_of_work(), filters, viewer(), skip, limit)


@app.get(
    "/api/v1/dashboards/public",
    **documented(caller=Caller.IDENTIFIED),
    summary="List public dashboards",
    description="Every public dashboard, whoever asks; defaults first, then by name.",
    tags=TAGS,
)
def public_dashboards(
    dashboard_type: TypeFilter = None, skip: Skip = 0, limit: Limit = DEFAULT_PAGE_LIMIT
) -> Page[DashboardResponse]:
    require(app, Action.READ)
    return dashboard_service.public_dashboards(unit_of_work(), dashboard_type, skip, limit)


@app.get(
    "/api/v1/dashboards/default/<dashboard_type>",
    **documented(404, caller=Caller.IDENTIFIED),
    summary="The default dashboard of a type",
    description="404 when the type has no default dashboard. Its widgets' data: "
    "`GET /api/v1/dashboards/{id}/data`.",
    tags=TAGS,
)
def default_dashboard(dashboard_type: Annotated[DashboardType, Path()]) -> DashboardResponse:
    return dashboard_service.default_dashboard(unit_of_work(), dashboard_type, viewer())


@app.get(
    "/api/v1/dashboards/executive/default",
    **documented(400, caller=Caller.IDENTIFIED),
    summary="The executive dashboard: every service's headline figures",
    description="Computed, not saved: donations (total, count and change against the previous period of "
    "the same length), new and active partners, active and completed projects, beneficiaries reached, "
    "social engagement and its rate, notifications sent and their delivery rate, and the active goals "
    "whose kept outlook is at risk or off track (goals at risk). Dates are whole local days of `tz`; default "
    "the last 30 days. The metric names read are listed under the domain insights in the README.",
    tags=TAGS,
)
def executive_dashboard(
    start_date: PeriodStart = None,
    end_date: PeriodEnd = None,
    tz: Annotated[str, Query(description="IANA time zone of the days", examples=["Europe/Berlin"])] = "UTC",
) -> ExecutiveSummary:
    require(app, Action.READ)
    return dashboard_service.executive_dashboard(unit_of_work(), start_date, end_date, tz)


@app.get(
    "/api/v1/dashboards/<dashboard_id>",
    **documented(404, caller=Caller.IDENTIFIED),
    summary="One dashboard",
    description=VISIBILITY,
    tags=TAGS,
)
def get_dashboard(dashboard_id: Annotated[uuid.UUID, Path()]) -> DashboardResponse:
    return dashboard_service.get_dashboard(unit_of_work(), dashboard_id, viewer())


@app.get(
    "/api/v1/dashboards/<dashboard_id>/data",
    **documented(400, 404, caller=Caller.IDENTIFIED),
    summary="Every widget's data",
    description="One entry per widget, in the config's order, computed concurrently. The dashboard's "
    "filters (period, time zone, dimensions) apply to every widget; `start_date`, `end_date` and `tz` "
    "here override them for all widgets. number widgets answer a figure (and its change against the "
    "`compare` period), line/area/bar/pie/heatmap the chart endpoints' data, table statistics rows by "
    "group, goal the progress of the goals overlapping the period. A widget that fails (its metric "
    "deleted since, a period too long for its interval) has `data` null and an `error` with the status "
    f"its own endpoint would answer; the others are answered. {VISIBILITY}",
    tags=TAGS,
)
def get_dashboard_data(
    dashboard_id: Annotated[uuid.UUID, Path()],
    start_date: PeriodStart = None,
    end_date: PeriodEnd = None,
    tz: Annotated[
        str | None,
        Query(description="IANA time zone instead of the dashboard's", examples=["Europe/Berlin"]),
    ] = None,
) -> DashboardData:
    override = PeriodOverride(start_date=start_date, end_date=end_date, tz=tz)
    return dashboard_data(unit_of_work, dashboard_id, viewer(), override, dt.datetime.now(dt.UTC))


@app.put(
    "/api/v1/dashboards/<dashboard_id>",
    **documented(
        400,
        404,
        why={
            403: "Neither the dashboard's creator nor an admin, or a non-admin makes it a default",
            409: "Another dashboard became the type's default meanwhile; try again",
        },
        caller=Caller.TOKEN,
        body=True,
    ),
    summary="Change a dashboard",
    description=f"Only the fields given change; `config` is replaced whole and checked as on create. "
    f"{WRITES}",
    tags=TAGS,
)
def update_dashboard(
    dashboard_id: Annotated[uuid.UUID, Path()], update: DashboardUpdate
) -> DashboardResponse:
    return dashboard_service.update_dashboard(unit_of_work(), dashboard_id, update, writer())


@app.delete(
    "/api/v1/dashboards/<dashboard_id>",
    **documented(404, ok=204, why={403: "Neither the dashboard's creator nor an admin"}, caller=Caller.TOKEN),
    summary="Delete a dashboard",
    description="204. Its creator or an admin only.",
    tags=TAGS,
)
def delete_dashboard(dashboard_id: Annotated[uuid.UUID, Path()]) -> tuple[None, int]:
    dashboard_service.delete_dashboard(unit_of_work(), dashboard_id, writer())
    return None, 204


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)
