"""Words and figures that every rendered format shows the same way."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from analytics.enums import ServiceName
from analytics.schemas.report_content import ReportContent
from analytics.statistics import Interval

SERVICE_LABELS = {
    ServiceName.AUTH: "Auth",
    ServiceName.CONTENT: "Content",
    ServiceName.PARTNERS_CRM: "Partners CRM",
    ServiceName.PROJECTS: "Projects",
    ServiceName.SOCIAL_MEDIA: "Social media",
    ServiceName.NOTIFICATION: "Notification",
    ServiceName.EXTERNAL: "External",
}
BUCKET_FORMATS = {
    Interval.HOUR: "%H:%M",
    Interval.DAY: "%d %b",
    Interval.WEEK: "%d %b",
    Interval.MONTH: "%b %Y",
}
DASH = "\u2013"  # en dash
NONE = DASH


class Figure(NamedTuple):
    label: str
    value: float | None
    percent: bool = False


def day_label(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def days_label(first: dt.date, last: dt.date) -> str:
    return day_label(first) if first == last else f"{day_label(first)} {DASH} {day_label(last)}"


def period_label(content: ReportContent) -> str:
    """The local days the report covers, e.g. `1 Dec 2025 - 31 Dec 2025 (Europe/Berlin)`."""
    last = content.period_end.date() - dt.timedelta(days=1)
    return f"{days_label(content.period_start.date(), last)} ({content.time_zone})"


def previous_period_label(content: ReportContent) -> str:
    last = content.period_start.date() - dt.timedelta(days=1)
    return days_label(content.previous_period_start.date(), last)


def bucket_label(moment: dt.datetime, interval: Interval) -> str:
    return moment.strftime(BUCKET_FORMATS[interval])


def number(value: float | None) -> str:
    return NONE if value is None else f"{value:,.2f}"


def count(value: int) -> str:
    return f"{value:,}"


def percent(value: float | None) -> str:
    return NONE if value is None else f"{value:+,.1f} %"


def key_figures(content: ReportContent) -> list[Figure]:
    figures = content.key_figures
    return [
        Figure("Metrics recorded", figures.metrics_recorded),
        Figure(f"Previous period ({previous_period_label(content)})", figures.previous_metrics_recorded),
        Figure("Change", figures.change_percent, percent=True),
        Figure(f"Services reporting (of {len(content.services)})", figures.services_reporting),
        Figure("Distinct metrics", figures.distinct_metrics),
    ]


def figure_text(figure: Figure) -> str:
    if figure.percent:
        return percent(figure.value)
    return NONE if figure.value is None else f"{figure.value:,.0f}"
