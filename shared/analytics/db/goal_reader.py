"""Goals as reports show them: their targets and stored progress."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from analytics.db.models import Goal
from analytics.schemas.report_content import GoalProgress


class SqlGoalReader:
    def __init__(self, session: Session) -> None:
        self._session = session

    def overlapping(self, start: dt.date, end: dt.date) -> list[GoalProgress]:
        rows = self._session.scalars(
            select(Goal)
            .where(Goal.start_date <= end, Goal.end_date >= start)
            .order_by(Goal.start_date, Goal.name, Goal.id)
        )
        return [GoalProgress.model_validate(row, from_attributes=True) for row in rows]
