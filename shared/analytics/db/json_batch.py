"""A batch of items handed to PostgreSQL as one JSON document, unpacked there by set-returning functions.

pydantic-core serializes the validated items in Rust and PostgreSQL parses the JSON in C, so no row is
touched by Python on the way in: faster here than building CSV for COPY, and one round trip.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, TypeAdapter
from sqlalchemy import text
from sqlalchemy.orm import Session

from analytics.errors import Unavailable
from analytics.ports import InsertOutcome
from analytics.schemas.ingest import MessageItems


class Skipped(BaseModel):
    """Stands where an invalid item was (serialized as `{}`), so the others keep their positions."""


SKIPPED = Skipped()


def unpack(columns: str) -> str:
    """SQL yielding the batch's items as rows of `columns` (a record definition such as `a int, b text`),
    with `ord` (orders the batch's items), `message_id`, `sent_at` and `position` (place in its message).
    Placeholders of invalid items come out with every column NULL."""
    names = ", ".join(column.split()[0] for column in columns.split(","))
    return f"""
  SELECT msg.number * 1000000 + item.number AS ord,
         msg.doc->>'message_id' AS message_id,
         (msg.doc->>'sent_at')::timestamptz AS sent_at,
         (msg.doc->>'first_position')::integer + item.number - 1 AS position,
         {", ".join(f"item.{name}" for name in names.split(", "))}
  FROM jsonb_array_elements(CAST(:batch AS jsonb)) WITH ORDINALITY AS msg(doc, number)
  CROSS JOIN LATERAL ROWS FROM (jsonb_to_recordset(msg.doc->'items') AS ({columns}))
    WITH ORDINALITY AS item({names}, number)"""


def batch_json(batches: Sequence[MessageItems[Any]], adapter: TypeAdapter[Any]) -> str:
    parts = []
    for batch in batches:
        items = [SKIPPED if item is None else item for item in batch.items]
        parts.append(
            f'{{"message_id":{json.dumps(batch.message_id)},"sent_at":"{batch.sent_at.isoformat()}",'
            f'"first_position":{batch.first_position},"items":{adapter.dump_json(items).decode()}}}'
        )
    return "[" + ",".join(parts) + "]"


def store_reporting_each_item(
    session: Session,
    statement: str,
    find_keys: str,
    items: Sequence[Any],
    default_time: dt.datetime,
    adapter: TypeAdapter[Any],
) -> list[InsertOutcome]:
    """Runs a store statement over one batch of API items; each item's stored id and whether it is new.

    `statement` answers (id, created, idempotency_key) per item, the id NULL where a concurrent transaction
    stored the key and committed after the statement's snapshot was taken: the key's INSERT ... ON CONFLICT
    waited for that transaction and did nothing, but the snapshot does not show the key. `find_keys`
    (:keys in, (idempotency_key, id) out) looks those keys up again in a statement of its own, whose new
    snapshot does show them."""
    if not items:
        return []
    batch = batch_json([MessageItems(None, default_time, list(items))], adapter)
    rows = session.execute(text(statement), {"batch": batch}).all()
    late = [key for row_id, _, key in rows if row_id is None]
    found: dict[str, uuid.UUID] = {}
    if late:
        found = {key: stored_id for key, stored_id in session.execute(text(find_keys), {"keys": late})}
    if any(key not in found for key in late):  # deleted again since, which freed the key
        raise Unavailable("an item's idempotency key was stored and freed again meanwhile; try again")
    return [(row_id if row_id is not None else found[key], created) for row_id, created, key in rows]


def store_counting(
    session: Session, statement: str, messages: Sequence[MessageItems[Any]], adapter: TypeAdapter[Any]
) -> int:
    """Runs a store statement over queue messages; how many items were new."""
    if not messages:
        return 0
    return int(session.execute(text(statement), {"batch": batch_json(messages, adapter)}).scalar_one())
