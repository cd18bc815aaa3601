"""Metrics in PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from analytics.db.idempotent_insert import insert_idempotent
from analytics.db.models import Metric
from analytics.ports import InsertOutcome
from analytics.schemas.metrics import MetricFilters, MetricResponse


def to_response(row: Metric) -> MetricResponse:
    return MetricResponse(
        id=row.id,
        service_name=row.service_name,
        metric_type=row.metric_type,
        metric_name=row.metric_name,
        value=row.metric_value,
        unit=row.metric_unit,
        dimensions=row.dimensions,
        timestamp=row.timestamp,
        date=row.date,
        meta=row.meta,
        idempotency_key=row.idempotency_key,
        created_at=row.created_at,
    )


def conditions(filters: MetricFilters) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if filters.service_name is not None:
        where.append(Metric.service_name == filters.service_name)
    if filters.metric_type is not None:
        where.append(Metric.metric_type == filters.metric_type)
    if filters.metric_name is not None:
        where.append(Metric.metric_name == filters.metric_name)
    if filters.start is not None:
        where.append(Metric.timestamp >= filters.start)
    if filters.end is not None:
        where.append(Metric.timestamp < filters.end)
    for key, value in filters.dimensions.items():
        # Compared as text so that `dimensions.partner_id=123` matches both 123 and "123".
        where.append(Metric.dimensions.op("->>")(key) == value)
    return where


class SqlMetricStore:
    def __init__(self, session: Session) -> None:
        self._session = session

    def insert_many(self, rows: Sequence[dict[str, Any]]) -> list[InsertOutcome]:
        return insert_idempotent(self._session, Metric, rows)

    def get(self, metric_id: uuid.UUID) -> MetricResponse | None:
        row = self._session.get(Metric, metric_id)
        return to_response(row) if row is not None else None

    def delete(self, metric_id: uuid.UUID) -> bool:
        result = self._session.execute(delete(Metric).where(Metric.id == metric_id).returning(Metric.id))
        return result.first() is not None

    def find(self, filters: MetricFilters, skip: int, limit: int) -> tuple[list[MetricResponse], int]:
        where = conditions(filters)
        total = self._session.scalar(select(func.count()).select_from(Metric).where(*where)) or 0
        rows = self._session.scalars(
            select(Metric)
            .where(*where)
            .order_by(Metric.timestamp.desc(), Metric.id)
            .offset(skip)
            .limit(limit)
        )
        return [to_response(row) for row in rows], total
