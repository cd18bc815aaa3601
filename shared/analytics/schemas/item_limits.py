"""What a metric or an event may hold beyond its fields' own types: finite numbers only, and bounded
dimensions, meta and properties (limits in analytics.settings).

JSON readers take `NaN`, `Infinity` and numbers such as `1e999` as floats that JSON cannot write back:
they would be stored as null. Unbounded dimensions and meta would let one item take megabytes of every
row and index that copies them.
"""

from __future__ import annotations

import math
import re
from typing import Any

from pydantic_core import PydanticSerializationError, to_json

from analytics.settings import get_settings

# What a JSON text must contain to hold a number that is not finite; matching it only means looking closer.
NON_FINITE_NUMBER_TEXT = re.compile(r"NaN|Infinity|[0-9][eE]\+?[0-9]{3}")


def finite_json(value: Any, path: str = "") -> Any:
    """Refuses NaN and infinities anywhere in a JSON value, naming where."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"the number at {path or 'the top'} is {value}: only finite numbers can be stored")
    if isinstance(value, dict):
        for key, item in value.items():
            finite_json(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            finite_json(item, f"{path}[{index}]")
    return value


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
