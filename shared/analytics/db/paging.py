"""One page of rows and how many match in all: every list endpoint's query."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

Row = TypeVar("Row")


def page_of(
    session: Session,
    model: type[Row],
    where: Sequence[ColumnElement[bool]],
    order_by: Sequence[Any],
    skip: int,
    limit: int,
) -> tuple[list[Row], int]:
    total = session.scalar(select(func.count()).select_from(model).where(*where)) or 0
    if skip >= total:  # also spares PostgreSQL an offset beyond its bigint
        return [], total
    rows = session.scalars(select(model).where(*where).order_by(*order_by).offset(skip).limit(limit))
    return list(rows), total
