"""Tracked events in PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from analytics.db.idempotent_insert import insert_idempotent
from analytics.db.models import Event
from analytics.ports import InsertOutcome
from analytics.schemas.events import EventFilters, EventResponse


def conditions(filters: EventFilters) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if filters.event_name is not None:
        where.append(Event.event_name == filters.event_name)
    if filters.user_id is not None:
        where.append(Event.user_id == filters.user_id)
    if filters.start is not None:
        where.append(Event.timestamp >= filters.start)
    if filters.end is not None:
        where.append(Event.timestamp < filters.end)
    return where


class SqlEventStore:
    def __init__(self, session: Session) -> None:
        self._session = session

    def insert_many(self, rows: Sequence[dict[str, Any]]) -> list[InsertOutcome]:
        return insert_idempotent(self._session, Event, rows)

    def get(self, event_id: uuid.UUID) -> EventResponse | None:
        row = self._session.get(Event, event_id)
        return EventResponse.model_validate(row) if row is not None else None

    def find(self, filters: EventFilters, skip: int, limit: int) -> tuple[list[EventResponse], int]:
        where = conditions(filters)
        total = self._session.scalar(select(func.count()).select_from(Event).where(*where)) or 0
        rows = self._session.scalars(
            select(Event).where(*where).order_by(Event.timestamp.desc(), Event.id).offset(skip).limit(limit)
        )
        return [EventResponse.model_validate(row) for row in rows], total
