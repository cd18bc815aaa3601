"""The periods a report compares, on hand-picked days: the previous calendar period of the same kind and
the same period a year earlier, and what each is called."""

from __future__ import annotations

import datetime as dt

import pytest

from analytics.enums import ReportType
from analytics.reports.periods import Days, label, previous, year_earlier

D = dt.date


@pytest.mark.parametrize(
    ("report_type", "days", "expected"),
    [
        (ReportType.DAILY, Days(D(2025, 12, 1), D(2025, 12, 1)), Days(D(2025, 11, 30), D(2025, 11, 30))),
        (ReportType.WEEKLY, Days(D(2025, 12, 1), D(2025, 12, 7)), Days(D(2025, 11, 24), D(2025, 11, 30))),
        # December against November (30 days), not the 31 days before it
        (ReportType.MONTHLY, Days(D(2025, 12, 1), D(2025, 12, 31)), Days(D(2025, 11, 1), D(2025, 11, 30))),
        (ReportType.MONTHLY, Days(D(2024, 3, 1), D(2024, 3, 31)), Days(D(2024, 2, 1), D(2024, 2, 29))),
        (ReportType.MONTHLY, Days(D(2026, 1, 1), D(2026, 1, 31)), Days(D(2025, 12, 1), D(2025, 12, 31))),
        (ReportType.ANNUAL, Days(D(2025, 1, 1), D(2025, 12, 31)), Days(D(2024, 1, 1), D(2024, 12, 31))),
        (ReportType.CUSTOM, Days(D(2025, 3, 1), D(2025, 3, 5)), Days(D(2025, 2, 24), D(2025, 2, 28))),
    ],
)
def test_the_previous_period_is_the_calendar_period_of_the_same_kind_before(
    report_type: ReportType, days: Days, expected: Days
) -> None:
    assert previous(report_type, days) == expected


@pytest.mark.parametrize(
    ("report_type", "days", "expected"),
    [
        (ReportType.DAILY, Days(D(2025, 12, 1), D(2025, 12, 1)), Days(D(2024, 12, 1), D(2024, 12, 1))),
        (ReportType.DAILY, Days(D(2024, 2, 29), D(2024, 2, 29)), Days(D(2023, 2, 28), D(2023, 2, 28))),
        # ISO week 49 of 2025, and of 2024
        (ReportType.WEEKLY, Days(D(2025, 12, 1), D(2025, 12, 7)), Days(D(2024, 12, 2), D(2024, 12, 8))),
        # week 53 of 2026: 2025 has 52 weeks, so 52 weeks back
        (ReportType.WEEKLY, Days(D(2026, 12, 28), D(2027, 1, 3)), Days(D(2025, 12, 29), D(2026, 1, 4))),
        (ReportType.MONTHLY, Days(D(2025, 12, 1), D(2025, 12, 31)), Days(D(2024, 12, 1), D(2024, 12, 31))),
        (ReportType.MONTHLY, Days(D(2024, 2, 1), D(2024, 2, 29)), Days(D(2023, 2, 1), D(2023, 2, 28))),
        (ReportType.CUSTOM, Days(D(2025, 3, 1), D(2025, 3, 5)), Days(D(2024, 3, 1), D(2024, 3, 5))),
        (ReportType.CUSTOM, Days(D(2024, 2, 29), D(2024, 3, 2)), Days(D(2023, 2, 28), D(2023, 3, 2))),
    ],
)
def test_a_year_earlier_is_the_same_period_one_year_back(
    report_type: ReportType, days: Days, expected: Days
) -> None:
    assert year_earlier(report_type, days) == expected


def test_an_annual_report_has_no_separate_year_earlier() -> None:
    assert year_earlier(ReportType.ANNUAL, Days(D(2025, 1, 1), D(2025, 12, 31))) is None


@pytest.mark.parametrize(
    ("report_type", "days", "expected"),
    [
        (ReportType.DAILY, Days(D(2025, 12, 1), D(2025, 12, 1)), "1 Dec 2025"),
        (ReportType.WEEKLY, Days(D(2025, 12, 1), D(2025, 12, 7)), "Week 49, 2025"),
        (ReportType.WEEKLY, Days(D(2025, 12, 29), D(2026, 1, 4)), "Week 1, 2026"),
        (ReportType.MONTHLY, Days(D(2025, 12, 1), D(2025, 12, 31)), "December 2025"),
        (ReportType.ANNUAL, Days(D(2025, 1, 1), D(2025, 12, 31)), "2025"),
        (ReportType.CUSTOM, Days(D(2025, 3, 1), D(2025, 3, 5)), "1\u20135 Mar 2025"),
        (ReportType.CUSTOM, Days(D(2025, 2, 24), D(2025, 3, 5)), "24 Feb \u2013 5 Mar 2025"),
        (ReportType.CUSTOM, Days(D(2025, 12, 29), D(2026, 1, 4)), "29 Dec 2025 \u2013 4 Jan 2026"),
    ],
)
def test_each_period_is_called_what_a_reader_calls_it(
    report_type: ReportType, days: Days, expected: str
) -> None:
    assert label(report_type, days) == expected
