"""CSV reports (one row per figure: the section's figures, its breakdowns' items and its goals, each in
its unit with its comparisons) and JSON reports (the content itself)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from analytics.reports import labels
from analytics.schemas.report_content import Figure, ReportContent, Section, Unit

CSV_COLUMNS = [
    "section",
    "breakdown",
    "item",
    "figure",
    "label",
    "unit",
    "as_of",
    "period",
    "value",
    "previous_period",
    "previous",
    "change",
    "change_percent",
    "year_earlier_period",
    "year_earlier",
    "year_change",
    "year_change_percent",
]


def csv_bytes(content: ReportContent) -> bytes:
    """UTF-8 without a byte order mark; figures as the JSON report holds them (percents from 0 to 100)."""
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    periods = {
        "period": content.period.label,
        "previous_period": content.previous_period.label,
        "year_earlier_period": content.year_earlier_period.label if content.year_earlier_period else None,
    }
    for section in content.sections:
        for row in _rows(section):
            writer.writerow(periods | row)
    return text.getvalue().encode()


def _rows(section: Section) -> Iterator[dict[str, Any]]:
    for figure in section.figures:
        yield _figure(section, figure)
    for breakdown in section.breakdowns:
        for item in breakdown.items:
            for figure in item.figures:
                yield _figure(section, figure, breakdown=breakdown.key, item=labels.item_name(item.name))
    for goal in section.goals:
        where = {"section": section.key.value, "breakdown": "goal", "item": goal.name}
        yield where | {
            "figure": "current_value",
            "label": "Current value",
            "unit": goal.unit,
            "value": goal.current_value,
        }
        yield where | {
            "figure": "target_value",
            "label": "Target",
            "unit": goal.unit,
            "value": goal.target_value,
        }
        yield where | {
            "figure": "progress",
            "label": "Progress",
            "unit": Unit.PERCENT,
            "value": goal.progress_percent,
        }
        chance = None if goal.probability is None else goal.probability * 100
        yield where | {"figure": "chance", "label": "Chance", "unit": Unit.PERCENT, "value": chance}


def _figure(
    section: Section, figure: Figure, breakdown: str | None = None, item: str | None = None
) -> dict[str, Any]:
    previous, earlier = figure.previous, figure.year_earlier
    return {
        "section": section.key.value,
        "breakdown": breakdown,
        "item": item,
        "figure": figure.key,
        "label": figure.label,
        "unit": figure.unit.value,
        "as_of": figure.as_of.isoformat() if figure.as_of else None,
        "value": figure.value,
        "previous": previous.value if previous else None,
        "change": previous.change if previous else None,
        "change_percent": previous.change_percent if previous else None,
        "year_earlier": earlier.value if earlier else None,
        "year_change": earlier.change if earlier else None,
        "year_change_percent": earlier.change_percent if earlier else None,
    }


def json_bytes(content: ReportContent) -> bytes:
    return content.model_dump_json(indent=2).encode()
