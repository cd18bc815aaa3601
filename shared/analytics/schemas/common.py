"""Shapes shared by several endpoints."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, ClassVar, Generic, Self, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    StringConstraints,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticSerializationError

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

DEFAULT_PAGE_LIMIT = 100
MAX_PAGE_LIMIT = 1000

# A flat object: string keys, values that are strings, numbers, booleans or null (checked by pydantic-core).
FlatObject = dict[
    Annotated[str, StringConstraints(min_length=1)], StrictStr | StrictInt | StrictFloat | StrictBool | None
]


# Validation context flag: the caller has already seen that the raw JSON holds no NUL escape.
NUL_CHECKED = "nul_checked"


def reject_nul(data: Any, info: ValidationInfo) -> Any:
    """PostgreSQL text and jsonb cannot hold the NUL character: refuse it at the door, not in the database."""
    if info.context and info.context.get(NUL_CHECKED):
        return data
    return _reject_nul(data)


def _reject_nul(data: Any) -> Any:
    if isinstance(data, str):
        if "\x00" in data:
            raise ValueError("text must not contain the NUL character (\\u0000)")
    elif isinstance(data, dict):
        for key, value in data.items():
            _reject_nul(key)
            _reject_nul(value)
    elif isinstance(data, list):
        for value in data:
            _reject_nul(value)
    return data


class RequestBody(BaseModel):
    """A request body of the API's own records (dashboards, jobs, reports, syncs): no text in it, nested
    configs included, may hold the NUL character, which PostgreSQL cannot store."""

    _no_nul = model_validator(mode="before")(reject_nul)


class PartialUpdate(RequestBody):
    """The fields to change; the others keep their values. A field given as null is cleared if it may be
    empty (`clearable`), else refused: null never silently means "keep it"."""

    clearable: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="after")
    def _no_null_for_required_fields(self) -> Self:
        nulls = sorted(name for name in self.model_fields_set - self.clearable if getattr(self, name) is None)
        if nulls:
            fields = ", ".join(nulls)
            raise ValueError(f"{fields} cannot be null: leave a field out to keep its value")
        return self


def writable_as_json(item: M) -> M:
    """Python's JSON reader lets through what the item's JSON writer refuses, a lone UTF-16 surrogate
    (`"\\ud800"`) or nesting hundreds of levels deep: refused here, such an item is rejected on its own
    instead of failing its whole batch when the batch is written out for the database."""
    try:
        item.__pydantic_serializer__.to_json(item)
    except PydanticSerializationError as exc:
        raise ValueError(f"cannot be stored: {exc}") from None
    return item


# Instants Python can read back whatever zone they are written in (timestamps are stored in UTC).
EARLIEST_TIMESTAMP = dt.datetime(1, 1, 2, tzinfo=dt.UTC)
LATEST_TIMESTAMP = dt.datetime(9999, 1, 1, tzinfo=dt.UTC)


def as_utc(value: dt.datetime) -> dt.datetime:
    """Naive timestamps are taken as UTC; aware ones are converted to UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


# An item's instant, converted to UTC as it is read: Python reads UTC offsets up to ±23:59, PostgreSQL
# only up to ±15:59, so an offset must never reach the database.
ItemTimestamp = Annotated[
    dt.datetime, Field(ge=EARLIEST_TIMESTAMP, lt=LATEST_TIMESTAMP), AfterValidator(as_utc)
]


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
