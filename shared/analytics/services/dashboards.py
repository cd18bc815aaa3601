"""Dashboards (spec/000, spec/001): saved widget configurations, who may see and change them, and one
default per dashboard type.

Private dashboards are visible only to their creator and to admins; to anyone else they do not exist
(404, and absent from lists). Analysts and admins create dashboards; their creator or an admin changes
or deletes them; only admins make a dashboard its type's default, and a default dashboard is public.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection

from analytics.auth import Principal, may_change
from analytics.enums import DashboardType, MetricType, Role, ServiceName
from analytics.errors import Forbidden, InvalidDashboardConfig, InvalidRequest, NotFound
from analytics.ports import UnitOfWork
from analytics.schemas.common import Page
from analytics.schemas.dashboards import (
    DashboardConfig,
    DashboardCreate,
    DashboardFiltersQuery,
    DashboardResponse,
    DashboardUpdate,
    Viewer,
    Widget,
    WidgetType,
)
from analytics.schemas.insights import ExecutiveSummary
from analytics.services.insights.executive import executive_summary
from analytics.services.insights.period import InsightPeriod

Series = tuple[str, ServiceName, MetricType]

# Columns that cannot be emptied: `null` for them in an update means "leave as is".
REQUIRED_COLUMNS = ("name", "dashboard_type", "config", "is_default", "is_public")


def viewer_of(principal: Principal | None) -> Viewer:
    if principal is None:
        return Viewer()
    return Viewer(subject=principal.subject, admin=Role.ADMIN in principal.roles)


def metric_problem(widget: Widget, known: Collection[Series]) -> str | None:
    """Why the widget's metric is not in the store, or None when it is (or the widget names none)."""
    query = widget.query
    if widget.type is WidgetType.GOAL or query.metric_name is None:
        return None
    stored = [series for series in known if series[0] == query.metric_name]
    if not stored:
        return f"widget {widget.id!r} ({widget.type}): no metric {query.metric_name!r} is stored"
    matching = [
        (name, service, metric_type)
        for name, service, metric_type in stored
        if query.service_name in (None, service) and query.metric_type in (None, metric_type)
    ]
    if matching:
        return None
    wanted = "/".join(str(part) for part in (query.service_name, query.metric_type) if part is not None)
    held = ", ".join(sorted(f"{service}/{metric_type}" for _, service, metric_type in stored))
    return (
        f"widget {widget.id!r} ({widget.type}): metric {query.metric_name!r} is not stored as {wanted}; "
        f"it is stored as {held}"
    )


def metric_names(config: DashboardConfig) -> set[str]:
    return {
        w.query.metric_name for w in config.widgets if w.query.metric_name and w.type is not WidgetType.GOAL
    }


def check_metrics(uow: UnitOfWork, config: DashboardConfig) -> None:
    """One query for every widget: each named metric must be in the store."""
    known = uow.dashboards.known_series(metric_names(config))
    problems = [
        {
            "loc": ["body", "config", "widgets", index, "query", "metric_name"],
            "msg": problem,
            "type": "unknown_metric",
        }
        for index, widget in enumerate(config.widgets)
        if (problem := metric_problem(widget, known)) is not None
    ]
    if problems:
        raise InvalidDashboardConfig(problems)


def create_dashboard(uow: UnitOfWork, dashboard: DashboardCreate, principal: Principal) -> DashboardResponse:
    _check_default(dashboard.is_default, dashboard.is_public, principal, becomes_default=dashboard.is_default)
    with uow:
        check_metrics(uow, dashboard.config)
        return uow.dashboards.add(dashboard, created_by=principal.subject)


def get_dashboard(uow: UnitOfWork, dashboard_id: uuid.UUID, viewer: Viewer) -> DashboardResponse:
    with uow:
        return visible_dashboard(uow, dashboard_id, viewer)


def list_dashboards(
    uow: UnitOfWork, filters: DashboardFiltersQuery, viewer: Viewer, skip: int, limit: int
) -> Page[DashboardResponse]:
    with uow:
        items, total = uow.dashboards.find(filters, viewer, skip, limit)
    return Page(items=items, total=total, skip=skip, limit=limit)


def public_dashboards(
    uow: UnitOfWork, dashboard_type: DashboardType | None, skip: int, limit: int
) -> Page[DashboardResponse]:
    filters = DashboardFiltersQuery(dashboard_type=dashboard_type, is_public=True)
    return list_dashboards(uow, filters, Viewer(), skip, limit)


def default_dashboard(uow: UnitOfWork, dashboard_type: DashboardType, viewer: Viewer) -> DashboardResponse:
    with uow:
        dashboard = uow.dashboards.default_of(dashboard_type)
    if dashboard is None or not can_see(dashboard, viewer):
        raise NotFound(f"no default {dashboard_type} dashboard")
    return dashboard


def executive_dashboard(
    uow: UnitOfWork, start_date: dt.date | dt.datetime | None, end_date: dt.date | dt.datetime | None, tz: str
) -> ExecutiveSummary:
    """The executive dashboard is computed, not saved: the domain insights' summary of every service."""
    return executive_summary(uow, InsightPeriod.of(start_date, end_date, tz))


def update_dashboard(
    uow: UnitOfWork, dashboard_id: uuid.UUID, update: DashboardUpdate, principal: Principal
) -> DashboardResponse:
    changes = {
        name: getattr(update, name)
        for name in update.model_fields_set
        if getattr(update, name) is not None or name not in REQUIRED_COLUMNS
    }
    with uow:
        current = _changeable(uow, dashboard_id, principal)
        is_default = changes.get("is_default", current.is_default)
        is_public = changes.get("is_public", current.is_public)
        moves_default = is_default and (
            not current.is_default
            or changes.get("dashboard_type", current.dashboard_type) != current.dashboard_type
        )
        _check_default(is_default, is_public, principal, becomes_default=moves_default)
        if "config" in changes:
            check_metrics(uow, changes["config"])
        updated = uow.dashboards.update(dashboard_id, changes)
    if updated is None:
        raise NotFound(f"no dashboard {dashboard_id}")
    return updated


def delete_dashboard(uow: UnitOfWork, dashboard_id: uuid.UUID, principal: Principal) -> None:
    with uow:
        _changeable(uow, dashboard_id, principal)
        uow.dashboards.delete(dashboard_id)


def can_see(dashboard: DashboardResponse, viewer: Viewer) -> bool:
    return (
        dashboard.is_public
        or viewer.admin
        or (viewer.subject is not None and dashboard.created_by == viewer.subject)
    )


def visible_dashboard(uow: UnitOfWork, dashboard_id: uuid.UUID, viewer: Viewer) -> DashboardResponse:
    """The dashboard, or NotFound when it does not exist or is another user's private one."""
    dashboard = uow.dashboards.get(dashboard_id)
    if dashboard is None or not can_see(dashboard, viewer):
        raise NotFound(f"no dashboard {dashboard_id}")
    return dashboard


def _changeable(uow: UnitOfWork, dashboard_id: uuid.UUID, principal: Principal) -> DashboardResponse:
    dashboard = visible_dashboard(uow, dashboard_id, viewer_of(principal))
    if not may_change(principal, dashboard.created_by):
        raise Forbidden("only the dashboard's creator or an admin may change or delete it")
    return dashboard


def _check_default(is_default: bool, is_public: bool, principal: Principal, *, becomes_default: bool) -> None:
    if becomes_default and Role.ADMIN not in principal.roles:
        raise Forbidden("only an admin may make a dashboard its type's default")
    if is_default and not is_public:
        raise InvalidRequest("a default dashboard is shown to everyone: it must be public (is_public true)")
