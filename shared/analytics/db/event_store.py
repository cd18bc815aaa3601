"""Tracked events in PostgreSQL: bulk loading with idempotency keys, and reads."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, func, select, text
from sqlalchemy.orm import Session

from analytics.db.bulk_load import copy_to_staging
from analytics.db.models import Event
from analytics.ports import InsertOutcome
from analytics.schemas.events import EventFilters, EventResponse

# The order of an event row as the domain hands it over (analytics.services.events.to_row).
COLUMNS = ("id", "event_name", "user_id", "properties", "timestamp", "idempotency_key")

STAGING_DDL = """
CREATE TEMP TABLE IF NOT EXISTS event_staging (
  ord integer NOT NULL,
  id uuid NOT NULL,
  event_name varchar(255) NOT NULL,
  user_id varchar(255),
  properties jsonb NOT NULL,
  "timestamp" timestamptz NOT NULL,
  idempotency_key varchar(255)
) ON COMMIT DELETE ROWS
"""

STORE = """
WITH new_keys AS (
  INSERT INTO event_keys (idempotency_key, event_id, event_timestamp)
  SELECT DISTINCT ON (idempotency_key) idempotency_key, id, "timestamp"
  FROM event_staging WHERE idempotency_key IS NOT NULL
  ORDER BY idempotency_key, ord
  ON CONFLICT DO NOTHING
  RETURNING idempotency_key, event_id
), inserted AS (
  INSERT INTO events (id, event_name, user_id, properties, "timestamp", idempotency_key)
  SELECT id, event_name, user_id, properties, "timestamp", idempotency_key
  FROM event_staging s
  WHERE s.idempotency_key IS NULL OR s.id IN (SELECT event_id FROM new_keys)
  RETURNING id
)
"""

STORE_REPORTING_EACH_ROW = (
    STORE
    + """
SELECT coalesce(n.event_id, k.event_id, s.id) AS id, i.id IS NOT NULL AS created
FROM event_staging s
LEFT JOIN inserted i ON i.id = s.id
LEFT JOIN new_keys n ON n.idempotency_key = s.idempotency_key
LEFT JOIN event_keys k ON k.idempotency_key = s.idempotency_key
ORDER BY s.ord
"""
)

STORE_COUNTING = STORE + "SELECT count(*) FROM inserted"


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

    def insert_many(self, rows: Sequence[Sequence[Any]]) -> list[InsertOutcome]:
        if not rows:
            return []
        copy_to_staging(self._session, STAGING_DDL, "event_staging", COLUMNS, rows)
        return [
            (row_id, created) for row_id, created in self._session.execute(text(STORE_REPORTING_EACH_ROW))
        ]

    def store_many(self, rows: Sequence[Sequence[Any]]) -> int:
        if not rows:
            return 0
        copy_to_staging(self._session, STAGING_DDL, "event_staging", COLUMNS, rows)
        return int(self._session.execute(text(STORE_COUNTING)).scalar_one())

    def get(self, event_id: uuid.UUID) -> EventResponse | None:
        row = self._session.scalars(select(Event).where(Event.id == event_id)).first()
        return EventResponse.model_validate(row) if row is not None else None

    def find(self, filters: EventFilters, skip: int, limit: int) -> tuple[list[EventResponse], int]:
        where = conditions(filters)
        total = self._session.scalar(select(func.count()).select_from(Event).where(*where)) or 0
        rows = self._session.scalars(
            select(Event).where(*where).order_by(Event.timestamp.desc(), Event.id).offset(skip).limit(limit)
        )
        return [EventResponse.model_validate(row) for row in rows], total
