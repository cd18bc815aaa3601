"""Pull-sync from sibling services (spec/000 data sync, spec/001 DataSync): what the API takes and
answers, and what every run records."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator

from analytics.enums import SiblingService, SyncStatus, SyncType
from analytics.schemas.common import PartialUpdate, RequestBody

IN_PROGRESS = (SyncStatus.PENDING, SyncStatus.RUNNING)
FINISHED = (SyncStatus.COMPLETED, SyncStatus.FAILED, SyncStatus.CANCELLED, SyncStatus.TIMED_OUT)

SYNC_TYPE_DESCRIPTION = (
    "`incremental` (default) asks for records since the service's watermark, the newest `recorded_at` "
    "stored by an earlier run; `full` asks for every record; `manual` is an incremental sync started by "
    "hand. Records stored before are never counted twice."
)


class SyncRequest(RequestBody):
    """POST /api/v1/sync as a JSON body (query parameters `service_name` and `sync_type` work too). It names
    a service in `service_name` or several in `service_names`: one of them is required."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"service_name": "partners_crm", "sync_type": "incremental"},
                {"service_names": ["projects", "social_media"], "sync_type": "full"},
            ],
            # What `_some_service` checks, for the document's readers and its clients' validators.
            "anyOf": [
                {"required": ["service_name"], "properties": {"service_name": {"type": "string"}}},
                {"required": ["service_names"], "properties": {"service_names": {"type": "array"}}},
            ],
        },
    )

    service_name: SiblingService | None = Field(None, description="One service")
    service_names: list[SiblingService] | None = Field(None, min_length=1, description="Several services")
    sync_type: SyncType = Field(SyncType.INCREMENTAL, description=SYNC_TYPE_DESCRIPTION)

    @model_validator(mode="after")
    def _some_service(self) -> SyncRequest:
        if self.service_name is None and not self.service_names:
            raise ValueError("name the service in `service_name` or the services in `service_names`")
        return self

    def services(self) -> list[SiblingService]:
        named = [*([self.service_name] if self.service_name else []), *(self.service_names or [])]
        return list(dict.fromkeys(named))


class DataSyncJobConfig(BaseModel):
    """What a `data_sync` job syncs on each run."""

    model_config = ConfigDict(extra="forbid")

    services: list[SiblingService | Literal["all"]] = Field(
        ["all"],
        min_length=1,
        description="The sibling services to sync; `all` (the default) means every one of SYNC_SERVICES",
    )
    sync_type: SyncType = Field(SyncType.INCREMENTAL, description=SYNC_TYPE_DESCRIPTION)

    def chosen(self, configured: list[SiblingService]) -> list[SiblingService]:
        if "all" in self.services:
            return configured
        return list(dict.fromkeys(service for service in self.services if service != "all"))


class AggregateRequest(RequestBody):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"sync_type": "incremental"}]})

    sync_type: SyncType = Field(SyncType.INCREMENTAL, description=SYNC_TYPE_DESCRIPTION)


class DataSyncResponse(BaseModel):
    """One run of a sync with one service. `meta` holds `pages`, `since` (what was asked for),
    `metrics_stored` (new), `duplicates` (seen before), `retries` (HTTP requests repeated), `trigger`
    (api or schedule), `requested_by`, `budget_seconds` and, when asked, `stop_requested_at`."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    service_name: SiblingService
    sync_type: SyncType
    status: SyncStatus
    started_at: dt.datetime | None
    completed_at: dt.datetime | None
    records_processed: int = Field(description="Records received and stored (or found stored already)")
    records_failed: int = Field(description="Records that failed validation; kept as ingest rejections")
    last_sync_timestamp: dt.datetime | None = Field(
        description="The watermark: the newest `recorded_at` among the records this run stored"
    )
    error_message: str | None
    meta: dict[str, Any]
    created_at: dt.datetime
    updated_at: dt.datetime

    @computed_field  # type: ignore[prop-decorator]
    @property
    def duration_seconds(self) -> float | None:
        if self.started_at is None or self.completed_at is None:
            return None
        return (self.completed_at - self.started_at).total_seconds()


class SkippedService(BaseModel):
    service_name: SiblingService
    sync_id: uuid.UUID = Field(description="The sync already pending or running for it")
    reason: str


class SyncStarted(BaseModel):
    """202: the runs are recorded as pending and the scheduler function runs them now. Follow each with
    `GET /api/v1/sync/{id}`."""

    syncs: list[DataSyncResponse]
    skipped: list[SkippedService] = Field(default_factory=list)


class SyncRound(BaseModel):
    """What one round of syncs did (the hourly `data_sync` task, or a launched request)."""

    enabled: bool = True
    syncs: list[DataSyncResponse] = Field(default_factory=list)
    skipped: list[SkippedService] = Field(default_factory=list)


class SyncFilters(BaseModel):
    service_name: SiblingService | None = None
    status: SyncStatus | None = None
    sync_type: SyncType | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None


class ServiceSyncStatus(BaseModel):
    service_name: SiblingService
    url: str = Field(description="Where the service's export is read from")
    in_progress: DataSyncResponse | None = Field(description="The pending or running sync, if any")
    last: DataSyncResponse | None = Field(description="The latest finished sync")
    last_completed_at: dt.datetime | None = Field(description="When the latest completed sync ended")
    watermark: dt.datetime | None = Field(description="Where the next incremental sync starts")


class SyncStatusReport(BaseModel):
    enabled: bool = Field(description="SYNC_ENABLED: whether syncs may run")
    interval_minutes: int = Field(description="How often the scheduled sync runs")
    services: list[ServiceSyncStatus]


class ServiceSyncStatistics(BaseModel):
    service_name: SiblingService
    total_syncs: int
    by_status: dict[str, int]
    records_processed: int
    records_failed: int
    success_rate: float | None = Field(description="Completed syncs in percent of finished ones")
    average_duration_seconds: float | None
    last_sync_at: dt.datetime | None


class SyncStatistics(BaseModel):
    """spec/001 DataSyncStats, over the syncs created in the period (all when no dates are given)."""

    total_syncs: int
    by_status: dict[str, int]
    records_processed: int
    records_failed: int
    success_rate: float | None
    average_duration_seconds: float | None
    services: list[ServiceSyncStatistics]


class SyncUpdate(PartialUpdate):
    """What an admin may change on a sync record (spec/001): mark a run whose function was lost as failed,
    and move the watermark of a finished run, from which the next incremental sync starts."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"last_sync_timestamp": "2025-12-01T00:00:00Z"}, {"status": "failed"}]
        },
    )
    clearable = frozenset({"last_sync_timestamp"})

    status: Literal[SyncStatus.FAILED] | None = Field(None, description="Only a pending or running sync")
    last_sync_timestamp: dt.datetime | None = Field(
        None,
        description="Only a finished sync; null forgets it, so the next incremental sync starts from the one "
        "before (or from the beginning)",
    )
