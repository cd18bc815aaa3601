"""Dashboards in PostgreSQL, and which metric series exist (for checking widgets against the store)."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from analytics.db.models import Dashboard, MetricRollupDaily
from analytics.db.paging import page_of
from analytics.enums import DashboardType, MetricType, ServiceName
from analytics.errors import Conflict
from analytics.schemas.dashboards import (
    DashboardConfig,
    DashboardCreate,
    DashboardFiltersQuery,
    DashboardResponse,
    Viewer,
)

# Serialises the default-switching of one dashboard type: two writers making different dashboards the
# default wait for each other instead of one failing on uq_dashboards_default_per_type.
LOCK_DEFAULT = text("SELECT pg_advisory_xact_lock(hashtext('dashboards.default:' || :dashboard_type))")


def to_response(row: Dashboard) -> DashboardResponse:
    return DashboardResponse(
        id=row.id,
        name=row.name,
        dashboard_type=row.dashboard_type,
        description=row.description,
        config=DashboardConfig.model_validate(row.config or {}),
        is_default=row.is_default,
        is_public=row.is_public,
        created_by=row.created_by,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def visible_to(viewer: Viewer) -> list[ColumnElement[bool]]:
    """Public dashboards for everyone, one's own too, and every dashboard for admins."""
    if viewer.admin:
        return []
    if viewer.subject is None:
        return [Dashboard.is_public.is_(True)]
    return [or_(Dashboard.is_public.is_(True), Dashboard.created_by == viewer.subject)]


def conditions(filters: DashboardFiltersQuery) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if filters.dashboard_type is not None:
        where.append(Dashboard.dashboard_type == filters.dashboard_type)
    if filters.is_default is not None:
        where.append(Dashboard.is_default.is_(filters.is_default))
    if filters.is_public is not None:
        where.append(Dashboard.is_public.is_(filters.is_public))
    if filters.created_by is not None:
        where.append(Dashboard.created_by == filters.created_by)
    if filters.name:
        where.append(Dashboard.name.icontains(filters.name, autoescape=True))
    return where


class SqlDashboardStore:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, dashboard: DashboardCreate, *, created_by: str | None) -> DashboardResponse:
        if dashboard.is_default:
            self._release_default(dashboard.dashboard_type, keep=None)
        row = Dashboard(
            name=dashboard.name,
            dashboard_type=dashboard.dashboard_type,
            description=dashboard.description,
            config=dashboard.config.model_dump(mode="json", exclude_none=True),
            is_default=dashboard.is_default,
            is_public=dashboard.is_public,
            created_by=created_by,
        )
        self._session.add(row)
        self._flush()
        self._session.refresh(row)
        return to_response(row)

    def get(self, dashboard_id: uuid.UUID) -> DashboardResponse | None:
        row = self._session.get(Dashboard, dashboard_id)
        return to_response(row) if row is not None else None

    def default_of(self, dashboard_type: DashboardType) -> DashboardResponse | None:
        row = self._session.scalar(
            select(Dashboard).where(
                Dashboard.dashboard_type == dashboard_type, Dashboard.is_default.is_(True)
            )
        )
        return to_response(row) if row is not None else None

    def find(
        self, filters: DashboardFiltersQuery, viewer: Viewer, skip: int, limit: int
    ) -> tuple[list[DashboardResponse], int]:
        where = [*visible_to(viewer), *conditions(filters)]
        order = (Dashboard.is_default.desc(), func.lower(Dashboard.name), Dashboard.id)
        rows, total = page_of(self._session, Dashboard, where, order, skip, limit)
        return [to_response(row) for row in rows], total

    def update(self, dashboard_id: uuid.UUID, changes: dict[str, Any]) -> DashboardResponse | None:
        """`changes` by column; `config` as a DashboardConfig. Becoming the default releases the old one."""
        current = self._session.get(Dashboard, dashboard_id)
        if current is None:
            return None
        # The type's lock before the row's: a writer holding the lock may be unsetting this very row.
        if changes.get("is_default", current.is_default):
            self._release_default(changes.get("dashboard_type", current.dashboard_type), keep=dashboard_id)
        row = self._session.get(Dashboard, dashboard_id, with_for_update=True, populate_existing=True)
        if row is None:
            return None
        for name, value in changes.items():
            if isinstance(value, DashboardConfig):
                value = value.model_dump(mode="json", exclude_none=True)
            setattr(row, name, value)
        self._flush()
        self._session.refresh(row)
        return to_response(row)

    def delete(self, dashboard_id: uuid.UUID) -> bool:
        row = self._session.get(Dashboard, dashboard_id)
        if row is None:
            return False
        self._session.delete(row)
        self._session.flush()
        return True

    def known_series(self, metric_names: Collection[str]) -> set[tuple[str, ServiceName, MetricType]]:
        """(metric_name, service_name, metric_type) of the named metrics that have data. Read from the
        daily rollup, which holds a row per series and day for as long as the series has data."""
        if not metric_names:
            return set()
        rows = self._session.execute(
            select(
                MetricRollupDaily.metric_name, MetricRollupDaily.service_name, MetricRollupDaily.metric_type
            )
            .where(MetricRollupDaily.metric_name.in_(sorted(set(metric_names))))
            .distinct()
        )
        return {(name, service, metric_type) for name, service, metric_type in rows}

    def _release_default(self, dashboard_type: DashboardType, *, keep: uuid.UUID | None) -> None:
        """Unsets the type's current default (other than `keep`) under the type's lock, in this
        transaction: the new default is set before anyone else can see the type without one."""
        self._session.execute(LOCK_DEFAULT, {"dashboard_type": str(dashboard_type)})
        released = update(Dashboard).where(
            Dashboard.dashboard_type == dashboard_type, Dashboard.is_default.is_(True)
        )
        if keep is not None:
            released = released.where(Dashboard.id != keep)
        self._session.execute(released.values(is_default=False, updated_at=func.now()))

    def _flush(self) -> None:
        try:
            self._session.flush()
        except IntegrityError as exc:
            raise Conflict("another dashboard became this type's default meanwhile; try again") from exc
