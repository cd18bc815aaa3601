"""The report worker: renders the reports the reports queue hands it (`{"report_id": ...}`) into the
reports bucket. A report whose rendering fails for a lasting reason is marked failed and acknowledged;
a transient failure (database or S3 unavailable) is reported as a batch item failure so SQS retries it."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from aws_lambda_powertools.utilities.data_classes import SQSEvent
from aws_lambda_powertools.utilities.typing import LambdaContext

from analytics.errors import Unavailable
from analytics.observability import logger, metrics, tracer
from analytics.services.reports import render_report
from analytics.wiring import report_files, unit_of_work


def report_id_of(body: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(json.loads(body)["report_id"]))
    except (ValueError, KeyError, TypeError):
        return None


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    retry = []
    for record in SQSEvent(event).records:
        report_id = report_id_of(record.body or "")
        if report_id is None:
            logger.error("not a report message; dropped", extra={"message_id": record.message_id})
            continue
        try:
            report = render_report(unit_of_work, report_files(), report_id, dt.datetime.now(dt.UTC))
        except Unavailable as exc:
            logger.warning(
                "report will be retried", extra={"report_id": str(report_id), "reason": exc.detail}
            )
            retry.append(record.message_id)
            continue
        status = report.status if report else "deleted"
        logger.info("report rendered", extra={"report_id": str(report_id), "status": status})
    return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in retry]}
