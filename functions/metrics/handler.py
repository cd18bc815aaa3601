"""Metrics API: /api/v1/metrics (create, bulk, list, by service, by type, get, delete)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from analytics.auth import Action
from analytics.enums import MetricType, ServiceName
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
from analytics.observability import logger, metrics, tracer
from analytics.schemas.common import DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, BulkResult, Page
from analytics.schemas.metrics import MetricBulkCreate, MetricCreate, MetricFilters, MetricResponse
from analytics.schemas.statistics import (
    Aggregate,
    Comparison,
    Fill,
    MetricAggregation,
    StatisticsAnswer,
    TimeSeriesAnswer,
    TrendsAnswer,
)
from analytics.schemas.time import DateOrTimestamp, TimeRange
from analytics.services import metrics as metric_service
from analytics.services import statistics as statistics_service
from analytics.statistics import (
    Interval,
)
from analytics.statistics_params import (
    GroupBy,
    PeriodEnd,
    PeriodStart,
    TimeZone,
    dimension_filters,
    statistics_query,
)
from analytics.wiring import unit_of_work

app = APIGatewayHttpResolver(
    enable_validation=True, json_body_deserializer=read_json_body, serializer=write_json
)
configure_resolver(app)

Skip = Annotated[int, Query(ge=0, description="How many matching metrics to skip")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_LIMIT, description="Page size")]
Start = Annotated[DateOrTimestamp | None, Query(description="From this date or instant (inclusive)")]
End = Annotated[
    DateOrTimestamp | None, Query(description="Up to this date (whole day) or instant (inclusive)")
]


def listing(filters: MetricFilters, skip: int, limit: int) -> Page[MetricResponse]:
    require(app, Action.READ)
    return metric_service.list_metrics(unit_of_work(), filters, skip, limit)


@app.post(
    "/api/v1/metrics",
    **documented(
        400,
        ok={201: "Stored", 200: "Already stored under this idempotency key"},
        caller=Caller.TOKEN,
        body=True,
    ),
    summary="Record one metric",
    description="201 with the stored metric; a repeated `idempotency_key` returns the original with 200. "
    "A timestamp before the retention window is a 400.",
    tags=["Metrics"],
)
def create_metric(metric: MetricCreate) -> tuple[MetricResponse, int]:
    require(app, Action.INGEST)
    stored, created = metric_service.create_metric(unit_of_work(), metric)
    metrics.add_metric(name="MetricsStored", unit=MetricUnit.Count, value=int(created))
    return stored, 201 if created else 200


@app.post(
    "/api/v1/metrics/bulk",
    **documented(
        ok={201: "At least one item stored", 200: "Nothing new stored"},
        why={413: "More items than MAX_BULK_ITEMS (1,000), or over API Gateway's 10 MB (`message`)"},
        caller=Caller.TOKEN,
        body=True,
    ),
    summary="Record up to 1,000 metrics",
    description="Valid items are stored in one transaction; each invalid item is reported by its index.",
    tags=["Metrics"],
)
def create_metrics(
    body: Annotated[
        MetricBulkCreate | list[dict[str, Any]], Body(description='`{"metrics": [...]}` or a bare array')
    ],
) -> tuple[BulkResult, int]:
    require(app, Action.INGEST)
    items = body.metrics if isinstance(body, MetricBulkCreate) else body
    result = metric_service.create_metrics(unit_of_work(), items)
    metrics.add_metric(name="MetricsStored", unit=MetricUnit.Count, value=result.created)
    return result, 201 if result.created else 200


@app.get("/api/v1/metrics", **documented(400), summary="List metrics", tags=["Metrics"])
def list_metrics(
    service_name: Annotated[ServiceName | None, Query()] = None,
    metric_type: Annotated[MetricType | None, Query()] = None,
    metric_name: Annotated[str | None, Query()] = None,
    start_date: Start = None,
    end_date: End = None,
    skip: Skip = 0,
    limit: Limit = DEFAULT_PAGE_LIMIT,
) -> Page[MetricResponse]:
    period = TimeRange.from_bounds(start_date, end_date)
    filters = MetricFilters(
        service_name=service_name,
        metric_type=metric_type,
        metric_name=metric_name,
        start=period.start,
        end=period.end,
        dimensions=dimension_filters(app),
    )
    return listing(filters, skip, limit)


@app.get(
    "/api/v1/metrics/by-service/<service_name>",
    **documented(400, 404),
    summary="Metrics of one service",
    tags=["Metrics"],
)
def metrics_by_service(
    service_name: Annotated[ServiceName, Path()],
    start_date: Start = None,
    end_date: End = None,
    skip: Skip = 0,
    limit: Limit = DEFAULT_PAGE_LIMIT,
) -> Page[MetricResponse]:
    period = TimeRange.from_bounds(start_date, end_date)
    filters = MetricFilters(service_name=service_name, start=period.start, end=period.end)
    return listing(filters, skip, limit)


@app.get(
    "/api/v1/metrics/by-type/<metric_type>",
    **documented(400, 404),
    summary="Metrics of one type",
    tags=["Metrics"],
)
def metrics_by_type(
    metric_type: Annotated[MetricType, Path()],
    start_date: Start = None,
    end_date: End = None,
    skip: Skip = 0,
    limit: Limit = DEFAULT_PAGE_LIMIT,
) -> Page[MetricResponse]:
    period = TimeRange.from_bounds(start_date, end_date)
    filters = MetricFilters(metric_type=metric_type, start=period.start, end=period.end)
    return listing(filters, skip, limit)


STATISTICS_DESCRIPTION = (
    "count, sum, avg, min, max, stddev and p50/p90/p95/p99 per group. Answered from the hourly and daily "
    "rollups (percentiles within 1 % of the true value) unless the question needs raw rows: dimension "
    "filters or groups, bounds inside an hour, or a zone with non-whole-hour offsets. Filter by dimension "
    "with `dimensions.<key>=<value>`."
)


@app.get(
    "/api/v1/metrics/aggregations",
    **documented(400),
    summary="Aggregated metrics per hour, day, week or month (spec/001)",
    description="Each metric series' count, sum, avg, min, max, standard deviation and percentiles per "
    "period of `level` (local periods of `tz`; weeks from Monday), newest first, with its unit; the same "
    "filters and period as the statistics. Paginated.",
    tags=["Statistics"],
)
def get_aggregations(
    service_name: Annotated[ServiceName | None, Query()] = None,
    metric_type: Annotated[MetricType | None, Query()] = None,
    metric_name: Annotated[str | None, Query()] = None,
    start_date: PeriodStart = None,
    end_date: PeriodEnd = None,
    level: Annotated[Interval, Query(description="The aggregation level")] = Interval.DAY,
    tz: TimeZone = "UTC",
    skip: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_LIMIT)] = DEFAULT_PAGE_LIMIT,
) -> Page[MetricAggregation]:
    require(app, Action.READ)
    by_series = ["service_name,metric_type,metric_name,unit"]
    query = statistics_query(
        app, service_name, metric_type, metric_name, start_date, end_date, by_series, tz, level
    )
    return statistics_service.aggregations(unit_of_work(), query, skip, limit)


@app.get(
    "/api/v1/metrics/aggregate/statistics",
    **documented(400, answer=StatisticsAnswer),
    summary="Statistics of metrics, grouped (spec/000 path)",
    description=STATISTICS_DESCRIPTION,
    tags=["Statistics"],
)
@app.get(
    "/api/v1/metrics/statistics",
    **documented(400, answer=StatisticsAnswer),
    summary="Statistics of metrics, grouped",
    description=STATISTICS_DESCRIPTION,
    tags=["Statistics"],
)
def get_statistics(
    service_name: Annotated[ServiceName | None, Query()] = None,
    metric_type: Annotated[MetricType | None, Query()] = None,
    metric_name: Annotated[str | None, Query()] = None,
    start_date: PeriodStart = None,
    end_date: PeriodEnd = None,
    group_by: GroupBy = None,
    tz: TimeZone = "UTC",
) -> Response[str]:
    """Answered as the JSON the statistics service writes (StatisticsAnswer): a three-year daily answer
    of every metric is tens of thousands of groups, too many to validate and write again here."""
    require(app, Action.READ)
    query = statistics_query(app, service_name, metric_type, metric_name, start_date, end_date, group_by, tz)
    answer = statistics_service.statistics_json(unit_of_work(), query)
    return Response(status_code=200, content_type=content_types.APPLICATION_JSON, body=answer)


@app.get(
    "/api/v1/metrics/time-series/data",
    **documented(400),
    summary="Time series of metrics",
    description="One value per bucket (`agg` of the bucket's metrics); buckets follow local midnight in "
    "`tz`, so a DST day is one bucket of 23 or 25 hours. `group_by` (non-time fields) gives one series "
    "per group. At most 10,000 buckets.",
    tags=["Statistics"],
)
def get_time_series(
    service_name: Annotated[ServiceName | None, Query()] = None,
    metric_type: Annotated[MetricType | None, Query()] = None,
    metric_name: Annotated[str | None, Query()] = None,
    start_date: PeriodStart = None,
    end_date: PeriodEnd = None,
    interval: Annotated[Interval, Query()] = Interval.DAY,
    agg: Annotated[Aggregate, Query()] = Aggregate.SUM,
    fill: Annotated[Fill, Query(description="What empty buckets hold")] = Fill.NULL,
    group_by: GroupBy = None,
    tz: TimeZone = "UTC",
) -> TimeSeriesAnswer:
    require(app, Action.READ)
    query = statistics_query(
        app, service_name, metric_type, metric_name, start_date, end_date, group_by, tz, interval
    )
    return statistics_service.time_series(unit_of_work(), query, agg, fill)


@app.get(
    "/api/v1/metrics/trends",
    **documented(400),
    summary="Change against the previous period or a year earlier",
    description="`agg` of each group in the period and in the comparison period, the change and the change "
    "in percent (null when the earlier value is 0 or missing).",
    tags=["Statistics"],
)
def get_trends(
    service_name: Annotated[ServiceName | None, Query()] = None,
    metric_type: Annotated[MetricType | None, Query()] = None,
    metric_name: Annotated[str | None, Query()] = None,
    start_date: PeriodStart = None,
    end_date: PeriodEnd = None,
    compare: Annotated[Comparison, Query()] = Comparison.PREVIOUS,
    agg: Annotated[Aggregate, Query()] = Aggregate.SUM,
    group_by: GroupBy = None,
    tz: TimeZone = "UTC",
) -> TrendsAnswer:
    require(app, Action.READ)
    query = statistics_query(app, service_name, metric_type, metric_name, start_date, end_date, group_by, tz)
    if query.interval is not None:
        raise InvalidRequest("group_by of trends names no time field")
    return statistics_service.trends(unit_of_work(), query, compare, agg)


@app.get("/api/v1/metrics/<metric_id>", **documented(404), summary="One metric", tags=["Metrics"])
def get_metric(metric_id: Annotated[uuid.UUID, Path()]) -> MetricResponse:
    require(app, Action.READ)
    return metric_service.get_metric(unit_of_work(), metric_id)


@app.delete(
    "/api/v1/metrics/<metric_id>",
    **documented(404, ok=204, caller=Caller.TOKEN),
    summary="Delete one metric (admin)",
    tags=["Metrics"],
)
def delete_metric(metric_id: Annotated[uuid.UUID, Path()]) -> tuple[None, int]:
    require(app, Action.DELETE)
    metric_service.delete_metric(unit_of_work(), metric_id)
    return None, 204


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)
