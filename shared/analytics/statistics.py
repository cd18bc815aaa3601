"""Statistics questions: which metrics, which period, grouped how, in which time zone.

Answered from the rollups when they hold the answer exactly (no dimension in the question, period
bounds on whole hours, a zone whose offsets are whole hours, or whole local days of a zone whose days
are rolled up), else from the raw rows; a breakdown by one of BREAKDOWN_DIMENSIONS without percentiles
reads its whole UTC days from the dimension rollups.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo, available_timezones

from analytics.enums import MetricType, ServiceName
from analytics.errors import InvalidRequest
from analytics.settings import get_settings


class Interval(StrEnum):
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


SERIES_FIELDS = ("service_name", "metric_type", "metric_name")
UNIT_GROUP = "unit"  # groups by the metrics' unit: values of different units are never added up
TIME_GROUPS = {"date": Interval.DAY, "hour": Interval.HOUR, "week": Interval.WEEK, "month": Interval.MONTH}
GROUP_OF_INTERVAL = {interval: name for name, interval in TIME_GROUPS.items()}
DIMENSION_PREFIX = "dimensions."
# The dimensions insights break metrics down by, rolled up per day (migration 0011).
BREAKDOWN_DIMENSIONS = ("channel", "interaction_type", "partner_type", "platform", "project_type")
FIGURES = ("count", "sum", "avg", "min", "max", "stddev", "p50", "p90", "p95", "p99")
# An answer row is its group values (g0, g1, ... in group_by order), the figures asked for, and the least and
# greatest unit of the metrics it adds up (two different ones, and it added values in different units).
UNIT_COLUMNS = ("unit", "other_unit")


def row_columns(query: StatisticsQuery, figures: Collection[str] = FIGURES) -> list[str]:
    """An answer row's columns: its group values, the figures of `figures` (in FIGURES order), its units."""
    asked = (figure for figure in FIGURES if figure in figures)
    return [*(f"g{i}" for i in range(len(query.group_by))), *asked, *UNIT_COLUMNS]


MAX_BUCKETS = 10_000
PERCENTILE_RELATIVE_ERROR = 0.01  # of answers read from the rollups' sketches (analytics.sketch)

APPROXIMATE_LENGTH = {
    Interval.HOUR: dt.timedelta(hours=1),
    Interval.DAY: dt.timedelta(days=1),
    Interval.WEEK: dt.timedelta(weeks=1),
    Interval.MONTH: dt.timedelta(days=28),
}


class Source(StrEnum):
    ROLLUPS = "rollups"
    RAW = "raw"


@functools.cache
def _zone_names() -> frozenset[str]:
    """The IANA zone names, which PostgreSQL knows too: ZoneInfo also opens `localtime` and any file
    under the zone folder (`posix/...`, `right/...`), which PostgreSQL refuses."""
    return frozenset(available_timezones() - {"localtime"})


# Every answer's group is one output row per combination of values: more fields than this answer nothing
# a person reads, at a cost anyone could cause.
MAX_GROUP_FIELDS = 8


def zone_of(name: str) -> ZoneInfo:
    if name not in _zone_names():
        raise InvalidRequest(f"unknown time zone {name!r}: use an IANA name such as Europe/Berlin")
    return ZoneInfo(name)


def parse_group_by(fields: list[str]) -> tuple[str, ...]:
    """`group_by` as given (repeated or comma-separated), checked: series fields, one time field,
    dimension keys, at most MAX_GROUP_FIELDS in all."""
    names = [name.strip() for value in fields for name in value.split(",") if name.strip()]
    if len(names) > MAX_GROUP_FIELDS:
        raise InvalidRequest(f"group by at most {MAX_GROUP_FIELDS} fields, got {len(names)}")
    for name in names:
        known = name in SERIES_FIELDS or name in TIME_GROUPS or name == UNIT_GROUP
        if not known and not (name.startswith(DIMENSION_PREFIX) and len(name) > len(DIMENSION_PREFIX)):
            allowed = ", ".join([*SERIES_FIELDS, UNIT_GROUP, *TIME_GROUPS, "dimensions.<key>"])
            raise InvalidRequest(f"cannot group by {name!r}; use any of {allowed}")
    if len([name for name in names if name in TIME_GROUPS]) > 1:
        raise InvalidRequest("group by at most one of date, hour, week, month")
    if len(set(names)) != len(names):
        raise InvalidRequest("group_by names a field twice")
    return tuple(names)


