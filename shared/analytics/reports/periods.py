"""The periods a report compares: its own, the previous calendar period of the same kind, and the same
period a year earlier. Pure: local days in, local days out.

The previous period is the day, week (Monday to Sunday), month or year before; for a custom period, the
one of the same number of days just before it. A year earlier is the same day, the same ISO week, the
same month or the same days one year back; an annual report has none (its previous period is the year
before).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from analytics.enums import ReportType

ONE_DAY = dt.timedelta(days=1)
WEEK = dt.timedelta(days=7)
DASH = "\u2013"  # en dash


@dataclass(frozen=True)
class Days:
    """Local days, both included."""

    first: dt.date
    last: dt.date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError(f"{self.last} is before {self.first}")

    @property
    def count(self) -> int:
        return (self.last - self.first).days + 1


def previous(report_type: ReportType, days: Days) -> Days:
    """The previous calendar period of the same kind."""
    if report_type is ReportType.MONTHLY:
        last = days.first - ONE_DAY
        return Days(last.replace(day=1), last)
    if report_type is ReportType.ANNUAL:
        return Days(dt.date(days.first.year - 1, 1, 1), dt.date(days.first.year - 1, 12, 31))
    return Days(days.first - days.count * ONE_DAY, days.first - ONE_DAY)


def year_earlier(report_type: ReportType, days: Days) -> Days | None:
    """The same period a year earlier; None for an annual report, whose previous period is that year."""
    if report_type is ReportType.ANNUAL:
        return None
    if report_type is ReportType.WEEKLY:
        year, week, _ = days.first.isocalendar()
        try:
            monday = dt.date.fromisocalendar(year - 1, week, 1)
        except ValueError:  # week 53 of a year after one with 52 weeks: the 52nd
            monday = days.first - 52 * WEEK
        return Days(monday, monday + 6 * ONE_DAY)
    if report_type is ReportType.MONTHLY:
        first = days.first.replace(year=days.first.year - 1)
        return Days(first, _a_year_before(days.last))
    first = _a_year_before(days.first)
    return Days(first, first + (days.count - 1) * ONE_DAY)


def _a_year_before(day: dt.date) -> dt.date:
    """The same date a year earlier; 28 February for 29 February."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def label(report_type: ReportType, days: Days) -> str:
    """What a reader calls the period: `December 2025`, `Week 49, 2025`, `2025`, `1 Dec 2025` or the days."""
    if report_type is ReportType.DAILY:
        return day_label(days.first)
    if report_type is ReportType.WEEKLY:
        year, week, _ = days.first.isocalendar()
        return f"Week {week}, {year}"
    if report_type is ReportType.MONTHLY:
        return f"{days.first:%B %Y}"
    if report_type is ReportType.ANNUAL:
        return str(days.first.year)
    return days_label(days)


def day_label(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def days_label(days: Days) -> str:
    """`1 Dec 2025`, `1`-`7 Dec 2025`, `28 Nov`-`4 Dec 2025` or `29 Dec 2025`-`4 Jan 2026`."""
    first, last = days.first, days.last
    if first == last:
        return day_label(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}{DASH}{day_label(last)}"
    if first.year == last.year:
        return f"{first.day} {first:%b} {DASH} {day_label(last)}"
    return f"{day_label(first)} {DASH} {day_label(last)}"
