"""The period a domain insight covers, and the one of the same length just before it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from analytics.enums import ServiceName
from analytics.errors import InvalidRequest
from analytics.schemas.insights import Period
from analytics.statistics import StatisticsQuery, period_in_zone, zone_of

ONE_MICROSECOND = dt.timedelta(microseconds=1)


@dataclass(frozen=True)
class InsightPeriod:
    """[start, end) in UTC, read in the local days of `tz`."""

    start: dt.datetime
    end: dt.datetime
    tz: str = "UTC"

    def __post_init__(self) -> None:
        zone_of(self.tz)
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("an insight period's bounds are aware datetimes")
        if self.end <= self.start:
            raise InvalidRequest("end_date must be after start_date")

    @classmethod
    def of(
        cls, start_date: dt.date | dt.datetime | None, end_date: dt.date | dt.datetime | None, tz: str = "UTC"
    ) -> InsightPeriod:
        """Dates are whole local days (end_date included), timestamps taken as they are (end excluded).
        Without end_date: up to the end of today; without start_date: the 30 whole days up to the end."""
        start, end = period_in_zone(start_date, end_date, tz)
        return cls(start.astimezone(dt.UTC), end.astimezone(dt.UTC), tz)

    @property
    def length(self) -> dt.timedelta:
        return self.end - self.start

    def previous(self) -> InsightPeriod:
        """The period of the same length that ends where this one starts."""
        return InsightPeriod(self.start - self.length, self.start, self.tz)

    @property
    def first_day(self) -> dt.date:
        return self.start.astimezone(zone_of(self.tz)).date()

    @property
    def last_day(self) -> dt.date:
        """The local day of the period's last instant."""
        return (self.end - ONE_MICROSECOND).astimezone(zone_of(self.tz)).date()

    def query(
        self,
        service_name: ServiceName | None = None,
        metric_name: str | None = None,
        group_by: tuple[str, ...] = (),
    ) -> StatisticsQuery:
        return StatisticsQuery(
            start=self.start,
            end=self.end,
            service_name=service_name,
            metric_name=metric_name,
            group_by=group_by,
            tz=self.tz,
        )

    def shown(self) -> Period:
        zone = zone_of(self.tz)
        return Period(start=self.start.astimezone(zone), end=self.end.astimezone(zone), tz=self.tz)
