"""The ingest queue's consumer: SQS batches of metrics and events from sibling services.

Answers with the messages SQS should retry (`batchItemFailures`); everything else in the batch is
stored or recorded as a rejection.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import SQSEvent
from aws_lambda_powertools.utilities.typing import LambdaContext

from analytics.observability import logger, metrics, tracer
from analytics.schemas.ingest import QueueMessage
from analytics.services.ingest import ingest_messages
from analytics.wiring import unit_of_work


def to_message(record: Any) -> QueueMessage:
    sent_ms = int(record.attributes.sent_timestamp)
    return QueueMessage(
        record.message_id, record.body or "", dt.datetime.fromtimestamp(sent_ms / 1000, dt.UTC)
    )


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    messages = [to_message(record) for record in SQSEvent(event).records]
    report = ingest_messages(unit_of_work(), messages)
    logger.info("ingest batch", extra={"report": report.__dict__ | {"retry": len(report.retry)}})
    metrics.add_metric(name="MetricsStored", unit=MetricUnit.Count, value=report.metrics_stored)
    metrics.add_metric(name="EventsStored", unit=MetricUnit.Count, value=report.events_stored)
    metrics.add_metric(name="ItemsRejected", unit=MetricUnit.Count, value=report.rejected)
    metrics.add_metric(name="MessagesRetried", unit=MetricUnit.Count, value=len(report.retry))
    return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in report.retry]}
