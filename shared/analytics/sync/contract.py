"""The export contract every sibling service serves, as the analytics service reads it.

    GET {SERVICE_URL}{SYNC_EXPORT_PATH}?limit=1000[&since=<ISO 8601>][&cursor=<opaque>]
    Authorization: Bearer <service token>

    200 {"records": [<record>, ...], "next_cursor": "<opaque>" | null}

A record is `{"id", "type", "timestamp", "recorded_at", "data"}`: `id` is unique and stable within the
service, `type` says what happened (analytics.sync.mapping lists the types of each service), `timestamp`
is when it happened, `recorded_at` when the service stored it (defaults to `timestamp`), and `data` holds
the type's fields. Records are facts: a change is a new record with a new id. Pages come in ascending
(`recorded_at`, `id`) order; `since` keeps the records with `recorded_at >= since` (the boundary is
included, so nothing written in the same instant as the last record seen is missed); `next_cursor` is
null on the last page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from analytics.schemas.common import as_utc

MAX_RECORD_ID_LENGTH = 200
UtcDatetime = Annotated[dt.datetime, AfterValidator(as_utc)]


class ServiceError(Exception):
    """The service could not be read: unreachable, timed out, an error status after the retries, or an
    answer that breaks this contract. The message names the service's URL and the cause, never the token."""


class ExportRecord(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str = Field(min_length=1, max_length=MAX_RECORD_ID_LENGTH)
    type: str = Field(min_length=1, max_length=100)
    timestamp: UtcDatetime
    recorded_at: UtcDatetime | None = None
    data: dict[str, Any] = Field(default_factory=dict)

    @property
    def watermark(self) -> dt.datetime:
        return self.recorded_at or self.timestamp


class ExportPage(BaseModel):
    """One page; its records are checked one by one (analytics.sync.runner), so a bad record fails alone."""

    model_config = ConfigDict(extra="ignore")

    records: list[Any]
    next_cursor: str | None = Field(None, max_length=2000)


@dataclass(frozen=True)
class FetchedPage:
    page: ExportPage
    retries: int  # how many times the request was repeated before the page came