@dataclass(frozen=True)
class StatisticsQuery:
    start: dt.datetime  # UTC, inclusive
    end: dt.datetime  # UTC, exclusive
    service_name: ServiceName | None = None
    metric_type: MetricType | None = None
    metric_name: str | None = None
    dimensions: tuple[tuple[str, str], ...] = ()
    group_by: tuple[str, ...] = ()
    tz: str = "UTC"

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise InvalidRequest("end_date must be after start_date")
        zone_of(self.tz)
        interval = self.interval
        if interval is not None:
            buckets = (self.end - self.start) / APPROXIMATE_LENGTH[interval]
            if buckets > MAX_BUCKETS:
                raise InvalidRequest(
                    f"{buckets:,.0f} {interval} buckets is more than {MAX_BUCKETS:,}: "
                    "use a coarser interval or a shorter period"
                )

    @property
    def interval(self) -> Interval | None:
        return next((TIME_GROUPS[name] for name in self.group_by if name in TIME_GROUPS), None)

    @functools.cached_property
    def on_local_days(self) -> bool:
        """Answered from the local daily rollups of its zone: one of ROLLUP_ZONES, bounds on its local
        midnights, no hourly groups and no dimensions."""
        if self.tz not in get_settings().rollup_zones or self.interval is Interval.HOUR:
            return False
        if self.dimensions or any(name.startswith(DIMENSION_PREFIX) for name in self.group_by):
            return False
        zone = zone_of(self.tz)
        return all(moment.astimezone(zone).time() == dt.time(0) for moment in (self.start, self.end))

    @functools.cached_property
    def source(self) -> Source:
        if self.on_local_days:
            return Source.ROLLUPS
        on_hours = all(
            moment.minute == moment.second == moment.microsecond == 0 for moment in (self.start, self.end)
        )
        by_dimension = any(name.startswith(DIMENSION_PREFIX) for name in self.group_by)
        if self.dimensions or by_dimension or not on_hours or not whole_hour_offsets(self):
            return Source.RAW
        return Source.ROLLUPS


def whole_hour_offsets(query: StatisticsQuery) -> bool:
    """Whether every offset of the query's zone within its period is whole hours (hourly rollups add up
    exactly to its local days)."""
    if query.tz == "UTC":
        return True
    zone = zone_of(query.tz)
    moment = query.start
    while moment <= query.end + dt.timedelta(days=1):
        offset = moment.astimezone(zone).utcoffset() or dt.timedelta()
        if offset.total_seconds() % 3600:
            return False
        moment += dt.timedelta(days=1)
    return True


DEFAULT_DAYS = 30


def period_in_zone(
    start: dt.date | dt.datetime | None, end: dt.date | dt.datetime | None, tz: str
) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) in UTC. Dates are whole local days in `tz` (`end` included); instants are taken as
    they are (`end` excluded). Without `end`: up to the end of today, local; without `start`: the
    DEFAULT_DAYS whole local days up to and including the last one (before an instant: as many days)."""
    zone = zone_of(tz)

    def local_midnight(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(0), tzinfo=zone).astimezone(dt.UTC)

    if end is None:
        end = dt.datetime.now(dt.UTC).astimezone(zone).date()
    if isinstance(end, dt.datetime):
        upper = end
        default_lower = upper - dt.timedelta(days=DEFAULT_DAYS)
    else:
        upper = local_midnight(end + dt.timedelta(days=1))
        default_lower = local_midnight(end - dt.timedelta(days=DEFAULT_DAYS - 1))
    if start is None:
        lower = default_lower
    elif isinstance(start, dt.datetime):
        lower = start
    else:
        lower = local_midnight(start)
    if upper <= lower:
        raise InvalidRequest("end_date must be after start_date")
    return lower, upper
