"""The `detail` entries of a validation error: field location, readable message, error type."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def error_detail(errors: Iterable[Any]) -> list[dict[str, Any]]:
    """Never echoes the rejected input back."""
    return [{"loc": list(e["loc"]), "msg": e.get("msg", ""), "type": e["type"]} for e in errors]
