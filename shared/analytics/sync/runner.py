"""One run of a sync: page after page of a sibling service's export into the metrics, within a time budget.

Each page is one transaction: its metrics go through the ingest path's idempotent bulk store (each with
the key analytics.sync.mapping gives it), its bad records become ingest rejections, and the run's row
counts the page and moves its watermark. Between two pages the runner reads a stop request from that
row and looks at its budget, so a stopped or timed-out run keeps every page it stored and the next
incremental run continues from there.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from analytics.enums import SiblingService, SyncStatus, SyncType
from analytics.errors import DomainError, RefusedByDatabase
from analytics.observability import logger
from analytics.ports import UnitOfWork
from analytics.retention import expired_detail, is_expired, oldest_kept
from analytics.schemas.ingest import MessageItems, Rejection
from analytics.schemas.metrics import MetricCreate
from analytics.schemas.sync import DataSyncResponse
from analytics.services.isolate import store_isolating_refused
from analytics.sync.contract import ServiceError
from analytics.sync.mapping import RecordRejected, metrics_of, parse_record
from analytics.sync.ports import ExportPageSource

REJECTION_KIND = "sync_record"
MAX_PARALLEL_SYNCS = 8

SourceFactory = Callable[[SiblingService], ExportPageSource]
Clock = Callable[[], dt.datetime]


@dataclass(frozen=True)
class RunSettings:
    batch_size: int
    budget_seconds: float


@dataclass
class CheckedPage:
    metrics: list[MetricCreate] = field(default_factory=list)
    origins: list[tuple[int, Any]] = field(default_factory=list)  # each metric's record: position, raw
    rejections: list[Rejection] = field(default_factory=list)
    processed: int = 0
    watermark: dt.datetime | None = None


def rejection_message_id(sync_id: uuid.UUID) -> str:
    """How a run's bad records are found among the ingest rejections (`GET /api/v1/ingest/rejections`)."""
    return f"sync:{sync_id}"


def check_page(
    service: SiblingService, sync_id: uuid.UUID, records: Sequence[Any], first: int, oldest: dt.datetime
) -> CheckedPage:
    """The page's metrics and rejections; a record's position counts from the run's first record. A record
    older than `oldest`, the retention window, is rejected (and still moves the watermark)."""
    checked = CheckedPage()
    for position, raw in enumerate(records, start=first):
        try:
            record = parse_record(raw)
        except RecordRejected as exc:
            checked.rejections.append(_rejection(sync_id, position, raw, exc))
            continue
        if checked.watermark is None or record.watermark > checked.watermark:
            checked.watermark = record.watermark
        try:
            metrics = metrics_of(service, record)
            if any(is_expired(metric.timestamp, oldest) for metric in metrics):
                raise RecordRejected(expired_detail(oldest))
        except RecordRejected as exc:
            checked.rejections.append(_rejection(sync_id, position, raw, exc))
            continue
        checked.metrics.extend(metrics)
        checked.origins.extend([(position, raw)] * len(metrics))
        checked.processed += 1
    return checked


def _rejection(sync_id: uuid.UUID, position: int, raw: Any, exc: RecordRejected) -> Rejection:
    text = json.dumps(raw, default=str).replace("\\u0000", "")
    return Rejection(rejection_message_id(sync_id), position, REJECTION_KIND, text, exc.errors)


def store_page(
    unit_of_work: Callable[[], UnitOfWork],
    sync_id: uuid.UUID,
    checked: CheckedPage,
    retries: int,
    now: dt.datetime,
) -> bool:
    """Stores a page's metrics and rejections and counts the page on the run, in one transaction; if the
    database refuses some metrics, their records are found and rejected with its reason, the rest stored.
    Answers whether a stop was requested."""
    try:
        with unit_of_work() as uow:
            stored = _store_metrics(uow, checked.metrics, now)
            return _record_page(uow, sync_id, checked, stored, retries)
    except RefusedByDatabase:
        stored = _store_isolating_refused(unit_of_work, sync_id, checked, now)
    with unit_of_work() as uow:
        return _record_page(uow, sync_id, checked, stored, retries)


def _store_metrics(uow: UnitOfWork, metrics: Sequence[MetricCreate], now: dt.datetime) -> int:
    return uow.metrics.store([MessageItems(None, now, metrics)]) if metrics else 0


def _store_isolating_refused(
    unit_of_work: Callable[[], UnitOfWork], sync_id: uuid.UUID, checked: CheckedPage, now: dt.datetime
) -> int:
    """Stores the page's metrics in parts; the records of refused ones join the page's rejections."""

    def store(part: Sequence[tuple[int, MetricCreate]]) -> int:
        with unit_of_work() as uow:
            return _store_metrics(uow, [metric for _, metric in part], now)

    isolated = store_isolating_refused(store, list(enumerate(checked.metrics)))
    refused_records: dict[int, Rejection] = {}
    for (index, _), refused in isolated.refused:
        position, raw = checked.origins[index]
        rejection = _rejection(sync_id, position, raw, RecordRejected(refused.errors))
        refused_records.setdefault(position, rejection)
    checked.rejections += refused_records.values()
    checked.processed -= len(refused_records)
    checked.metrics = [metric for part, _ in isolated.stored for _, metric in part]
    return sum(count for _, count in isolated.stored)


