"""Advanced analytics (spec/003): /api/v1/advanced predictions, forecasts, comparisons and calculations,
for analysts and admins."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from analytics.auth import Action
from analytics.http import (
    Caller,
    configure_resolver,
    documented,
    read_json_body,
    require_caller,
    resolve,
    write_json,
)
from analytics.observability import logger, tracer
from analytics.schemas.advanced import (
    CalculationAnswer,
    CalculationRequest,
    ComparisonAnswer,
    ComparisonRequest,
    ForecastAnswer,
    ForecastRequest,
    PredictionAnswer,
    PredictionRequest,
)
from analytics.services.advanced import calculations, comparisons, projections
from analytics.wiring import unit_of_work

app = APIGatewayHttpResolver(
    enable_validation=True, json_body_deserializer=read_json_body, serializer=write_json
)
configure_resolver(app)
TAGS = ["Advanced analytics"]
SERIES = (
    "The series is picked as the statistics endpoints pick metrics (`service_name`, `metric_type`, "
    "`metric_name`, `dimensions`) and each period's value is their `agg` in the time zone `tz`, read from "
    "the rollups. A period without metrics is zero for sums and counts; 400 when no metric matches."
)
WHY = {400: "No metric matches, too few points, or a question the engine cannot answer (the detail says)"}


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@app.post(
    "/api/v1/advanced/predictions",
    **documented(why=WHY, caller=Caller.TOKEN, body=True),
    summary="Predict a metric's next days",
    description="Daily values from today on, with a central prediction interval at `confidence_level`, "
    "learnt from the `history_days` whole days before today by a combination of simple models (damped "
    "trend and Theta on the seasonally adjusted series, the weekly season tested first). With the trend "
    "of the history, the season found and the same model's accuracy on the end of the history it was not "
    f"shown. Sums and counts that were never negative are never predicted below zero. {SERIES}",
    tags=TAGS,
)
def predictions(request: PredictionRequest) -> PredictionAnswer:
    require_caller(app, Action.ANALYZE)
    return projections.predict(unit_of_work(), request, now())


@app.post(
    "/api/v1/advanced/forecasts",
    **documented(why=WHY, caller=Caller.TOKEN, body=True),
    summary="Forecast a metric by day, week, month, quarter or year",
    description="The next `periods` periods, the current one first, from whole periods before it (weeks "
    "start on Monday): the history used, the forecast and its interval, the seasonality detected (7 days, "
    "52 weeks, 12 months, 4 quarters), the trend and the models combined. Quarters and years are added up "
    f"from months (p95 cannot be). {SERIES}",
    tags=TAGS,
)
def forecasts(request: ForecastRequest) -> ForecastAnswer:
    require_caller(app, Action.ANALYZE)
    return projections.forecast_periods(unit_of_work(), request, now())


@app.post(
    "/api/v1/advanced/comparisons",
    **documented(why=WHY, caller=Caller.TOKEN, body=True),
    summary="Compare a metric by service, by segment or with earlier periods",
    description="`compare_by` service (one group per service), segment (one per value of `dimension`, at "
    "most 50) or time_period (the period and the `periods` of the same length before it). Each group's "
    "`agg`, its share of the total and distance from the mean; the best and worst, the spread, whether the "
    "groups differ by more than chance (a one-way ANOVA of their daily values) and short sentences that "
    "say so. The period defaults to the 30 whole days before today.",
    tags=TAGS,
)
def compare(request: ComparisonRequest) -> ComparisonAnswer:
    require_caller(app, Action.ANALYZE)
    return comparisons.compare(unit_of_work(), request, now())


@app.post(
    "/api/v1/advanced/calculate",
    **documented(why=WHY, caller=Caller.TOKEN, body=True),
    summary="Correlation, regression, anomaly detection, trend or clustering",
    description="`calculation` names it. Series are bucketed by `interval` over the period (default the 90 "
    "whole days before today) and aligned on the buckets where all have a value. correlation: Pearson and "
    "Spearman of `x` and `y` with p-values. regression: `target` on `predictors` by least squares, with "
    "standard errors, R² and the residuals. anomaly_detection: a causal score in [0, 1] per point of "
    "`series` (each from the points up to it) and the points flagged from `threshold`. trend: direction, "
    "Theil-Sen slope and Mann-Kendall strength. clustering: the values of the `group_by` dimension "
    "(partners, projects) by their `features`, k-means on standardised features with `k` or the best "
    "silhouette. Every answer gives the parameters it used.",
    tags=TAGS,
)
def calculate(request: Annotated[CalculationRequest, Body(discriminator="calculation")]) -> CalculationAnswer:
    require_caller(app, Action.ANALYZE)
    return calculations.calculate(unit_of_work(), request, now())


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)
