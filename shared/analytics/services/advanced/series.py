"""Metric series for the engine: one value per whole period, read from the rollups as the statistics
endpoints answer them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from analytics.errors import InvalidRequest
from analytics.ports import UnitOfWork
from analytics.schemas.advanced import CalendarPeriod, SeriesSelection
from analytics.schemas.statistics import Aggregate, Fill
from analytics.services.statistics import time_series
from analytics.statistics import GROUP_OF_INTERVAL, Interval, StatisticsQuery, period_in_zone, zone_of
from analytics.time_buckets import filled

# Quarters and years are added up from months.
MONTHS_IN = {CalendarPeriod.QUARTER: 3, CalendarPeriod.YEAR: 12}
INTERVAL_OF = {
    CalendarPeriod.DAY: Interval.DAY,
    CalendarPeriod.WEEK: Interval.WEEK,
    CalendarPeriod.MONTH: Interval.MONTH,
}
# A period without metrics counts as zero for these; for the others it has no value.
ADDITIVE = (Aggregate.SUM, Aggregate.COUNT)


@dataclass(frozen=True)
class PeriodSeries:
    starts: list[dt.datetime]  # each period's local start, oldest first
    values: list[float]


def current_period_start(now: dt.datetime, period: CalendarPeriod, tz: str) -> dt.date:
    """The local day the period holding `now` begins on."""
    today = now.astimezone(zone_of(tz)).date()
    if period is CalendarPeriod.DAY:
        return today
    if period is CalendarPeriod.WEEK:
        return today - dt.timedelta(days=today.weekday())
    if period is CalendarPeriod.MONTH:
        return today.replace(day=1)
    if period is CalendarPeriod.QUARTER:
        return dt.date(today.year, today.month - (today.month - 1) % 3, 1)
    return dt.date(today.year, 1, 1)


def periods_before(day: dt.date, period: CalendarPeriod, count: int) -> dt.date:
    """The local day `count` periods before `day`, which starts a period."""
    if period is CalendarPeriod.DAY:
        return day - dt.timedelta(days=count)
    if period is CalendarPeriod.WEEK:
        return day - dt.timedelta(weeks=count)
    months = day.year * 12 + day.month - 1 - count * MONTHS_IN.get(period, 1)
    return dt.date(months // 12, months % 12 + 1, 1)


def whole_periods(
    now: dt.datetime, period: CalendarPeriod, tz: str, count: int
) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) in UTC of the `count` whole periods before the current one."""
    current = current_period_start(now, period, tz)
    return period_in_zone(periods_before(current, period, count), current - dt.timedelta(days=1), tz)


def selection_query(
    selection: SeriesSelection, start: dt.datetime, end: dt.datetime, tz: str, group_by: tuple[str, ...] = ()
) -> StatisticsQuery:
    """The statistics question of the selection's metrics in [start, end)."""
    return StatisticsQuery(
        start=start,
        end=end,
        service_name=selection.service_name,
        metric_type=selection.metric_type,
        metric_name=selection.metric_name,
        dimensions=tuple(sorted(selection.dimensions.items())),
        group_by=group_by,
        tz=tz,
    )


def period_or_last_days(
    start: dt.date | dt.datetime | None,
    end: dt.date | dt.datetime | None,
    tz: str,
    now: dt.datetime,
    days: int,
) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) in UTC as given (analytics.statistics.period_in_zone), or else the `days` whole local
    days before today."""
    if start is None and end is None:
        yesterday = now.astimezone(zone_of(tz)).date() - dt.timedelta(days=1)
        return period_in_zone(yesterday - dt.timedelta(days=days - 1), yesterday, tz)
    return period_in_zone(start, end, tz)


def read_series(
    uow: UnitOfWork, selection: SeriesSelection, period: CalendarPeriod, start: dt.datetime, end: dt.datetime
) -> PeriodSeries:
    """The selection's value per period in [start, end), from the first period holding metrics on: an empty
    period is zero for sums and counts, else the value interpolated between its neighbours (or the last
    value, at the end). InvalidRequest when no metric matches."""
    interval = INTERVAL_OF.get(period, Interval.MONTH)
    query = selection_query(selection, start, end, selection.tz, (GROUP_OF_INTERVAL[interval],))
    if period in MONTHS_IN:
        starts, raw = _in_longer_periods(uow, query, selection.agg, MONTHS_IN[period])
    else:
        starts, raw = _values(uow, query, selection.agg)
    first = next((i for i, value in enumerate(raw) if value is not None), None)
    if first is None:
        raise InvalidRequest(
            f"no metrics match the selection from {start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC: "
            "there is nothing to learn from"
        )
    starts, raw = starts[first:], raw[first:]
    if selection.agg in ADDITIVE:
        values = filled(raw, Fill.ZERO)
    else:
        values = filled(filled(raw, Fill.LINEAR), Fill.PREVIOUS)
    return PeriodSeries(starts=starts, values=[float(value) for value in values if value is not None])


def _values(
    uow: UnitOfWork, query: StatisticsQuery, agg: Aggregate
) -> tuple[list[dt.datetime], list[float | None]]:
    answer = time_series(uow, query, agg, Fill.NULL)
    values: list[float | None] = answer.series[0].values if answer.series else [None] * len(answer.buckets)
    return answer.buckets, values


def _in_longer_periods(
    uow: UnitOfWork, query: StatisticsQuery, agg: Aggregate, months: int
) -> tuple[list[dt.datetime], list[float | None]]:
    """Months added up into quarters or years: sums and counts add, extremes take the extreme, an average
    is the sum over the count. A percentile of months makes no percentile of the quarter."""
    if agg is Aggregate.P95:
        raise InvalidRequest(
            "p95 cannot be combined from months: forecast quarters or years with another agg"
        )
    starts, by_month = _values(uow, query, Aggregate.SUM if agg is Aggregate.AVG else agg)
    counts = _values(uow, query, Aggregate.COUNT)[1] if agg is Aggregate.AVG else by_month
    longer_starts: list[dt.datetime] = []
    longer: list[float | None] = []
    for first in range(0, len(starts), months):
        present = [value for value in by_month[first : first + months] if value is not None]
        if not present:
            longer.append(None)
        elif agg is Aggregate.AVG:
            count = sum(value or 0 for value in counts[first : first + months])
            longer.append(sum(present) / count if count else None)
        else:
            longer.append({Aggregate.MIN: min, Aggregate.MAX: max}.get(agg, sum)(present))
        longer_starts.append(starts[first])
    return longer_starts, longer
