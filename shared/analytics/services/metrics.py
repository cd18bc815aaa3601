"""Metric use cases: create (idempotent), bulk create, read, list, delete."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from analytics.errors import NotFound
from analytics.ports import InsertOutcome, UnitOfWork
from analytics.retention import refuse_expired
from analytics.schemas.common import BulkResult, Page
from analytics.schemas.metrics import MetricCreate, MetricFilters, MetricResponse
from analytics.services.bulk import check_items, store_checked


def create_metric(uow: UnitOfWork, metric: MetricCreate) -> tuple[MetricResponse, bool]:
    """Stores one metric; with a known idempotency key returns the original and `created=False`."""
    refuse_expired(metric.timestamp)
    with uow:
        [(metric_id, created)] = uow.metrics.insert_many([metric], dt.datetime.now(dt.UTC))
        stored = uow.metrics.get(metric_id)
    assert stored is not None, "a metric just stored or found by its key must be readable"
    return stored, created


def create_metrics(uow: UnitOfWork, items: Sequence[Any]) -> BulkResult:
    """Stores every valid item in one transaction and names each invalid one by its index."""
    checked = check_items(MetricCreate, items)
    now = dt.datetime.now(dt.UTC)

    def insert(items: Sequence[MetricCreate]) -> list[InsertOutcome]:
        with uow:
            return uow.metrics.insert_many(items, now)

    return store_checked(checked, insert)


def get_metric(uow: UnitOfWork, metric_id: uuid.UUID) -> MetricResponse:
    with uow:
        metric = uow.metrics.get(metric_id)
    if metric is None:
        raise NotFound(f"metric {metric_id} not found")
    return metric


def delete_metric(uow: UnitOfWork, metric_id: uuid.UUID) -> None:
    with uow:
        deleted = uow.metrics.delete(metric_id)
    if not deleted:
        raise NotFound(f"metric {metric_id} not found")


def list_metrics(uow: UnitOfWork, filters: MetricFilters, skip: int, limit: int) -> Page[MetricResponse]:
    with uow:
        items, total = uow.metrics.find(filters, skip, limit)
    return Page[MetricResponse](items=items, total=total, skip=skip, limit=limit)
