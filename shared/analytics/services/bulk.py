"""Validating a batch item by item, so each bad item is named and its valid neighbours are kept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import ValidationError

from analytics.errors import PayloadTooLarge
from analytics.http_detail import error_detail
from analytics.ports import InsertOutcome
from analytics.retention import expired_detail, is_expired, oldest_kept
from analytics.schemas.common import BulkItemError, BulkItemResult, BulkResult
from analytics.schemas.events import EventCreate
from analytics.schemas.metrics import MetricCreate
from analytics.services.isolate import store_isolating_refused
from analytics.settings import get_settings

M = TypeVar("M", MetricCreate, EventCreate)


@dataclass(frozen=True)
class Checked(Generic[M]):
    valid: list[tuple[int, M]]
    errors: list[BulkItemError]


def check_items(model: type[M], items: Sequence[Any]) -> Checked[M]:
    """Each item validated, and refused if it is older than the retention window."""
    limit = get_settings().MAX_BULK_ITEMS
    if len(items) > limit:
        raise PayloadTooLarge(f"at most {limit} items per request, got {len(items)}")
    oldest = oldest_kept(dt.datetime.now(dt.UTC))
    valid: list[tuple[int, M]] = []
    errors: list[BulkItemError] = []
    for index, item in enumerate(items):
        try:
            checked = model.model_validate(item)
        except ValidationError as exc:
            errors.append(BulkItemError(index=index, detail=error_detail(exc.errors())))
            continue
        if is_expired(checked.timestamp, oldest):
            errors.append(BulkItemError(index=index, detail=expired_detail(oldest)))
        else:
            valid.append((index, checked))
    return Checked(valid, errors)


def store_checked(checked: Checked[M], insert: Callable[[Sequence[M]], list[InsertOutcome]]) -> BulkResult:
    """Stores the valid items with `insert` (one transaction), all at once unless the database refuses
    some: those are found and named by their index with the database's reason, the others stored."""
    isolated = store_isolating_refused(lambda part: insert([item for _, item in part]), checked.valid)
    indexes: list[int] = []
    outcomes: list[InsertOutcome] = []
    for part, part_outcomes in isolated.stored:
        indexes += [index for index, _ in part]
        outcomes += part_outcomes
    refused = [BulkItemError(index=index, detail=error.errors) for (index, _), error in isolated.refused]
    return summarize(indexes, outcomes, sorted(checked.errors + refused, key=lambda error: error.index))


def summarize(
    indexes: list[int], outcomes: list[tuple[Any, bool]], errors: list[BulkItemError]
) -> BulkResult:
    items = [
        BulkItemResult(index=index, id=str(stored_id), status="created" if created else "duplicate")
        for index, (stored_id, created) in zip(indexes, outcomes, strict=True)
    ]
    created = sum(1 for item in items if item.status == "created")
    return BulkResult(
        created=created,
        duplicates=len(items) - created,
        failed=len(errors),
        items=items,
        errors=errors,
    )
