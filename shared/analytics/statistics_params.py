"""Query parameters shared by the endpoints that answer statistics questions (metrics, charts)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.params import Query

from analytics.enums import MetricType, ServiceName
from analytics.errors import InvalidRequest
from analytics.schemas.time import DateOrTimestamp
from analytics.statistics import (
    DIMENSION_PREFIX,
    GROUP_OF_INTERVAL,
    TIME_GROUPS,
    Interval,
    StatisticsQuery,
    parse_group_by,
    period_in_zone,
)

ServiceParam = Annotated[ServiceName | None, Query()]
MetricTypeParam = Annotated[MetricType | None, Query()]
MetricNameParam = Annotated[str | None, Query()]
TimeZone = Annotated[
    str, Query(description="IANA time zone of dates, days, weeks and months", examples=["Europe/Berlin"])
]
GROUP_BY_DESCRIPTION = (
    "Repeat or comma-separate: service_name, metric_type, metric_name, date, hour, week (from Monday), "
    "month, dimensions.<key>"
)
GroupBy = Annotated[list[str] | None, Query(description=GROUP_BY_DESCRIPTION, examples=["service_name,date"])]
# Charts of one value per group (bar, pie) have no answer without groups.
RequiredGroupBy = Annotated[
    list[str], Query(description=GROUP_BY_DESCRIPTION, examples=["service_name", "dimensions.country"])
]
PeriodStart = Annotated[
    DateOrTimestamp | None,
    Query(description="From this local date or instant (default: the 30 whole local days up to the end)"),
]
PeriodEnd = Annotated[
    DateOrTimestamp | None,
    Query(description="Up to this local date (whole day) or before this instant (default: today, local)"),
]


def dimension_filters(app: APIGatewayHttpResolver) -> dict[str, str]:
    """`dimensions.country=US` query parameters, which the schema cannot name in advance."""
    params = app.current_event.query_string_parameters or {}
    return {
        key.removeprefix(DIMENSION_PREFIX): value
        for key, value in params.items()
        if key.startswith(DIMENSION_PREFIX)
    }


def statistics_query(
    app: APIGatewayHttpResolver,
    service_name: ServiceName | None,
    metric_type: MetricType | None,
    metric_name: str | None,
    start_date: dt.date | dt.datetime | None,
    end_date: dt.date | dt.datetime | None,
    group_by: list[str] | None,
    tz: str,
    interval: Interval | None = None,
) -> StatisticsQuery:
    """With `interval`, a question over time: its buckets are the interval's, so group_by names no time
    field of its own."""
    start, end = period_in_zone(start_date, end_date, tz)
    groups = parse_group_by(group_by or [])
    if interval is not None:
        if any(name in TIME_GROUPS for name in groups):
            raise InvalidRequest(
                "group_by of a question over time names no time field: `interval` sets the buckets"
            )
        groups += (GROUP_OF_INTERVAL[interval],)
    return StatisticsQuery(
        start=start,
        end=end,
        service_name=service_name,
        metric_type=metric_type,
        metric_name=metric_name,
        dimensions=tuple(sorted(dimension_filters(app).items())),
        group_by=groups,
        tz=tz,
    )
