"""Dates and timestamps as half-open UTC ranges."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import TypeAdapter, ValidationError

from analytics.errors import InvalidRequest
from analytics.schemas.time import DateOrTimestamp, TimeRange

parse = TypeAdapter(DateOrTimestamp).validate_python
UTC = dt.UTC


def test_dates_cover_whole_days() -> None:
    period = TimeRange.from_bounds(parse("2025-12-01"), parse("2025-12-03"))
    assert period.start == dt.datetime(2025, 12, 1, tzinfo=UTC)
    assert period.end == dt.datetime(2025, 12, 4, tzinfo=UTC)


def test_timestamps_are_converted_to_utc_and_end_is_inclusive() -> None:
    period = TimeRange.from_bounds(parse("2025-12-01T10:00:00+02:00"), parse("2025-12-01T12:00:00Z"))
    assert period.start == dt.datetime(2025, 12, 1, 8, tzinfo=UTC)
    assert period.end == dt.datetime(2025, 12, 1, 12, 0, 0, 1, tzinfo=UTC)


def test_end_before_start_is_a_400() -> None:
    with pytest.raises(InvalidRequest):
        TimeRange.from_bounds(parse("2025-12-05"), parse("2025-12-01"))


def test_garbage_is_a_validation_error() -> None:
    with pytest.raises(ValidationError):
        parse("last tuesday")
