"""Pull-sync from sibling services (spec/000 data sync, spec/001 DataSync start and stop).

The API records pending runs and hands them to the scheduler function (an HTTP request must answer
within API Gateway's 29 seconds; a sync may take minutes); the scheduler runs them side by side
(analytics.sync.runner). The hourly `data_sync` task records and runs a round of every service itself.
One service has at most one pending or running sync at a time.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from analytics.enums import SiblingService, SyncStatus, SyncType
from analytics.errors import Conflict, NotFound, Unavailable
from analytics.ports import UnitOfWork
from analytics.schemas.common import Page
from analytics.schemas.sync import (
    FINISHED,
    DataSyncResponse,
    ServiceSyncStatistics,
    ServiceSyncStatus,
    SkippedService,
    SyncFilters,
    SyncRound,
    SyncStarted,
    SyncStatistics,
    SyncStatusReport,
    SyncUpdate,
)
from analytics.settings import Settings
from analytics.sync.ports import SyncLauncher
from analytics.sync.runner import RunSettings, SourceFactory, run_syncs

# A running sync whose function died never records its end: past its budget and this grace it is
# failed, so it no longer blocks its service. A pending one the scheduler never picked up, after this.
RUNNING_GRACE = dt.timedelta(minutes=2)
PENDING_LIMIT = dt.timedelta(minutes=30)


def service_url(settings: Settings, service: SiblingService) -> str:
    """The service's base URL: the `<SERVICE>_SERVICE_URL` setting."""
    return str(getattr(settings, f"{service.value.upper()}_SERVICE_URL"))


def run_settings(settings: Settings) -> RunSettings:
    return RunSettings(batch_size=settings.SYNC_BATCH_SIZE, budget_seconds=settings.SYNC_TIMEOUT_SECONDS)


def _expire_stale(uow: UnitOfWork, settings: Settings, now: dt.datetime) -> None:
    budget = dt.timedelta(seconds=settings.SYNC_TIMEOUT_SECONDS)
    uow.syncs.expire_stale(
        running_before=now - budget - RUNNING_GRACE, pending_before=now - PENDING_LIMIT, now=now
    )


def _record_pending(
    uow: UnitOfWork,
    services: Sequence[SiblingService],
    sync_type: SyncType,
    meta: dict[str, Any],
) -> tuple[list[DataSyncResponse], list[SkippedService]]:
    busy = {sync.service_name: sync for sync in uow.syncs.in_progress(services)}
    skipped = [
        SkippedService(
            service_name=service, sync_id=busy[service].id, reason=f"a sync is {busy[service].status}"
        )
        for service in services
        if service in busy
    ]
    pending = [uow.syncs.add(service, sync_type, meta) for service in services if service not in busy]
    return pending, skipped


def _launch(
    uow_factory: Callable[[], UnitOfWork],
    launcher: SyncLauncher,
    syncs: list[DataSyncResponse],
    now: dt.datetime,
) -> None:
    if not syncs:
        return
    try:
        launcher.launch([sync.id for sync in syncs])
    except Unavailable as exc:
        with uow_factory() as uow:
            for sync in syncs:
                uow.syncs.finish(
                    sync.id, status=SyncStatus.FAILED, now=now, error=f"could not be started: {exc.detail}"
                )
        raise


def _check_enabled(settings: Settings) -> None:
    if not settings.SYNC_ENABLED:
        raise Conflict("syncs are switched off (SYNC_ENABLED is false)")


def request_syncs(
    unit_of_work: Callable[[], UnitOfWork],
    launcher: SyncLauncher,
    settings: Settings,
    services: Sequence[SiblingService],
    sync_type: SyncType,
    requested_by: str | None,
    now: dt.datetime,
) -> SyncStarted:
    """POST /sync: one pending run per service, started now. 409 if one of them is already syncing."""
    _check_enabled(settings)
    with unit_of_work() as uow:
        _expire_stale(uow, settings, now)
        pending, skipped = _record_pending(
            uow, services, sync_type, {"trigger": "api", "requested_by": requested_by}
        )
        if skipped:
            busy = ", ".join(f"{s.service_name} (sync {s.sync_id})" for s in skipped)
            raise Conflict(f"already syncing: {busy}; stop it or wait for it to end")
    _launch(unit_of_work, launcher, pending, now)
    return SyncStarted(syncs=pending)


