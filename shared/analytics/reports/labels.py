"""Words and figures that every rendered format shows the same way: a value in its unit, a change, a
period, a goal's standing."""

from __future__ import annotations

import datetime as dt

from analytics.enums import GoalOutlook, GoalStatus
from analytics.reports.periods import DASH, Days, day_label, days_label
from analytics.schemas.report_content import (
    Comparison,
    Figure,
    GoalRow,
    ReportContent,
    ReportPeriod,
    Unit,
)
from analytics.statistics import Interval

NONE = DASH
NOT_GIVEN = "(not given)"  # a breakdown item of the metrics sent without the dimension
BUCKET_FORMATS = {
    Interval.HOUR: "%H:%M",
    Interval.DAY: "%d %b",
    Interval.WEEK: "%d %b",
    Interval.MONTH: "%b %Y",
}
UNIT_NAMES = {Unit.USD: "USD", Unit.PEOPLE: "people", Unit.COUNT: "count", Unit.PERCENT: "%"}
STANDING = {
    GoalOutlook.ON_TRACK: "On track",
    GoalOutlook.AT_RISK: "At risk",
    GoalOutlook.OFF_TRACK: "Off track",
    GoalOutlook.ACHIEVED: "Achieved",
    GoalOutlook.FAILED: "Failed",
}
CLOSED = {GoalStatus.ACHIEVED: "Achieved", GoalStatus.FAILED: "Failed", GoalStatus.CANCELLED: "Cancelled"}


def period_days(period: ReportPeriod) -> str:
    return days_label(Days(period.first_day, period.last_day))


def period_label(content: ReportContent) -> str:
    """`December 2025 (1-31 Dec 2025, Europe/Berlin)`; the days alone when they are the label."""
    days = period_days(content.period)
    if days == content.period.label:
        return f"{days} ({content.time_zone})"
    return f"{content.period.label} ({days}, {content.time_zone})"


def comparisons(content: ReportContent) -> list[tuple[str, ReportPeriod]]:
    """The comparison periods the report shows, as `(what it is, period)`; `previous period, no data`
    when no figure has a value in it."""
    compared = any(figure.previous for section in content.sections for figure in section.figures)
    shown = [("previous period" if compared else "previous period, no data", content.previous_period)]
    if content.year_earlier_period is not None:
        shown.append(("a year earlier", content.year_earlier_period))
    return shown


def bucket_label(moment: dt.datetime, interval: Interval) -> str:
    return moment.strftime(BUCKET_FORMATS[interval])


def number(value: float) -> str:
    """Whole numbers without decimals, others with two."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def value_text(value: float | None, unit: Unit) -> str:
    """`$1,375.50`, `1,234`, `1,234 people`, `95.0 %`."""
    if value is None:
        return NONE
    if unit is Unit.USD:
        return f"-${-value:,.2f}" if value < 0 else f"${value:,.2f}"
    if unit is Unit.PERCENT:
        return f"{value:,.1f} %"
    if unit is Unit.PEOPLE:
        return f"{number(value)} people"
    return number(value)


def _shown_change(comparison: Comparison | None, unit: Unit) -> tuple[float, bool] | None:
    """The change a reader sees, to one decimal: relative (True), or in the figure's unit where there is no
    relative change (a percent's percentage points, or a rise from 0)."""
    if comparison is None or comparison.change is None:
        return None
    if unit is not Unit.PERCENT and comparison.change_percent is not None:
        return round(comparison.change_percent, 1), True
    return round(comparison.change, 1), False


def change_text(comparison: Comparison | None, unit: Unit) -> str:
    """`+12.5 %` (relative), `+1.2 pp` (a percent's change in percentage points), `+2` or `+$500.00` (a
    rise from 0), `0.0 %` (less than a rounding's worth), or a dash without a comparison."""
    shown = _shown_change(comparison, unit)
    if shown is None:
        return NONE
    change, relative = shown
    sign = "+" if change > 0 else "-" if change < 0 else ""
    if relative:
        return f"{sign}{abs(change):,.1f} %"
    if unit is Unit.PERCENT:
        return f"{sign}{abs(change):,.1f} pp"
    return sign + value_text(abs(change), unit)


def direction(comparison: Comparison | None, unit: Unit) -> int:
    """1 up, -1 down, 0 unchanged (to what is shown) or unknown."""
    shown = _shown_change(comparison, unit)
    if shown is None or not shown[0]:
        return 0
    return 1 if shown[0] > 0 else -1


def figure_note(figure: Figure) -> str:
    """What qualifies a figure: its note, and the day of a snapshot."""
    parts = [figure.note] if figure.note else []
    if figure.as_of is not None:
        parts.append(f"on {day_label(figure.as_of)}")
    return ", ".join(parts)


def item_name(name: str | None) -> str:
    return NOT_GIVEN if name is None else name


def standing(goal: GoalRow) -> str:
    """An active goal's outlook as last computed; a closed goal's status."""
    if goal.status is not GoalStatus.ACTIVE:
        return CLOSED[goal.status]
    return STANDING[goal.outlook] if goal.outlook is not None else "Not computed yet"


def goal_value(value: float, unit: str | None) -> str:
    """A goal's value in its own unit: `$1,375.50`, `100 people`, `6,190` (a count)."""
    if unit == Unit.USD:
        return value_text(value, Unit.USD)
    return f"{number(value)} {unit}" if unit and unit != Unit.COUNT else number(value)


def shortened(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1].rstrip() + "\u2026"


def chance(probability: float | None) -> str:
    return NONE if probability is None else f"{probability * 100:.0f} %"
