"""The queues `up` drains and into which function, as the stack's SQS event sources do: the ingest queue
into the ingest function in large batches, the reports queue into the report worker a few at a time."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import boto3

from analytics_infra.local.aws import REGION, AwsResources
from analytics_infra.local.functions import Functions
from analytics_infra.local.queue_poller import EventSource, QueuePoller

INGEST_FUNCTION = "ingest"
# The stack's batch size; a shorter window than its five seconds, so a lone message is stored within
# about two seconds.
INGEST_BATCH_SIZE = 1000
INGEST_WINDOW_SECONDS = 1.0
# Rendering a report takes a while: small batches, handed over as soon as they arrive.
REPORT_WORKER_FUNCTION = "report_worker"
REPORTS_BATCH_SIZE = 2
REPORTS_WINDOW_SECONDS = 0.0


def event_sources(aws: AwsResources) -> tuple[EventSource, ...]:
    return (
        EventSource(INGEST_FUNCTION, aws.ingest_queue_url, INGEST_BATCH_SIZE, INGEST_WINDOW_SECONDS),
        EventSource(
            REPORT_WORKER_FUNCTION, aws.reports_queue_url, REPORTS_BATCH_SIZE, REPORTS_WINDOW_SECONDS
        ),
    )


@contextmanager
def draining_queues(
    functions: Functions, aws: AwsResources, progress: Callable[[str], None]
) -> Iterator[tuple[QueuePoller, ...]]:
    """Every queue drained into its function until the block exits; each poller stops once the batch
    in hand is handed over."""
    sqs = boto3.client("sqs", endpoint_url=aws.endpoint_url, region_name=REGION)
    pollers = tuple(QueuePoller(sqs, source, functions, progress) for source in event_sources(aws))
    for poller in pollers:
        poller.start()
    try:
        yield pollers
    finally:
        for poller in pollers:
            poller.request_stop()
        for poller in pollers:
            poller.stop()