def aggregate_all(
    unit_of_work: Callable[[], UnitOfWork],
    launcher: SyncLauncher,
    settings: Settings,
    sync_type: SyncType,
    requested_by: str | None,
    now: dt.datetime,
) -> SyncStarted:
    """POST /sync/aggregate-all: every service of SYNC_SERVICES not already syncing."""
    _check_enabled(settings)
    with unit_of_work() as uow:
        _expire_stale(uow, settings, now)
        pending, skipped = _record_pending(
            uow, settings.SYNC_SERVICES, sync_type, {"trigger": "api", "requested_by": requested_by}
        )
    _launch(unit_of_work, launcher, pending, now)
    return SyncStarted(syncs=pending, skipped=skipped)


def sync_round(
    unit_of_work: Callable[[], UnitOfWork],
    source_factory: SourceFactory,
    settings: Settings,
    clock: Callable[[], dt.datetime],
    services: Sequence[SiblingService] | None = None,
    sync_type: SyncType = SyncType.INCREMENTAL,
) -> SyncRound:
    """The hourly `data_sync` task and `data_sync` jobs: a sync of every service of `services` (default
    SYNC_SERVICES) not already syncing, run here and now, side by side."""
    if not settings.SYNC_ENABLED:
        return SyncRound(enabled=False)
    now = clock()
    with unit_of_work() as uow:
        _expire_stale(uow, settings, now)
        pending, skipped = _record_pending(
            uow, settings.SYNC_SERVICES if services is None else services, sync_type, {"trigger": "schedule"}
        )
    done = run_syncs(unit_of_work, source_factory, [s.id for s in pending], run_settings(settings), clock)
    return SyncRound(syncs=done, skipped=skipped)


def run_launched(
    unit_of_work: Callable[[], UnitOfWork],
    source_factory: SourceFactory,
    settings: Settings,
    sync_ids: Sequence[uuid.UUID],
    clock: Callable[[], dt.datetime],
) -> SyncRound:
    """The scheduler's side of a launch: runs the pending syncs the API recorded."""
    return SyncRound(syncs=run_syncs(unit_of_work, source_factory, sync_ids, run_settings(settings), clock))


def get_sync(uow: UnitOfWork, sync_id: uuid.UUID) -> DataSyncResponse:
    with uow:
        return _existing(uow, sync_id)


def list_syncs(uow: UnitOfWork, filters: SyncFilters, skip: int, limit: int) -> Page[DataSyncResponse]:
    with uow:
        items, total = uow.syncs.find(filters, skip, limit)
    return Page(items=items, total=total, skip=skip, limit=limit)


def start_sync(
    unit_of_work: Callable[[], UnitOfWork],
    launcher: SyncLauncher,
    settings: Settings,
    sync_id: uuid.UUID,
    requested_by: str | None,
    now: dt.datetime,
) -> DataSyncResponse:
    """spec/001 start: a pending sync is started (again: its launch may have been lost); a finished one
    is run again as a new sync of the same service and type. 409 while it runs."""
    _check_enabled(settings)
    with unit_of_work() as uow:
        _expire_stale(uow, settings, now)
        sync = _existing(uow, sync_id)
        if sync.status is SyncStatus.RUNNING:
            raise Conflict(f"sync {sync_id} is running already")
        if sync.status in FINISHED:
            pending, skipped = _record_pending(
                uow,
                [sync.service_name],
                sync.sync_type,
                {"trigger": "api", "requested_by": requested_by, "rerun_of": str(sync.id)},
            )
            if skipped:
                raise Conflict(f"{sync.service_name} is syncing already (sync {skipped[0].sync_id})")
            sync = pending[0]
    _launch(unit_of_work, launcher, [sync], now)
    return sync


