"""Validating a batch item by item, so each bad item is named and its valid neighbours are kept."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from analytics.errors import PayloadTooLarge
from analytics.http_detail import error_detail
from analytics.schemas.common import BulkItemError, BulkItemResult, BulkResult
from analytics.settings import get_settings

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Checked(Generic[M]):
    valid: list[tuple[int, M]]
    errors: list[BulkItemError]


def check_items(model: type[M], items: Sequence[Any]) -> Checked[M]:
    limit = get_settings().MAX_BULK_ITEMS
    if len(items) > limit:
        raise PayloadTooLarge(f"at most {limit} items per request, got {len(items)}")
    valid: list[tuple[int, M]] = []
    errors: list[BulkItemError] = []
    for index, item in enumerate(items):
        try:
            valid.append((index, model.model_validate(item)))
        except ValidationError as exc:
            errors.append(BulkItemError(index=index, detail=error_detail(exc.errors())))
    return Checked(valid, errors)


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
