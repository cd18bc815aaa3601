"""Time bounds given as a date or a timestamp, turned into a half-open UTC range."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import PlainValidator, WithJsonSchema

from analytics.errors import InvalidRequest
from analytics.schemas.common import as_utc

# Bounds far enough apart for any question, and from whose periods the previous period or the year
# before can still be computed.
EARLIEST_BOUND = dt.date(1900, 1, 1)
LATEST_BOUND = dt.date(2999, 12, 31)


def _parse_bound(value: Any) -> dt.date | dt.datetime:
    if isinstance(value, dt.date | dt.datetime):
        return value
    text = str(value).strip()
    try:
        bound: dt.date | dt.datetime = dt.date.fromisoformat(text)
    except ValueError:
        try:
            bound = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError as exc:
            raise ValueError("must be a date (YYYY-MM-DD) or an ISO 8601 timestamp") from exc
    day = bound.date() if isinstance(bound, dt.datetime) else bound
    if not EARLIEST_BOUND <= day <= LATEST_BOUND:
        raise ValueError(f"must be between {EARLIEST_BOUND} and {LATEST_BOUND}")
    return as_utc(bound) if isinstance(bound, dt.datetime) else bound


DateOrTimestamp = Annotated[
    dt.date | dt.datetime,
    PlainValidator(_parse_bound),
    WithJsonSchema(
        {
            "type": "string",
            "description": "A date (YYYY-MM-DD: a whole day, in the question's time zone where it has one, "
            "else UTC) or an ISO 8601 timestamp, from 1900 to 2999",
            "examples": ["2025-01-01", "2025-12-24T10:00:00Z"],
        }
    ),
]


@dataclass(frozen=True)
class TimeRange:
    """`start` inclusive, `end` exclusive, both UTC; either may be open."""

    start: dt.datetime | None = None
    end: dt.datetime | None = None

    @classmethod
    def from_bounds(cls, start: dt.date | dt.datetime | None, end: dt.date | dt.datetime | None) -> TimeRange:
        """A date as `start` means its midnight; a date as `end` includes that whole day."""
        lower = _start_of(start) if start is not None else None
        upper = _end_of(end) if end is not None else None
        if lower is not None and upper is not None and upper <= lower:
            raise InvalidRequest("end_date must not be before start_date")
        return cls(lower, upper)


def _start_of(bound: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(bound, dt.datetime):
        return bound
    return dt.datetime.combine(bound, dt.time.min, tzinfo=dt.UTC)


def _end_of(bound: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(bound, dt.datetime):
        return bound + dt.timedelta(microseconds=1)
    return dt.datetime.combine(bound + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
