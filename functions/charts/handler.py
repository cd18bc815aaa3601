"""Chart data: /api/v1/charts (line, area, bar, pie, heatmap), with the statistics endpoints' options."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from analytics.auth import Action
from analytics.http import configure_resolver, documented, read_json_body, require, resolve, write_json
from analytics.observability import logger, tracer
from analytics.schemas.statistics import Aggregate, Fill
from analytics.services import charts
from analytics.statistics import Interval, StatisticsQuery
from analytics.statistics_params import (
    GroupBy,
    MetricNameParam,
    MetricTypeParam,
    PeriodEnd,
    PeriodStart,
    RequiredGroupBy,
    ServiceParam,
    TimeZone,
    statistics_query,
)
from analytics.wiring import unit_of_work

app = APIGatewayHttpResolver(
    enable_validation=True, json_body_deserializer=read_json_body, serializer=write_json
)
configure_resolver(app)

Agg = Annotated[Aggregate, Query(description="What each value is: sum, avg, count, min, max or p95")]


def _over_time(
    service_name: ServiceParam,
    metric_type: MetricTypeParam,
    metric_name: MetricNameParam,
    start_date: PeriodStart,
    end_date: PeriodEnd,
    interval: Interval,
    group_by: GroupBy,
    tz: TimeZone,
) -> StatisticsQuery:
    require(app, Action.READ)
    return statistics_query(
        app, service_name, metric_type, metric_name, start_date, end_date, group_by, tz, interval
    )


def _chart_type() -> str:
    """line, area, bar or pie: the last segment of the path, as routed."""
    return app.current_event.path.rstrip("/").rsplit("/", 1)[1]


@app.get(
    "/api/v1/charts/area",
    **documented(400),
    summary="Area chart over time (stacked series)",
    description="As the line chart, stacked; empty buckets are zero unless `fill` says otherwise.",
    tags=["Charts"],
)
@app.get(
    "/api/v1/charts/line",
    **documented(400),
    summary="Line chart over time",
    description="Labels are the buckets' local starts; one series per group_by group.",
    tags=["Charts"],
)
def chart_over_time(
    service_name: ServiceParam = None,
    metric_type: MetricTypeParam = None,
    metric_name: MetricNameParam = None,
    start_date: PeriodStart = None,
    end_date: PeriodEnd = None,
    interval: Annotated[Interval, Query()] = Interval.DAY,
    agg: Agg = Aggregate.SUM,
    fill: Annotated[Fill | None, Query(description="Default: null for line charts, zero for area")] = None,
    group_by: GroupBy = None,
    tz: TimeZone = "UTC",
) -> charts.SeriesChart:
    chart_type = _chart_type()
    query = _over_time(service_name, metric_type, metric_name, start_date, end_date, interval, group_by, tz)
    default_fill = Fill.ZERO if chart_type == "area" else Fill.NULL
    return charts.series_chart(unit_of_work(), query, agg, fill or default_fill, chart_type)


@app.get(
    "/api/v1/charts/pie",
    **documented(400),
    summary="Pie chart: each group's share",
    description="Needs group_by; agg is sum or count (shares of a whole).",
    tags=["Charts"],
)
@app.get(
    "/api/v1/charts/bar",
    **documented(400),
    summary="Bar chart: one bar per group",
    description="Needs group_by (for example `service_name` or `dimensions.country`); with percentages.",
    tags=["Charts"],
)
def chart_by_group(
    *,
    service_name: ServiceParam = None,
    metric_type: MetricTypeParam = None,
    metric_name: MetricNameParam = None,
    start_date: PeriodStart = None,
    end_date: PeriodEnd = None,
    agg: Agg = Aggregate.SUM,
    group_by: RequiredGroupBy,
    tz: TimeZone = "UTC",
) -> charts.CategoryChart:
    require(app, Action.READ)
    query = statistics_query(app, service_name, metric_type, metric_name, start_date, end_date, group_by, tz)
    return charts.category_chart(unit_of_work(), query, agg, _chart_type())


@app.get(
    "/api/v1/charts/heatmap",
    **documented(400),
    summary="Heatmap: weekday by hour of the day",
    description="Each cell combines the period's hours that fall on that weekday and local hour.",
    tags=["Charts"],
)
def heatmap_chart(
    service_name: ServiceParam = None,
    metric_type: MetricTypeParam = None,
    metric_name: MetricNameParam = None,
    start_date: PeriodStart = None,
    end_date: PeriodEnd = None,
    agg: Agg = Aggregate.SUM,
    tz: TimeZone = "UTC",
) -> charts.HeatmapChart:
    require(app, Action.READ)
    query = statistics_query(app, service_name, metric_type, metric_name, start_date, end_date, ["hour"], tz)
    return charts.heatmap(unit_of_work(), query, agg)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)
