"""What a report holds: its period's figures per service, over time and per metric, and its goals.

Every figure comes from the statistics service, so it is read from the rollups whenever they hold it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from analytics.enums import MetricType, ReportType, ServiceName
from analytics.ports import UnitOfWork
from analytics.schemas.report_content import (
    DetailRow,
    KeyFigures,
    ReportContent,
    ReportDefinition,
    ServiceSeries,
    ServiceSummary,
    TimePoint,
    TopMetric,
    local_midnight,
)
from analytics.schemas.statistics import Aggregate, Fill, GroupStatistics
from analytics.services import statistics as statistics_service
from analytics.statistics import GROUP_OF_INTERVAL, Interval, StatisticsQuery

LONGEST_DAILY_SERIES = 93  # days (a quarter); longer periods are shown month by month
SERIES = ("service_name", "metric_type", "metric_name")


def interval_of(report_type: ReportType, days: int) -> Interval:
    if report_type is ReportType.DAILY:
        return Interval.HOUR
    if report_type is ReportType.ANNUAL or days > LONGEST_DAILY_SERIES:
        return Interval.MONTH
    return Interval.DAY


def change_percent(current: float, previous: float) -> float | None:
    return (current - previous) / previous * 100 if previous else None


@dataclass(frozen=True)
class _Questions:
    """Statistics questions about the report's services, in its zone."""

    uow: UnitOfWork
    services: list[ServiceName]
    tz: str

    def query(self, start: dt.datetime, end: dt.datetime, *group_by: str) -> StatisticsQuery:
        return StatisticsQuery(
            start=start.astimezone(dt.UTC), end=end.astimezone(dt.UTC), group_by=group_by, tz=self.tz
        )

    def groups(
        self, start: dt.datetime, end: dt.datetime, *group_by: str, p95: bool = False
    ) -> list[GroupStatistics]:
        answer = statistics_service.statistics(self.uow, self.query(start, end, *group_by), percentiles=p95)
        return [g for g in answer.groups if ServiceName(g.group["service_name"]) in self.services]

    def by_service(self, start: dt.datetime, end: dt.datetime) -> dict[ServiceName, GroupStatistics]:
        return {ServiceName(g.group["service_name"]): g for g in self.groups(start, end, "service_name")}

    def sums_over_time(self, start: dt.datetime, end: dt.datetime, interval: Interval) -> list[ServiceSeries]:
        """One series per service, zeros where it recorded nothing."""
        query = self.query(start, end, "service_name", GROUP_OF_INTERVAL[interval])
        answer = statistics_service.time_series(self.uow, query, Aggregate.SUM, Fill.ZERO)
        sums = {ServiceName(s.group["service_name"]): s.values for s in answer.series}
        zeros: list[float | None] = [0.0] * len(answer.buckets)
        return [
            ServiceSeries(
                service=service,
                points=[
                    TimePoint(start=moment, sum=value or 0.0)
                    for moment, value in zip(answer.buckets, sums.get(service, zeros), strict=True)
                ],
            )
            for service in self.services
        ]


def build_report_content(uow: UnitOfWork, definition: ReportDefinition, now: dt.datetime) -> ReportContent:
    """`now` (aware) decides the default period: the last full day, week, month or year before it."""
    parameters = definition.parameters
    first, last = parameters.days(definition.report_type, now)
    start, end = parameters.period(definition.report_type, now)
    days = (last - first).days + 1
    previous_start = local_midnight(first - dt.timedelta(days=days), parameters.tz)
    interval = interval_of(definition.report_type, days)
    ask = _Questions(uow, parameters.services, parameters.tz)

    current = ask.by_service(start, end)
    previous = ask.by_service(previous_start, start)
    series = sorted(ask.groups(start, end, *SERIES, p95=True), key=_most_recorded)
    details = ask.groups(start, end, GROUP_OF_INTERVAL[interval], *SERIES)
    recorded = sum(g.count for g in current.values())
    previously_recorded = sum(g.count for g in previous.values())
    with uow:
        goals = uow.goals.overlapping(first, last)
    return ReportContent(
        title=definition.name,
        report_type=definition.report_type,
        period_start=start,
        period_end=end,
        previous_period_start=previous_start,
        time_zone=parameters.tz,
        generated_at=now.astimezone(start.tzinfo),
        interval=interval,
        key_figures=KeyFigures(
            metrics_recorded=recorded,
            previous_metrics_recorded=previously_recorded,
            change_percent=change_percent(recorded, previously_recorded),
            services_reporting=len(current),
            distinct_metrics=len(series),
        ),
        services=[_summary(s, current.get(s), previous.get(s)) for s in ask.services],
        time_series=ask.sums_over_time(start, end, interval),
        top_metrics=[TopMetric(**_figures(g), p95=g.p95) for g in series[: parameters.top_metrics]],
        goals=goals,
        details=[
            DetailRow(
                bucket_start=dt.datetime.fromisoformat(g.group[GROUP_OF_INTERVAL[interval]]), **_figures(g)
            )
            for g in details
        ],
    )


def _summary(
    service: ServiceName, current: GroupStatistics | None, previous: GroupStatistics | None
) -> ServiceSummary:
    total = (current.sum or 0.0) if current else 0.0
    previous_total = (previous.sum or 0.0) if previous else 0.0
    return ServiceSummary(
        service=service,
        count=current.count if current else 0,
        sum=total,
        avg=current.avg if current else None,
        previous_sum=previous_total,
        change_percent=change_percent(total, previous_total),
    )


def _most_recorded(group: GroupStatistics) -> tuple[Any, ...]:
    return (-group.count, *(group.group[name] for name in SERIES))


def _figures(group: GroupStatistics) -> dict[str, Any]:
    """The fields a top metric and a detail row share."""
    return {
        "service": ServiceName(group.group["service_name"]),
        "metric_type": MetricType(group.group["metric_type"]),
        "metric_name": group.group["metric_name"],
        "count": group.count,
        "sum": group.sum,
        "avg": group.avg,
        "min": group.min,
        "max": group.max,
    }
