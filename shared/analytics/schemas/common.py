"""Shapes shared by several endpoints."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, Field, StringConstraints

T = TypeVar("T")

DEFAULT_PAGE_LIMIT = 100
MAX_PAGE_LIMIT = 1000

ScalarValue = str | int | float | bool


def _flat(value: dict[str, Any]) -> dict[str, Any]:
    for key, item in value.items():
        if not key:
            raise ValueError("keys must not be empty")
        if item is not None and not isinstance(item, str | int | float | bool):
            raise ValueError(f"'{key}' must be a string, number or boolean (a flat object)")
    return value


FlatObject = Annotated[dict[str, Any], AfterValidator(_flat)]


def reject_nul(data: Any) -> Any:
    """PostgreSQL text and jsonb cannot hold the NUL character: refuse it at the door, not in the database."""
    if isinstance(data, str):
        if "\x00" in data:
            raise ValueError("text must not contain the NUL character (\\u0000)")
    elif isinstance(data, dict):
        for key, value in data.items():
            reject_nul(key)
            reject_nul(value)
    elif isinstance(data, list):
        for value in data:
            reject_nul(value)
    return data


def as_utc(value: dt.datetime) -> dt.datetime:
    """Naive timestamps are taken as UTC; aware ones are converted to UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


UtcDatetime = Annotated[dt.datetime, AfterValidator(as_utc)]


# A name such as metric_name or event_name: surrounding blanks dropped, never empty.
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int = Field(description="How many items match the filters, across all pages.")
    skip: int
    limit: int


class BulkItemResult(BaseModel):
    index: int = Field(description="Position of the item in the request.")
    id: str
    status: str = Field(description="`created`, or `duplicate` when its idempotency key was seen before.")


class BulkItemError(BaseModel):
    index: int
    detail: list[dict[str, Any]]


class BulkResult(BaseModel):
    created: int
    duplicates: int
    failed: int
    items: list[BulkItemResult]
    errors: list[BulkItemError]