def stop_sync(uow: UnitOfWork, sync_id: uuid.UUID, now: dt.datetime) -> DataSyncResponse:
    """spec/001 stop: a pending sync is cancelled now; a running one ends as `cancelled` after the page
    in hand, keeping what it stored. 409 for a sync that has ended."""
    with uow:
        sync = _existing(uow, sync_id)
        if sync.status in FINISHED:
            raise Conflict(f"sync {sync_id} has ended ({sync.status})")
        stopped = uow.syncs.request_stop(sync_id, now)
        if stopped is None:
            raise NotFound(f"no sync {sync_id}")
        return stopped


def update_sync(
    uow: UnitOfWork, sync_id: uuid.UUID, update: SyncUpdate, now: dt.datetime
) -> DataSyncResponse:
    """spec/001's update, as far as it makes sense: a sync whose function was lost marked failed (409 once
    it has ended), a finished sync's watermark moved (409 while it runs)."""
    changes = update.model_dump(exclude_unset=True)
    with uow:
        sync = _existing(uow, sync_id)
        if "status" in changes:
            if sync.status in FINISHED:
                raise Conflict(f"sync {sync_id} has ended ({sync.status}): its status stays")
            uow.syncs.finish(sync_id, status=SyncStatus.FAILED, now=now, error="marked failed by an admin")
        if "last_sync_timestamp" in changes:
            if sync.status not in FINISHED:
                raise Conflict(f"sync {sync_id} is {sync.status}: move the watermark of a finished sync")
            uow.syncs.set_watermark(sync_id, update.last_sync_timestamp)
        return _existing(uow, sync_id)


def current_status(uow: UnitOfWork, settings: Settings, service: SiblingService | None) -> SyncStatusReport:
    services = [service] if service else list(SiblingService)
    with uow:
        in_progress = {sync.service_name: sync for sync in uow.syncs.in_progress(services)}
        report = [
            ServiceSyncStatus(
                service_name=s,
                url=service_url(settings, s),
                in_progress=in_progress.get(s),
                last=uow.syncs.latest_finished(s),
                last_completed_at=uow.syncs.last_completed_at(s),
                watermark=uow.syncs.watermark(s),
            )
            for s in services
        ]
    return SyncStatusReport(
        enabled=settings.SYNC_ENABLED, interval_minutes=settings.SYNC_INTERVAL_MINUTES, services=report
    )


def statistics(uow: UnitOfWork, filters: SyncFilters) -> SyncStatistics:
    with uow:
        rows = uow.syncs.statistics(filters)
    per_service = []
    for service in SiblingService:
        mine = [row for row in rows if row["service_name"] is service]
        if mine or filters.service_name is service:
            per_service.append(ServiceSyncStatistics(service_name=service, **_figures(mine)))
    overall = _figures(rows)
    overall.pop("last_sync_at")
    return SyncStatistics(**overall, services=per_service)


def _figures(rows: list[dict[str, Any]]) -> dict[str, Any]:
    by_status = {status.value: 0 for status in SyncStatus}
    for row in rows:
        by_status[SyncStatus(row["status"]).value] += int(row["runs"])
    finished = sum(by_status[s.value] for s in FINISHED)
    timed = sum(int(row["timed"]) for row in rows)
    seconds = sum(float(row["seconds"] or 0) for row in rows)
    lasts = [row["last"] for row in rows if row["last"] is not None]
    figures: dict[str, Any] = {
        "total_syncs": sum(by_status.values()),
        "by_status": by_status,
        "records_processed": sum(int(row["processed"]) for row in rows),
        "records_failed": sum(int(row["failed"]) for row in rows),
        "success_rate": round(100 * by_status[SyncStatus.COMPLETED.value] / finished, 2)
        if finished
        else None,
        "average_duration_seconds": round(seconds / timed, 3) if timed else None,
        "last_sync_at": max(lasts) if lasts else None,
    }
    return figures


def _existing(uow: UnitOfWork, sync_id: uuid.UUID) -> DataSyncResponse:
    sync = uow.syncs.get(sync_id)
    if sync is None:
        raise NotFound(f"no sync {sync_id}")
    return sync
