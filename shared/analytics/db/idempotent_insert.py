"""Multi-row inserts that store each idempotency key once and say which rows were new."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from analytics.db.models import Base

# pg8000 binds at most 32,767 parameters per statement; ten-odd columns a row leaves room for this.
ROWS_PER_STATEMENT = 1000


def insert_idempotent(
    session: Session, model: type[Base], rows: Sequence[dict[str, Any]]
) -> list[tuple[uuid.UUID, bool]]:
    """Inserts `rows` (each with an `id` and maybe an `idempotency_key`), skipping known keys.

    Returns, in input order, the stored id of each row and whether this call created it; a row
    whose key is already stored (or repeats an earlier row's key) maps to the existing id.
    """
    table = cast(Table, model.__table__)
    inserted: set[uuid.UUID] = set()
    for start in range(0, len(rows), ROWS_PER_STATEMENT):
        chunk = rows[start : start + ROWS_PER_STATEMENT]
        statement = (
            insert(table)
            .values(list(chunk))
            .on_conflict_do_nothing(
                index_elements=["idempotency_key"], index_where=text("idempotency_key IS NOT NULL")
            )
            .returning(table.c.id)
        )
        inserted.update(session.scalars(statement))

    skipped_keys = {row["idempotency_key"] for row in rows if row["id"] not in inserted}
    existing: dict[str, uuid.UUID] = {}
    if skipped_keys:
        found = session.execute(
            select(table.c.idempotency_key, table.c.id).where(table.c.idempotency_key.in_(skipped_keys))
        )
        existing = {key: row_id for key, row_id in found}
    return [
        (row["id"], True) if row["id"] in inserted else (existing[row["idempotency_key"]], False)
        for row in rows
    ]
