"""Runs of syncs with sibling services (`data_syncs`) in PostgreSQL.

A run's row is its state and its control: the runner locks it to record each page and reads a stop
request there; the API locks it to ask for a stop. Locking both ways, neither loses the other's write.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, case, func, select, update
from sqlalchemy.orm import Session

from analytics.db.models import DataSync
from analytics.db.paging import page_of
from analytics.enums import SiblingService, SyncStatus, SyncType
from analytics.schemas.sync import FINISHED, IN_PROGRESS, DataSyncResponse, SyncFilters

STOP_REQUESTED = "stop_requested_at"


def to_response(row: DataSync) -> DataSyncResponse:
    return DataSyncResponse.model_validate(row)


def conditions(filters: SyncFilters) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if filters.service_name is not None:
        where.append(DataSync.service_name == filters.service_name)
    if filters.status is not None:
        where.append(DataSync.status == filters.status)
    if filters.sync_type is not None:
        where.append(DataSync.sync_type == filters.sync_type)
    if filters.start is not None:
        where.append(DataSync.created_at >= filters.start)
    if filters.end is not None:
        where.append(DataSync.created_at < filters.end)
    return where


class SqlSyncStore:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, service: SiblingService, sync_type: SyncType, meta: dict[str, Any]) -> DataSyncResponse:
        row = DataSync(service_name=service, sync_type=sync_type, status=SyncStatus.PENDING, meta=meta)
        self._session.add(row)
        self._session.flush()
        self._session.refresh(row)
        return to_response(row)

    def get(self, sync_id: uuid.UUID) -> DataSyncResponse | None:
        row = self._session.get(DataSync, sync_id)
        return to_response(row) if row is not None else None

    def find(self, filters: SyncFilters, skip: int, limit: int) -> tuple[list[DataSyncResponse], int]:
        order = (DataSync.created_at.desc(), DataSync.id)
        rows, total = page_of(self._session, DataSync, conditions(filters), order, skip, limit)
        return [to_response(row) for row in rows], total

    def in_progress(self, services: Sequence[SiblingService]) -> list[DataSyncResponse]:
        """The pending or running syncs of these services, oldest first."""
        rows = self._session.scalars(
            select(DataSync)
            .where(DataSync.service_name.in_(services), DataSync.status.in_(IN_PROGRESS))
            .order_by(DataSync.created_at, DataSync.id)
        )
        return [to_response(row) for row in rows]

    def latest_finished(self, service: SiblingService) -> DataSyncResponse | None:
        row = self._session.scalars(
            select(DataSync)
            .where(DataSync.service_name == service, DataSync.status.in_(FINISHED))
            .order_by(DataSync.completed_at.desc().nulls_last(), DataSync.id)
            .limit(1)
        ).first()
        return to_response(row) if row is not None else None

    def last_completed_at(self, service: SiblingService) -> dt.datetime | None:
        return self._session.scalar(
            select(func.max(DataSync.completed_at)).where(
                DataSync.service_name == service, DataSync.status == SyncStatus.COMPLETED
            )
        )

    def watermark(self, service: SiblingService) -> dt.datetime | None:
        """Where the next incremental sync starts: the newest `recorded_at` any run of the service
        stored. Pages come in `recorded_at` order, so a run that ended early stored everything before."""
        return self._session.scalar(
            select(func.max(DataSync.last_sync_timestamp)).where(DataSync.service_name == service)
        )

    def expire_stale(
        self, *, running_before: dt.datetime, pending_before: dt.datetime, now: dt.datetime
    ) -> int:
        """Fails the runs whose function died (running past their budget) or that never started."""
        result = self._session.execute(
            update(DataSync)
            .where(
                (DataSync.status == SyncStatus.RUNNING) & (DataSync.started_at < running_before)
                | (DataSync.status == SyncStatus.PENDING) & (DataSync.created_at < pending_before)
            )
            .values(
                status=SyncStatus.FAILED,
                completed_at=now,
                error_message=case(
                    (
                        DataSync.status == SyncStatus.RUNNING,
                        "abandoned: the function running it stopped before recording an end",
                    ),
                    else_="never started: the scheduler function did not pick it up",
                ),
            )
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    def start(self, sync_id: uuid.UUID, now: dt.datetime, meta: dict[str, Any]) -> DataSyncResponse | None:
        """Marks a pending run running; None if it is unknown, already started or cancelled."""
        row = self._session.get(DataSync, sync_id, with_for_update=True)
        if row is None or row.status is not SyncStatus.PENDING:
            return None
        row.status, row.started_at, row.meta = SyncStatus.RUNNING, now, {**row.meta, **meta}
        self._session.flush()
        return to_response(row)

    def record_page(
        self,
        sync_id: uuid.UUID,
        *,
        processed: int,
        failed: int,
        watermark: dt.datetime | None,
        counters: dict[str, int],
    ) -> bool:
        """Adds a stored page to the run; answers whether a stop was asked for."""
        row = self._session.get(DataSync, sync_id, with_for_update=True)
        if row is None:
            return True
        row.records_processed += processed
        row.records_failed += failed
        if watermark is not None and (row.last_sync_timestamp is None or watermark > row.last_sync_timestamp):
            row.last_sync_timestamp = watermark
        meta = dict(row.meta)
        for name, value in counters.items():
            meta[name] = int(meta.get(name, 0)) + value
        row.meta = meta
        return STOP_REQUESTED in meta

    def finish(
        self,
        sync_id: uuid.UUID,
        *,
        status: SyncStatus,
        now: dt.datetime,
        error: str | None,
        meta: dict[str, Any] | None = None,
    ) -> DataSyncResponse | None:
        row = self._session.get(DataSync, sync_id, with_for_update=True)
        if row is None:
            return None
        row.status, row.completed_at, row.error_message = status, now, error
        if meta:
            row.meta = {**row.meta, **meta}
        self._session.flush()
        return to_response(row)

    def set_watermark(self, sync_id: uuid.UUID, watermark: dt.datetime | None) -> None:
        self._session.execute(
            update(DataSync).where(DataSync.id == sync_id).values(last_sync_timestamp=watermark)
        )

    def request_stop(self, sync_id: uuid.UUID, now: dt.datetime) -> DataSyncResponse | None:
        """A pending run is cancelled at once; a running one is asked to stop after its current page.
        Finished runs are left as they are (the caller tells them apart by status)."""
        row = self._session.get(DataSync, sync_id, with_for_update=True)
        if row is None:
            return None
        if row.status is SyncStatus.PENDING:
            row.status, row.completed_at = SyncStatus.CANCELLED, now
            row.error_message = "stopped on request before it started"
        if row.status in (SyncStatus.PENDING, SyncStatus.RUNNING, SyncStatus.CANCELLED):
            row.meta = {STOP_REQUESTED: now.isoformat(), **row.meta}
        self._session.flush()
        self._session.refresh(row)
        return to_response(row)

    def statistics(self, filters: SyncFilters) -> list[dict[str, Any]]:
        """Per service and status: how many runs, records, and the total and count of durations."""
        seconds = func.extract("epoch", DataSync.completed_at - DataSync.started_at)
        rows = self._session.execute(
            select(
                DataSync.service_name,
                DataSync.status,
                func.count().label("runs"),
                func.coalesce(func.sum(DataSync.records_processed), 0).label("processed"),
                func.coalesce(func.sum(DataSync.records_failed), 0).label("failed"),
                func.sum(seconds).label("seconds"),
                func.count(seconds).label("timed"),
                func.max(DataSync.created_at).label("last"),
            )
            .where(*conditions(filters))
            .group_by(DataSync.service_name, DataSync.status)
        )
        return [dict(row._mapping) for row in rows]
