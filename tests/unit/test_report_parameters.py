"""Report parameters: the period each report type covers, in its zone, and clear validation errors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import ValidationError

from analytics.enums import ReportType
from analytics.errors import InvalidRequest
from analytics.schemas.report_content import ReportDefinition, ReportParameters

UTC = dt.UTC
# A Wednesday, shortly after midnight UTC: still Tuesday 4 November in New York.
NOW = dt.datetime(2025, 11, 5, 1, 30, tzinfo=UTC)


def utc_period(report_type: ReportType, now: dt.datetime = NOW, **parameters: Any) -> tuple[dt.datetime, ...]:
    start, end = ReportParameters(**parameters).period(report_type, now)
    assert start.tzinfo is not None and end.tzinfo is not None
    return start.astimezone(UTC), end.astimezone(UTC)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("report_type", "parameters", "expected"),
    [
        (ReportType.DAILY, {}, (utc(2025, 11, 4), utc(2025, 11, 5))),
        (ReportType.DAILY, {"date": "2025-12-24"}, (utc(2025, 12, 24), utc(2025, 12, 25))),
        (ReportType.WEEKLY, {}, (utc(2025, 10, 27), utc(2025, 11, 3))),
        (ReportType.WEEKLY, {"date": "2025-12-24"}, (utc(2025, 12, 22), utc(2025, 12, 29))),
        (ReportType.WEEKLY, {"start_date": "2025-12-28"}, (utc(2025, 12, 22), utc(2025, 12, 29))),
        (ReportType.MONTHLY, {}, (utc(2025, 10, 1), utc(2025, 11, 1))),
        (ReportType.MONTHLY, {"month": "2025-12"}, (utc(2025, 12, 1), utc(2026, 1, 1))),
        (ReportType.MONTHLY, {"month": "2024-02"}, (utc(2024, 2, 1), utc(2024, 3, 1))),
        (ReportType.ANNUAL, {}, (utc(2024, 1, 1), utc(2025, 1, 1))),
        (ReportType.ANNUAL, {"year": 2023}, (utc(2023, 1, 1), utc(2024, 1, 1))),
        (
            ReportType.CUSTOM,
            {"start_date": "2025-03-01", "end_date": "2025-03-01"},
            (utc(2025, 3, 1), utc(2025, 3, 2)),
        ),
        (
            ReportType.CUSTOM,
            {"start_date": "2025-01-15", "end_date": "2025-02-14"},
            (utc(2025, 1, 15), utc(2025, 2, 15)),
        ),
    ],
)
def test_each_report_type_covers_whole_utc_days(
    report_type: ReportType, parameters: dict[str, Any], expected: tuple[dt.datetime, dt.datetime]
) -> None:
    assert utc_period(report_type, **parameters) == expected


def test_defaults_follow_the_local_calendar_of_the_zone() -> None:
    # NOW is Tuesday 4 November 20:30 in New York: yesterday there is Monday 3 November.
    assert utc_period(ReportType.DAILY, tz="America/New_York") == (utc(2025, 11, 3, 5), utc(2025, 11, 4, 5))
    # A month ago across the change from EDT (-4) to EST (-5) on 2 November.
    assert utc_period(ReportType.MONTHLY, tz="America/New_York") == (utc(2025, 10, 1, 4), utc(2025, 11, 1, 4))


def test_a_day_across_a_dst_change_lasts_23_or_25_hours() -> None:
    spring = utc_period(ReportType.DAILY, date="2025-03-30", tz="Europe/Berlin")
    autumn = utc_period(ReportType.DAILY, date="2025-11-02", tz="America/New_York")

    assert spring == (utc(2025, 3, 29, 23), utc(2025, 3, 30, 22))
    assert spring[1] - spring[0] == dt.timedelta(hours=23)
    assert autumn[1] - autumn[0] == dt.timedelta(hours=25)


def test_a_week_across_a_dst_change_runs_from_local_monday_to_local_monday() -> None:
    start, end = ReportParameters(date="2025-03-26", tz="Europe/Berlin").period(ReportType.WEEKLY, NOW)

    assert (start.isoformat(), end.isoformat()) == ("2025-03-24T00:00:00+01:00", "2025-03-31T00:00:00+02:00")
    assert end.astimezone(UTC) - start.astimezone(UTC) == dt.timedelta(days=7, hours=-1)


def test_the_last_full_week_is_the_one_before_this_monday() -> None:
    monday = dt.datetime(2025, 11, 3, 0, 0, tzinfo=UTC)

    assert utc_period(ReportType.WEEKLY, now=monday) == (utc(2025, 10, 27), utc(2025, 11, 3))


def test_the_last_full_month_and_year_from_january() -> None:
    january = utc(2026, 1, 10)

    assert utc_period(ReportType.MONTHLY, now=january) == (utc(2025, 12, 1), utc(2026, 1, 1))
    assert utc_period(ReportType.ANNUAL, now=january) == (utc(2025, 1, 1), utc(2026, 1, 1))


def test_a_custom_period_without_dates_cannot_be_resolved() -> None:
    with pytest.raises(InvalidRequest, match="start_date and end_date"):
        ReportParameters(start_date="2025-01-01").period(ReportType.CUSTOM, NOW)


def messages(model: type[ReportParameters | ReportDefinition], **data: Any) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        model(**data)
    return [f"{'.'.join(map(str, error['loc']))}: {error['msg']}" for error in caught.value.errors()]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {"month": "2025-13"},
            "month: Value error, month must be YYYY-MM, for example 2025-12 (got '2025-13')",
        ),
        (
            {"month": "12/2025"},
            "month: Value error, month must be YYYY-MM, for example 2025-12 (got '12/2025')",
        ),
        (
            {"start_date": "2025-02-01", "end_date": "2025-01-31"},
            ": Value error, end_date 2025-01-31 is before start_date 2025-02-01",
        ),
        (
            {"tz": "Mars/Olympus"},
            "tz: Value error, unknown time zone 'Mars/Olympus': use an IANA name such as Europe/Berlin",
        ),
        ({"top_metrics": 51}, "top_metrics: Input should be less than or equal to 50"),
        (
            {"service_name": ["billing"]},
            "service_name.0: Input should be 'auth', 'content', 'partners_crm', ",
        ),
        ({"start_date": "1900-01-01"}, "start_date: Value error, must be between 1970-01-01 and 2100-12-31"),
        ({"montth": "2025-12"}, "montth: Extra inputs are not permitted"),
    ],
)
def test_invalid_parameters_say_what_is_wrong(data: dict[str, Any], expected: str) -> None:
    [message] = messages(ReportParameters, **data)
    assert message.startswith(expected)


def test_a_custom_report_needs_both_dates() -> None:
    [message] = messages(
        ReportDefinition, name="Q1", report_type="custom", parameters={"start_date": "2025-01-01"}
    )
    assert message == ": Value error, a custom report needs parameters.start_date and parameters.end_date"


def test_a_period_field_of_another_report_type_is_refused() -> None:
    [message] = messages(
        ReportDefinition, name="Weekly", report_type="weekly", parameters={"month": "2025-12"}
    )
    assert message == (
        ": Value error, month does not apply to a weekly report, whose period is set by date or start_date"
    )


def test_the_spec_example_is_a_valid_monthly_definition() -> None:
    definition = ReportDefinition.model_validate(
        {"name": "Monthly Metrics Report", "report_type": "monthly", "parameters": {"month": "2025-12"}}
    )

    assert definition.parameters.tz == "UTC"
    assert definition.parameters.top_metrics == 10
    assert definition.parameters.period(definition.report_type, NOW)[0] == utc(2025, 12, 1)
