"""Items the ingest queue could not accept, with their reasons."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from analytics.db.models import IngestRejection
from analytics.db.paging import page_of
from analytics.schemas.ingest import Rejection, RejectionFilters, RejectionResponse


def conditions(filters: RejectionFilters) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if filters.message_id is not None:
        where.append(IngestRejection.message_id == filters.message_id)
    if filters.kind is not None:
        where.append(IngestRejection.kind == filters.kind)
    if filters.start is not None:
        where.append(IngestRejection.received_at >= filters.start)
    if filters.end is not None:
        where.append(IngestRejection.received_at < filters.end)
    return where


class SqlRejectionStore:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add_many(self, rejections: Sequence[Rejection]) -> None:
        """Records each rejection once: a redelivered message adds nothing."""
        if not rejections:
            return
        values = [
            {
                "message_id": r.message_id,
                "position": r.position,
                "kind": r.kind,
                "raw": r.raw,
                "reason": r.reason,
            }
            for r in rejections
        ]
        self._session.execute(
            insert(IngestRejection)
            .values(values)
            .on_conflict_do_nothing(index_elements=["message_id", "position"])
        )

    def find(self, filters: RejectionFilters, skip: int, limit: int) -> tuple[list[RejectionResponse], int]:
        where = conditions(filters)
        order = (IngestRejection.received_at.desc(), IngestRejection.message_id, IngestRejection.position)
        rows, total = page_of(self._session, IngestRejection, where, order, skip, limit)
        return [RejectionResponse.model_validate(row) for row in rows], total