def _record_page(
    uow: UnitOfWork, sync_id: uuid.UUID, checked: CheckedPage, stored: int, retries: int
) -> bool:
    uow.rejections.add_many(checked.rejections)
    return uow.syncs.record_page(
        sync_id,
        processed=checked.processed,
        failed=len(checked.rejections),
        watermark=checked.watermark,
        counters={
            "pages": 1,
            "metrics_stored": stored,
            "duplicates": len(checked.metrics) - stored,
            "retries": retries,
        },
    )


def run_sync(
    unit_of_work: Callable[[], UnitOfWork],
    source_factory: SourceFactory,
    sync_id: uuid.UUID,
    settings: RunSettings,
    clock: Clock,
    monotonic: Callable[[], float] = time.monotonic,
) -> DataSyncResponse | None:
    """Runs a pending sync to its end and answers its final record; None if it is not pending (unknown,
    cancelled, or already started by an earlier delivery of the same request)."""
    with unit_of_work() as uow:
        pending = uow.syncs.get(sync_id)
        if pending is None or pending.status is not SyncStatus.PENDING:
            logger.warning("sync not pending", extra={"sync_id": str(sync_id)})
            return None
        since = None if pending.sync_type is SyncType.FULL else uow.syncs.watermark(pending.service_name)
        run = uow.syncs.start(
            sync_id,
            clock(),
            {
                "since": since.isoformat() if since else None,
                "budget_seconds": settings.budget_seconds,
                "batch_size": settings.batch_size,
            },
        )
    if run is None:
        return None
    service = run.service_name
    deadline = monotonic() + settings.budget_seconds
    pages, position, cursor = 0, 0, None
    cursors: set[str] = set()
    status, error = SyncStatus.COMPLETED, None
    source: ExportPageSource | None = None
    log = {"sync_id": str(sync_id), "service": service.value}
    try:
        source = source_factory(service)
        while True:
            if monotonic() >= deadline:
                status = SyncStatus.TIMED_OUT
                error = (
                    f"the time budget of {settings.budget_seconds:g} s was spent after {pages} pages; "
                    "the next incremental sync continues from the watermark"
                )
                break
            fetched = source.fetch(
                since=since.isoformat() if since else None,
                cursor=cursor,
                limit=settings.batch_size,
                deadline=deadline,
            )
            records = fetched.page.records
            checked = check_page(service, sync_id, records, position, oldest_kept(clock()))
            position += len(records)
            pages += 1
            stop = store_page(unit_of_work, sync_id, checked, fetched.retries, clock())
            logger.info("sync page stored", extra={**log, "page": pages, "records": len(records)})
            next_cursor = fetched.page.next_cursor
            if not next_cursor:
                break
            if stop:
                status, error = SyncStatus.CANCELLED, f"stopped on request after {pages} pages"
                break
            if next_cursor in cursors:
                raise ServiceError(f"{source.url} answered the cursor {next_cursor!r} a second time")
            cursors.add(next_cursor)
            cursor = next_cursor
    except ServiceError as exc:
        if monotonic() >= deadline:  # the budget ran out while waiting for the service
            status = SyncStatus.TIMED_OUT
            error = (
                f"the time budget of {settings.budget_seconds:g} s was spent after {pages} pages, waiting "
                f"for the next ({exc}); the next incremental sync continues from the watermark"
            )
        else:
            status, error = SyncStatus.FAILED, str(exc)
    except DomainError as exc:  # the database or the token's secret unavailable
        status, error = SyncStatus.FAILED, str(exc.detail)
    except Exception as exc:  # recorded: a sync that broke is not left running
        logger.exception("sync failed", extra=log)
        status, error = SyncStatus.FAILED, f"{type(exc).__name__}: {exc}"
    finally:
        if source is not None:
            source.close()
    with unit_of_work() as uow:
        finished = uow.syncs.finish(sync_id, status=status, now=clock(), error=error)
    logger.info("sync finished", extra={**log, "status": status.value, "error": error})
    return finished


def run_syncs(
    unit_of_work: Callable[[], UnitOfWork],
    source_factory: SourceFactory,
    sync_ids: Sequence[uuid.UUID],
    settings: RunSettings,
    clock: Clock,
) -> list[DataSyncResponse]:
    """Runs the syncs side by side (each waits on its own service), each with the whole budget."""
    if not sync_ids:
        return []

    def one(sync_id: uuid.UUID) -> DataSyncResponse | None:
        return run_sync(unit_of_work, source_factory, sync_id, settings, clock)

    with ThreadPoolExecutor(max_workers=min(len(sync_ids), MAX_PARALLEL_SYNCS)) as pool:
        results = list(pool.map(one, sync_ids))
    return [result for result in results if result is not None]
