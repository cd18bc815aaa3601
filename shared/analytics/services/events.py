"""Tracked-event use cases: create (idempotent), bulk create, read, list."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from analytics.errors import NotFound
from analytics.ports import InsertOutcome, UnitOfWork
from analytics.retention import refuse_expired
from analytics.schemas.common import BulkResult, Page
from analytics.schemas.events import EventCreate, EventFilters, EventResponse
from analytics.services.bulk import check_items, store_checked


def create_event(uow: UnitOfWork, event: EventCreate) -> tuple[EventResponse, bool]:
    """Stores one event; with a known idempotency key returns the original and `created=False`."""
    refuse_expired(event.timestamp)
    with uow:
        [(event_id, created)] = uow.events.insert_many([event], dt.datetime.now(dt.UTC))
        stored = uow.events.get(event_id)
    assert stored is not None, "an event just stored or found by its key must be readable"
    return stored, created


def create_events(uow: UnitOfWork, items: Sequence[Any]) -> BulkResult:
    checked = check_items(EventCreate, items)
    now = dt.datetime.now(dt.UTC)

    def insert(items: Sequence[EventCreate]) -> list[InsertOutcome]:
        with uow:
            return uow.events.insert_many(items, now)

    return store_checked(checked, insert)


def get_event(uow: UnitOfWork, event_id: uuid.UUID) -> EventResponse:
    with uow:
        event = uow.events.get(event_id)
    if event is None:
        raise NotFound(f"event {event_id} not found")
    return event


def list_events(uow: UnitOfWork, filters: EventFilters, skip: int, limit: int) -> Page[EventResponse]:
    with uow:
        items, total = uow.events.find(filters, skip, limit)
    return Page[EventResponse](items=items, total=total, skip=skip, limit=limit)
