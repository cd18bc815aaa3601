"""CSV reports (one row per detail row: bucket, series and figures) and JSON reports (the content)."""

from __future__ import annotations

import csv
import io

from analytics.schemas.report_content import DetailRow, ReportContent

CSV_COLUMNS = list(DetailRow.model_fields)


def csv_bytes(content: ReportContent) -> bytes:
    """UTF-8 without a byte order mark; timestamps in ISO 8601 with the report zone's offset."""
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for row in content.details:
        writer.writerow(row.model_dump(mode="json"))
    return text.getvalue().encode()


def json_bytes(content: ReportContent) -> bytes:
    return content.model_dump_json(indent=2).encode()
