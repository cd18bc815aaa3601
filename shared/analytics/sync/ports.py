"""What pull-sync needs from storage, from the sibling services and from AWS. Adapters: analytics.db
(SqlSyncStore), analytics.sync.client (the export over HTTP), analytics.sync.launcher (Lambda)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any, Protocol

from analytics.enums import SiblingService, SyncStatus, SyncType
from analytics.schemas.sync import DataSyncResponse, SyncFilters
from analytics.sync.contract import FetchedPage


class SyncStore(Protocol):
    """Runs of syncs with sibling services (analytics.db.sync_store says how each call behaves)."""

    def add(self, service: SiblingService, sync_type: SyncType, meta: dict[str, Any]) -> DataSyncResponse: ...
    def get(self, sync_id: uuid.UUID) -> DataSyncResponse | None: ...
    def find(self, filters: SyncFilters, skip: int, limit: int) -> tuple[list[DataSyncResponse], int]: ...
    def in_progress(self, services: Sequence[SiblingService]) -> list[DataSyncResponse]: ...
    def latest_finished(self, service: SiblingService) -> DataSyncResponse | None: ...
    def last_completed_at(self, service: SiblingService) -> dt.datetime | None: ...
    def watermark(self, service: SiblingService) -> dt.datetime | None: ...
    def expire_stale(
        self, *, running_before: dt.datetime, pending_before: dt.datetime, now: dt.datetime
    ) -> int: ...
    def start(
        self, sync_id: uuid.UUID, now: dt.datetime, meta: dict[str, Any]
    ) -> DataSyncResponse | None: ...
    def record_page(
        self,
        sync_id: uuid.UUID,
        *,
        processed: int,
        failed: int,
        watermark: dt.datetime | None,
        counters: dict[str, int],
    ) -> bool: ...
    def set_watermark(self, sync_id: uuid.UUID, watermark: dt.datetime | None) -> None: ...
    def finish(
        self,
        sync_id: uuid.UUID,
        *,
        status: SyncStatus,
        now: dt.datetime,
        error: str | None,
        meta: dict[str, Any] | None = None,
    ) -> DataSyncResponse | None: ...
    def request_stop(self, sync_id: uuid.UUID, now: dt.datetime) -> DataSyncResponse | None: ...
    def statistics(self, filters: SyncFilters) -> list[dict[str, Any]]: ...


class ExportPageSource(Protocol):
    """A sibling service's export (analytics.sync.contract), page by page."""

    url: str

    def fetch(
        self, *, since: str | None, cursor: str | None, limit: int, deadline: float | None
    ) -> FetchedPage: ...
    def close(self) -> None: ...


class SyncLauncher(Protocol):
    """Starts pending syncs now, without waiting for them (the scheduler function, invoked asynchronously)."""

    def launch(self, sync_ids: Sequence[uuid.UUID]) -> None: ...
