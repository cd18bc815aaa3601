"""Time bounds given as a date or a timestamp, turned into a half-open UTC range."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import PlainValidator, WithJsonSchema

from analytics.errors import InvalidRequest
from analytics.schemas.common import as_utc


def _parse_bound(value: Any) -> dt.date | dt.datetime:
    if isinstance(value, dt.date | dt.datetime):
        return value
    text = str(value).strip()
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError("must be a date (YYYY-MM-DD) or an ISO 8601 timestamp") from exc
    return as_utc(parsed)


DateOrTimestamp = Annotated[
    dt.date | dt.datetime,
    PlainValidator(_parse_bound),
    WithJsonSchema(
        {
            "type": "string",
            "description": "A date (YYYY-MM-DD, whole day in UTC) or an ISO 8601 timestamp",
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
