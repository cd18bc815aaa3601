"""KPI goals in PostgreSQL: their definitions, their last computed progress, and the alerts already sent."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import ColumnElement, select, text, update
from sqlalchemy.orm import Session

from analytics.db.models import Goal
from analytics.db.paging import page_of
from analytics.enums import GoalStatus
from analytics.schemas.goals import ComputedProgress, GoalCreate, GoalFilters, StoredGoal
from analytics.schemas.report_content import GoalProgress

# An alert kind is added to the goal's list only if it is not there yet: of two runs at once, one adds it
# and sends it, the other finds it there.
CLAIM_ALERT = text(
    """UPDATE goals SET alerts_sent = array_append(alerts_sent, CAST(:kind AS text)),
         alert_sent = alert_sent OR CAST(:kind AS text) = 'threshold'
       WHERE id = :id AND NOT (CAST(:kind AS text) = ANY(alerts_sent))
       RETURNING id"""
)
RELEASE_ALERT = text(
    """UPDATE goals SET alerts_sent = array_remove(alerts_sent, CAST(:kind AS text)),
         alert_sent = alert_sent AND CAST(:kind AS text) <> 'threshold'
       WHERE id = :id"""
)
# Hand-set values: one per day, the latest of the day wins, kept in day order.
RECORD_VALUE = text(
    """UPDATE goals SET manual_values = (
         SELECT coalesce(jsonb_agg(entry ORDER BY entry->>'date'), '[]')
         FROM (SELECT entry FROM jsonb_array_elements(manual_values) AS entry
               WHERE entry->>'date' <> CAST(:day AS text)
               UNION ALL
               SELECT jsonb_build_object('date', CAST(:day AS text), 'value', CAST(:value AS float8))
              ) AS entries(entry))
       WHERE id = :id"""
)


def to_stored(row: Goal) -> StoredGoal:
    return StoredGoal.model_validate(
        {
            **{column.key: getattr(row, column.key) for column in Goal.__table__.columns},
            "tracked_by_hand": is_tracked_by_hand(row.service_name, row.metric_name, row.dimensions),
        }
    )


def is_tracked_by_hand(service_name: Any, metric_name: Any, dimensions: dict[str, str] | None) -> bool:
    """A goal that names no service, metric or dimension measures nothing: its value is set by hand."""
    return service_name is None and metric_name is None and not dimensions


def conditions(filters: GoalFilters) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if filters.metric_type is not None:
        where.append(Goal.metric_type == filters.metric_type)
    if filters.status is not None:
        where.append(Goal.status == filters.status)
    if filters.created_by is not None:
        where.append(Goal.created_by == filters.created_by)
    return where


class SqlGoalStore:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, goal: GoalCreate, *, created_by: str | None) -> StoredGoal:
        row = Goal(**goal.model_dump(exclude={"created_by"}), created_by=created_by)
        self._session.add(row)
        self._session.flush()
        self._session.refresh(row)
        return to_stored(row)

    def get(self, goal_id: uuid.UUID, *, for_update: bool = False) -> StoredGoal | None:
        query = select(Goal).where(Goal.id == goal_id)
        row = self._session.scalars(query.with_for_update() if for_update else query).first()
        return to_stored(row) if row is not None else None

    def find(self, filters: GoalFilters, skip: int, limit: int) -> tuple[list[StoredGoal], int]:
        order = (Goal.end_date, Goal.name, Goal.id)
        rows, total = page_of(self._session, Goal, conditions(filters), order, skip, limit)
        return [to_stored(row) for row in rows], total

    def tracking(self, as_of: dt.date) -> list[StoredGoal]:
        """The active goals that have begun by `as_of`, ending first."""
        rows = self._session.scalars(
            select(Goal)
            .where(Goal.status == GoalStatus.ACTIVE, Goal.start_date <= as_of)
            .order_by(Goal.end_date, Goal.id)
        )
        return [to_stored(row) for row in rows]

    def update(self, goal_id: uuid.UUID, changes: dict[str, Any]) -> StoredGoal | None:
        self._session.execute(update(Goal).where(Goal.id == goal_id).values(**changes))
        return self.get(goal_id)

    def delete(self, goal_id: uuid.UUID) -> bool:
        row = self._session.get(Goal, goal_id)
        if row is None:
            return False
        self._session.delete(row)
        return True

    def save_progress(self, goal_id: uuid.UUID, progress: ComputedProgress) -> None:
        values = progress.model_dump(exclude={"computed_at"})
        self._session.execute(
            update(Goal)
            .where(Goal.id == goal_id)
            .values(
                **values, forecast_updated_at=progress.computed_at, progress_updated_at=progress.computed_at
            )
        )

    def record_value(self, goal_id: uuid.UUID, day: dt.date, value: float) -> None:
        self._session.execute(RECORD_VALUE, {"id": goal_id, "day": day.isoformat(), "value": value})

    def claim_alert(self, goal_id: uuid.UUID, kind: str) -> bool:
        return self._session.execute(CLAIM_ALERT, {"id": goal_id, "kind": kind}).first() is not None

    def release_alert(self, goal_id: uuid.UUID, kind: str) -> None:
        self._session.execute(RELEASE_ALERT, {"id": goal_id, "kind": kind})

    def overlapping(self, start: dt.date, end: dt.date) -> list[GoalProgress]:
        rows = self._session.scalars(
            select(Goal)
            .where(Goal.start_date <= end, Goal.end_date >= start)
            .order_by(Goal.start_date, Goal.name, Goal.id)
        )
        return [GoalProgress.model_validate(row, from_attributes=True) for row in rows]
