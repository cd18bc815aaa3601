"""The buckets of a time series in a time zone, and filling the empty ones.

Days, weeks and months start at local midnight, so a day across a DST change lasts 23 or 25 hours and
is never missing or repeated; hours are real hours.
"""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

from analytics.schemas.statistics import Fill
from analytics.statistics import Interval

HOUR = dt.timedelta(hours=1)


def _local_midnight(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=zone).astimezone(dt.UTC)


def _next_start(day: dt.date, interval: Interval) -> dt.date:
    if interval is Interval.DAY:
        return day + dt.timedelta(days=1)
    if interval is Interval.WEEK:
        return day + dt.timedelta(weeks=1)
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _first_local_day(moment: dt.datetime, interval: Interval, zone: ZoneInfo) -> dt.date:
    day = moment.astimezone(zone).date()
    if interval is Interval.WEEK:
        return day - dt.timedelta(days=day.weekday())
    if interval is Interval.MONTH:
        return day.replace(day=1)
    return day


def first_hour_start(start: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """The UTC instant at which the local hour holding `start` begins; hourly buckets step from it."""
    return start.astimezone(zone).replace(minute=0, second=0, microsecond=0).astimezone(dt.UTC)


def bucket_starts(
    start: dt.datetime, end: dt.datetime, interval: Interval, zone: ZoneInfo
) -> list[dt.datetime]:
    """The UTC instants at which the buckets overlapping [start, end) begin."""
    if interval is Interval.HOUR:
        moment = first_hour_start(start, zone)
        starts = []
        while moment < end:
            starts.append(moment)
            moment += HOUR
        return starts
    day = _first_local_day(start, interval, zone)
    starts = []
    while (moment := _local_midnight(day, zone)) < end:
        starts.append(moment)
        day = _next_start(day, interval)
    return starts


def filled(values: list[float | None], fill: Fill) -> list[float | None]:
    """Empty buckets (None) as `fill` says: left empty, zero, the previous value, or interpolated
    linearly between the nearest values on both sides (empty at the edges)."""
    if fill is Fill.NULL:
        return values
    if fill is Fill.ZERO:
        return [0.0 if value is None else value for value in values]
    if fill is Fill.PREVIOUS:
        result: list[float | None] = []
        last: float | None = None
        for value in values:
            last = value if value is not None else last
            result.append(last)
        return result
    result = list(values)
    known = [i for i, value in enumerate(values) if value is not None]
    for left, right in itertools.pairwise(known):
        low, high = values[left], values[right]
        assert low is not None and high is not None
        for i in range(left + 1, right):
            result[i] = low + (high - low) * (i - left) / (right - left)
    return result
