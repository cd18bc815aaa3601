"""What a dashboard's widgets may leave out: an `id` (made from the title, unique in the dashboard) and a
`layout` (the widget's usual size, at the first free place of the 12-column grid, reading left to right
and top to bottom, after the widgets placed by hand)."""

from __future__ import annotations

import re
from typing import Any

GRID_COLUMNS = 12
# Width and height of each widget type when its layout is left out.
DEFAULT_SIZE = {
    "number": (3, 2),
    "line": (6, 4),
    "area": (6, 4),
    "bar": (6, 4),
    "pie": (4, 4),
    "heatmap": (6, 4),
    "table": (6, 4),
    "goal": (6, 3),
}
MAX_ID_LENGTH = 64


def with_defaults(widgets: list[Any]) -> list[Any]:
    """The widgets (raw request objects) with a missing `id` and `layout` filled in; anything else is left
    for the widget model to check."""
    dicts = [widget for widget in widgets if isinstance(widget, dict)]
    taken = {widget["id"] for widget in dicts if isinstance(widget.get("id"), str)}
    occupied = [_box(widget["layout"]) for widget in dicts if isinstance(widget.get("layout"), dict)]
    filled = []
    for widget in widgets:
        if isinstance(widget, dict) and (widget.get("id") is None or widget.get("layout") is None):
            widget = dict(widget)
            if widget.get("id") is None:
                widget["id"] = _unique(_slug(widget.get("title"), widget.get("type")), taken)
                taken.add(widget["id"])
            if widget.get("layout") is None:
                widget["layout"] = _first_free_place(
                    DEFAULT_SIZE.get(str(widget.get("type")), (6, 4)), occupied
                )
                occupied.append(_box(widget["layout"]))
        filled.append(widget)
    return filled


def _slug(title: Any, kind: Any) -> str:
    text = re.sub(r"[^a-z0-9]+", "-", str(title or "").lower()).strip("-")[:MAX_ID_LENGTH].rstrip("-")
    return text or str(kind or "widget")


def _unique(base: str, taken: set[str]) -> str:
    candidate, number = base, 2
    while candidate in taken:
        suffix = f"-{number}"
        candidate, number = base[: MAX_ID_LENGTH - len(suffix)] + suffix, number + 1
    return candidate


def _box(layout: dict[str, Any]) -> tuple[int, int, int, int]:
    try:
        return int(layout["x"]), int(layout["y"]), int(layout["w"]), int(layout["h"])
    except (KeyError, TypeError, ValueError):
        return 0, 0, 0, 0  # an invalid layout: its widget is refused with its own message


def _first_free_place(size: tuple[int, int], occupied: list[tuple[int, int, int, int]]) -> dict[str, int]:
    width, height = size
    y = 0
    while True:
        for x in range(GRID_COLUMNS - width + 1):
            if not any(_overlap((x, y, width, height), box) for box in occupied):
                return {"x": x, "y": y, "w": width, "h": height}
        y += 1


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]
