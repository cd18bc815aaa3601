"""What a maintenance run did."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field


class RetentionReport(BaseModel):
    cutoff: dt.date = Field(description="Raw rows older than this day are gone (whole months at a time)")
    dropped: list[str] = Field(default_factory=list, description="Partitions dropped")
    created: list[str] = Field(default_factory=list, description="Partitions created")
    partitions_busy: list[str] = Field(
        default_factory=list,
        description="Tables whose partitions a long query kept from changing; the next run tries again",
    )
    keys_deleted: int = 0
    quantiles_stored: int = Field(0, description="Days whose quantiles were computed from their sketch")
    months_rolled_up: int = Field(0, description="Monthly rollups built or rebuilt from changed days")
    dimension_days_rolled_up: int = Field(
        0, description="Series-days whose breakdown dimensions were rolled up (new or changed days)"
    )
    dimension_days_waiting: bool = Field(
        False, description="Whether changed days remain for the next run (breakdowns read their raw rows)"
    )
    sync_logs_deleted: int = 0
    rejections_deleted: int = 0


class LocalDaysReport(BaseModel):
    zones: list[str] = Field(description="The zones whose local days are rolled up (ROLLUP_ZONES)")
    series_days_rolled_up: int = Field(
        0, description="Series-days of those zones rolled up (days just over, or changed since)"
    )
    waiting: bool = Field(
        False, description="Whether days remain for the next run (answers read their raw rows meanwhile)"
    )
