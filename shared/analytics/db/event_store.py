"""Tracked events in PostgreSQL: bulk loading with idempotency keys, and reads."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from pydantic import TypeAdapter
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from analytics.db.json_batch import Skipped, store_counting, store_reporting_each_item, unpack
from analytics.db.models import Event
from analytics.db.paging import page_of
from analytics.ports import InsertOutcome
from analytics.schemas.events import EventCreate, EventFields, EventFilters, EventResponse
from analytics.schemas.ingest import MessageItems

ITEMS: TypeAdapter[list[EventFields | Skipped]] = TypeAdapter(list[EventFields | Skipped])

ITEM_COLUMNS = (
    'event_name text, user_id text, properties jsonb, "timestamp" timestamptz, idempotency_key text'
)

STORE = f"""
WITH staged AS MATERIALIZED (
  SELECT ord, gen_random_uuid() AS id, event_name, user_id, coalesce(properties, '{{}}') AS properties,
         coalesce("timestamp", sent_at) AS "timestamp",
         coalesce(idempotency_key, 'sqs:' || message_id || ':' || position) AS idempotency_key
  FROM ({unpack(ITEM_COLUMNS)}) AS batch
  WHERE event_name IS NOT NULL
), new_keys AS (
  INSERT INTO event_keys (idempotency_key, event_id, event_timestamp)
  SELECT DISTINCT ON (idempotency_key) idempotency_key, id, "timestamp"
  FROM staged WHERE idempotency_key IS NOT NULL
  ORDER BY idempotency_key, ord
  ON CONFLICT DO NOTHING
  RETURNING idempotency_key, event_id
), inserted AS (
  INSERT INTO events (id, event_name, user_id, properties, "timestamp", idempotency_key)
  SELECT id, event_name, user_id, properties, "timestamp", idempotency_key
  FROM staged s
  WHERE s.idempotency_key IS NULL OR s.id IN (SELECT event_id FROM new_keys)
  RETURNING id
)
"""

# As metric_store's: each staged row's stored id (NULL where a concurrent transaction's key is not in the
# snapshot), whether it is new, and its key.
STORE_REPORTING_EACH_ROW = (
    STORE
    + """
SELECT coalesce(n.event_id, k.event_id, i.id) AS id, i.id IS NOT NULL AS created, s.idempotency_key
FROM staged s
LEFT JOIN inserted i ON i.id = s.id
LEFT JOIN new_keys n ON n.idempotency_key = s.idempotency_key
LEFT JOIN event_keys k ON k.idempotency_key = s.idempotency_key
ORDER BY s.ord
"""
)

STORE_COUNTING = STORE + "SELECT count(*) FROM inserted"

# The stored ids of keys that a concurrent transaction committed after STORE_REPORTING_EACH_ROW's snapshot.
FIND_KEYS = (
    "SELECT idempotency_key, event_id FROM event_keys WHERE idempotency_key = ANY(CAST(:keys AS text[]))"
)


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

    def insert_many(self, events: Sequence[EventCreate], default_time: dt.datetime) -> list[InsertOutcome]:
        return store_reporting_each_item(
            self._session, STORE_REPORTING_EACH_ROW, FIND_KEYS, events, default_time, ITEMS
        )

    def store(self, messages: Sequence[MessageItems[EventFields]]) -> int:
        """Stores the messages' events; answers how many were new (the ingest queue's path)."""
        return store_counting(self._session, STORE_COUNTING, messages, ITEMS)

    def get(self, event_id: uuid.UUID) -> EventResponse | None:
        row = self._session.scalars(select(Event).where(Event.id == event_id)).first()
        return EventResponse.model_validate(row) if row is not None else None

    def find(self, filters: EventFilters, skip: int, limit: int) -> tuple[list[EventResponse], int]:
        where = conditions(filters)
        rows, total = page_of(self._session, Event, where, (Event.timestamp.desc(), Event.id), skip, limit)
        return [EventResponse.model_validate(row) for row in rows], total
