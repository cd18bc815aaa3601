"""KPI goals (spec/003): /api/v1/goals, their progress measured from the metrics, forecasts and alerts.
Reads are open; writes need the analyst or admin role, changes the goal's creator or an admin."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from analytics.auth import Action
from analytics.enums import GoalStatus, MetricType
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
from analytics.schemas.goals import (
    GoalCreate,
    GoalFilters,
    GoalForecastItem,
    GoalProgressReport,
    GoalResponse,
    GoalUpdate,
    ProgressUpdate,
)
from analytics.services import goals as goal_service
from analytics.wiring import goal_alerting, unit_of_work

app = APIGatewayHttpResolver(
    enable_validation=True, json_body_deserializer=read_json_body, serializer=write_json
)
configure_resolver(app)
TAGS = ["Goals"]
GoalId = Annotated[uuid.UUID, Path()]
PROGRESS = (
    "Computed from the metrics (rollups) over the goal's days in its time zone, today included, by the daily "
    "goal_update rule, by update-progress and by any read of progress older than "
    "GOAL_PROGRESS_MAX_AGE_SECONDS (5 minutes)."
)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@app.post(
    "/api/v1/goals",
    **documented(400, ok=201, caller=Caller.TOKEN, body=True),
    summary="Create a goal",
    description="A target for the metrics of `metric_type` that match `service_name`, `metric_name` and "
    "`dimensions`, aggregated over the goal's days (`sum` by default; `latest` for snapshots such as "
    "active_partners), to reach (`at_least`) or stay under (`at_most`). With none of the three filters the "
    "goal is tracked by hand through update-progress. The creator is the token's subject.",
    tags=TAGS,
)
def create_goal(goal: GoalCreate) -> tuple[GoalResponse, int]:
    return goal_service.create_goal(unit_of_work(), goal, require_caller(app, Action.GOAL)), 201


@app.get("/api/v1/goals", **documented(), summary="List goals, ending soonest first", tags=TAGS)
def list_goals(
    metric_type: Annotated[MetricType | None, Query()] = None,
    status: Annotated[GoalStatus | None, Query()] = None,
    created_by: Annotated[str | None, Query(description="The creator's token subject")] = None,
    skip: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_LIMIT)] = DEFAULT_PAGE_LIMIT,
) -> Page[GoalResponse]:
    require(app, Action.READ)
    filters = GoalFilters(metric_type=metric_type, status=status, created_by=created_by)
    return goal_service.list_goals(unit_of_work(), filters, skip, limit)


@app.get(
    "/api/v1/goals/forecast/all",
    **documented(),
    summary="Every active goal's forecast and chance",
    description=f"Where each active goal is forecast to end, its 90% interval and its chance. {PROGRESS}",
    tags=TAGS,
)
def all_forecasts() -> list[GoalForecastItem]:
    require(app, Action.READ)
    return goal_service.goal_forecasts(unit_of_work, goal_alerting(), now())


@app.get("/api/v1/goals/<goal_id>", **documented(404), summary="One goal", tags=TAGS)
def get_goal(goal_id: GoalId) -> GoalResponse:
    require(app, Action.READ)
    return goal_service.get_goal(unit_of_work, goal_alerting(), goal_id, now())


@app.put(
    "/api/v1/goals/<goal_id>",
    **documented(400, 404, caller=Caller.TOKEN, body=True),
    summary="Change a goal",
    description="Only the given fields change (the creator or an admin); progress is computed again at the "
    "next read. `status` cancelled stops tracking it.",
    tags=TAGS,
)
def update_goal(goal_id: GoalId, update: GoalUpdate) -> GoalResponse:
    return goal_service.update_goal(unit_of_work(), goal_id, update, require_caller(app, Action.GOAL))


@app.delete(
    "/api/v1/goals/<goal_id>",
    **documented(404, ok=204, caller=Caller.TOKEN),
    summary="Delete a goal (its creator or an admin)",
    tags=TAGS,
)
def delete_goal(goal_id: GoalId) -> tuple[None, int]:
    goal_service.delete_goal(unit_of_work(), goal_id, require_caller(app, Action.GOAL))
    return None, 204


@app.get(
    "/api/v1/goals/<goal_id>/progress",
    **documented(404),
    summary="A goal's progress, forecast and chance",
    description="The value now and the target, what remains, the days elapsed and left, the change per day "
    "needed and so far, when the target is reached at that rate, the forecast of the final value with its "
    "90% interval, the probability of reaching the target, the status (on_track from 0.7, at_risk from "
    f"0.3, off_track below; achieved, failed) and the goal's days. {PROGRESS}",
    tags=TAGS,
)
def goal_progress(goal_id: GoalId) -> GoalProgressReport:
    require(app, Action.READ)
    return goal_service.goal_progress_report(unit_of_work, goal_alerting(), goal_id, now())


@app.post(
    "/api/v1/goals/<goal_id>/update-progress",
    **documented(400, 404, 409, caller=Caller.TOKEN, body=True),
    summary="Compute a goal's progress now, or set a hand-tracked goal's value",
    description="Without `current_value`: computed from the metrics now (alerts due are sent). With it, for "
    "a goal tracked by hand: its value today (409 for a goal measured from the metrics).",
    tags=TAGS,
)
def update_progress(
    goal_id: GoalId, update: Annotated[ProgressUpdate | None, Body()] = None
) -> GoalProgressReport:
    caller = require_caller(app, Action.GOAL)
    return goal_service.update_progress(
        unit_of_work, goal_alerting(), goal_id, update or ProgressUpdate(), caller, now()
    )


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)
