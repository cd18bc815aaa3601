"""Reading the catalogued metrics (analytics.insight_metrics) through the statistics service.

Totals, series over time and snapshots come from the rollups (one grouped question per service and
period). A breakdown by a dimension (partner_type, project_type, platform, channel, interaction_type)
reads the period's whole UTC days from the daily dimension rollups and the rest from the raw rows
(analytics.db.statistics_queries).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from analytics.enums import ServiceName
from analytics.insight_metrics import InsightMetric
from analytics.ports import UnitOfWork
from analytics.schemas.insights import Change, Snapshot
from analytics.schemas.statistics import Aggregate, Fill
from analytics.services import statistics as statistics_service
from analytics.services.insights.period import InsightPeriod
from analytics.statistics import DIMENSION_PREFIX, GROUP_OF_INTERVAL, Interval


@dataclass(frozen=True)
class Total:
    count: int = 0
    sum: float = 0.0


NOTHING = Total()


@dataclass(frozen=True)
class Totals:
    """Count and sum per metric name."""

    by_name: Mapping[str, Total]

    def of(self, metric: InsightMetric) -> Total:
        found = [self.by_name[name] for name in metric.names if name in self.by_name]
        return Total(sum(t.count for t in found), sum(t.sum for t in found))

    def sum(self, *metrics: InsightMetric) -> float:
        return sum(self.of(metric).sum for metric in metrics)


def totals(uow: UnitOfWork, period: InsightPeriod, service: ServiceName) -> Totals:
    """Every metric of `service` in the period, by name (from the rollups)."""
    query = period.query(service_name=service, group_by=("metric_name",))
    answer = statistics_service.statistics(uow, query, percentiles=False)
    return Totals({g.group["metric_name"]: Total(g.count, g.sum or 0.0) for g in answer.groups})


def totals_by_service(uow: UnitOfWork, period: InsightPeriod) -> dict[ServiceName, Totals]:
    """Every metric of every service in the period, in one question (from the rollups)."""
    query = period.query(group_by=("service_name", "metric_name"))
    answer = statistics_service.statistics(uow, query, percentiles=False)
    found: dict[ServiceName, dict[str, Total]] = {}
    for g in answer.groups:
        service = ServiceName(g.group["service_name"])
        found.setdefault(service, {})[g.group["metric_name"]] = Total(g.count, g.sum or 0.0)
    return {service: Totals(by_name) for service, by_name in found.items()}


@dataclass(frozen=True)
class OverTime:
    """Sums and counts per bucket and metric name; every bucket of the period, zeros where empty."""

    buckets: list[dt.datetime]
    sums: Mapping[str, list[float]]
    counts: Mapping[str, list[float]]

    def sum(self, metric: InsightMetric) -> list[float]:
        return self._add(self.sums, metric)

    def count(self, metric: InsightMetric) -> list[float]:
        return self._add(self.counts, metric)

    def _add(self, values: Mapping[str, list[float]], metric: InsightMetric) -> list[float]:
        found = [values[name] for name in metric.names if name in values]
        return [sum(column) for column in zip(*found, strict=True)] if found else [0.0] * len(self.buckets)


def over_time(
    uow: UnitOfWork,
    period: InsightPeriod,
    service: ServiceName,
    interval: Interval,
    metrics: tuple[InsightMetric, ...],
    counts: bool = False,
) -> OverTime:
    """`metrics` (of `service`) per bucket of `interval` (from the rollups), their counts only when asked
    for; sums and counts are read in one question, of that metric alone where there is one name to read."""
    names = {name for metric in metrics for name in metric.names}
    only = names.pop() if len(names) == 1 else None
    query = period.query(
        service_name=service, metric_name=only, group_by=("metric_name", GROUP_OF_INTERVAL[interval])
    )
    aggs = (Aggregate.SUM, Aggregate.COUNT) if counts else (Aggregate.SUM,)
    answers = statistics_service.time_series_of(uow, query, aggs, Fill.ZERO)

    def by_name(agg: Aggregate) -> dict[str, list[float]]:
        return {s.group["metric_name"]: [v or 0.0 for v in s.values] for s in answers[agg].series}

    buckets = answers[Aggregate.SUM].buckets
    return OverTime(buckets, by_name(Aggregate.SUM), by_name(Aggregate.COUNT) if counts else {})


def by_dimension(
    uow: UnitOfWork, period: InsightPeriod, service: ServiceName, key: str
) -> dict[str | None, Totals]:
    """`service`'s metrics per value of dimension `key` (None for rows without it)."""
    dimension = f"{DIMENSION_PREFIX}{key}"
    query = period.query(service_name=service, group_by=("metric_name", dimension))
    answer = statistics_service.statistics(uow, query, percentiles=False)
    found: dict[str | None, dict[str, Total]] = {}
    for g in answer.groups:
        found.setdefault(g.group[dimension], {})[g.group["metric_name"]] = Total(g.count, g.sum or 0.0)
    return {value: Totals(by_name) for value, by_name in found.items()}


def in_order(values: Iterable[str | None]) -> list[str | None]:
    """Dimension values by name, the rows sent without the dimension last."""
    return sorted(values, key=lambda value: (value is None, value or ""))


def snapshot(uow: UnitOfWork, period: InsightPeriod, metric: InsightMetric) -> Snapshot:
    """The average of the last local day in the period on which `metric` was sent (from the rollups)."""
    query = period.query(service_name=metric.service, metric_name=metric.name, group_by=("date",))
    days = statistics_service.statistics(uow, query, percentiles=False).groups
    if not days:
        return Snapshot(value=0.0, as_of=None)
    last = max(days, key=lambda g: g.group["date"])
    return Snapshot(value=last.avg or 0.0, as_of=dt.datetime.fromisoformat(last.group["date"]).date())


def percent(part: float, whole: float) -> float | None:
    return part / whole * 100 if whole else None


def per(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def change(current: float, previous: float) -> Change:
    return Change(
        current=current,
        previous=previous,
        change=current - previous,
        change_percent=percent(current - previous, previous),
    )
