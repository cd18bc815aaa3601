"""What a metric or an event may hold beyond its fields' own types: finite numbers only, and bounded
dimensions, meta and properties (limits in analytics.settings).

JSON readers take `NaN`, `Infinity` and numbers such as `1e999` as floats that JSON cannot write back:
they would be stored as null. Unbounded dimensions and meta would let one item take megabytes of every
row and index that copies them.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic_core import PydanticSerializationError, to_json

from analytics.settings import get_settings


def finite_json(value: Any) -> Any:
    """Refuses NaN and infinities anywhere in a JSON value, naming where."""
    where = non_finite_at(value)
    if where is not None:
        raise ValueError(where)
    return value


def non_finite_at(value: Any) -> str | None:
    """Where the first number that is not finite stands in a JSON value, as a sentence; None if nowhere.
    Walked with a stack of its own: nesting too deep for Python's recursion is refused elsewhere."""
    pending: list[tuple[str, Any]] = [("", value)]
    while pending:
        path, item = pending.pop()
        if isinstance(item, float) and not math.isfinite(item):
            return f"the number at {path or 'the top'} is {item}: only finite numbers can be stored"
        if isinstance(item, dict):
            pending += [
                (f"{path}.{key}" if path else str(key), inner) for key, inner in reversed(item.items())
            ]
        elif isinstance(item, list):
            pending += [(f"{path}[{index}]", inner) for index, inner in reversed(list(enumerate(item)))]
    return None


def storable(dimensions: dict[str, Any], free_json: dict[str, Any]) -> bool:
    """Whether an item's flat dimensions and its meta (or properties) pass bounded_dimensions and
    bounded_json: the ingest queue asks it of every item, so the common small item costs a loop."""
    settings = get_settings()
    if len(dimensions) > settings.MAX_DIMENSIONS:
        return False
    for value in dimensions.values():
        if isinstance(value, str):
            if len(value) > settings.MAX_DIMENSION_VALUE_LENGTH:
                return False
        elif isinstance(value, float) and not math.isfinite(value):
            return False
    return not free_json or (json_size_problem(free_json) is None and non_finite_at(free_json) is None)


def bounded_dimensions(dimensions: dict[str, Any]) -> dict[str, Any]:
    problem = dimensions_problem(dimensions)
    if problem:
        raise ValueError(problem)
    return finite_json(dimensions)


def bounded_json(value: dict[str, Any]) -> dict[str, Any]:
    """Meta or properties: at most MAX_META_BYTES as JSON, finite numbers only."""
    problem = json_size_problem(value)
    if problem:
        raise ValueError(problem)
    return finite_json(value)


def dimensions_problem(dimensions: dict[str, Any]) -> str | None:
    settings = get_settings()
    if len(dimensions) > settings.MAX_DIMENSIONS:
        return f"at most {settings.MAX_DIMENSIONS} dimensions, got {len(dimensions)}"
    longest = settings.MAX_DIMENSION_VALUE_LENGTH
    for key, value in dimensions.items():
        if isinstance(value, str) and len(value) > longest:
            return f"dimension {key!r} is {len(value)} characters long; at most {longest}"
    return None


def json_size_problem(value: dict[str, Any]) -> str | None:
    if not value:
        return None
    limit = get_settings().MAX_META_BYTES
    try:
        size = len(to_json(value, inf_nan_mode="null"))
    except PydanticSerializationError:
        return None  # not writable at all: analytics.schemas.common.writable_as_json says why

    return f"{size:,} bytes as JSON; at most {limit:,}" if size > limit else None
