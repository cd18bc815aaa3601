"""The ingest consumer: the function that stores what sibling services put on the ingest queue."""

from __future__ import annotations

from aws_cdk import aws_lambda_event_sources, aws_sqs
from constructs import Construct

from analytics_infra.constants import (
    INGEST_BATCH_SIZE,
    INGEST_FUNCTION,
    INGEST_MAX_BATCHING_WINDOW,
    INGEST_MAX_CONCURRENCY,
    INGEST_MEMORY_MB,
    INGEST_TIMEOUT,
)
from analytics_infra.function import AnalyticsFunction, FunctionPlatform, function_code


class IngestConsumer(Construct):
    """Reads the queue in large batches and reports the messages it could not store, so only those
    are received again; after the queue's redrive limit they move to the dead-letter queue.

    The queue's visibility timeout derives from this function's timeout (constants.py). The event
    source grants the role consume on the queue and nothing else: the dead-letter queue is for
    people to inspect and redrive, not for the function.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        platform: FunctionPlatform,
        queue: aws_sqs.IQueue,
    ) -> None:
        super().__init__(scope, construct_id)
        self.consumer = AnalyticsFunction(
            self,
            INGEST_FUNCTION,
            platform=platform,
            description="Ingest: stores the metrics and events of the ingest queue's messages",
            code=function_code(INGEST_FUNCTION),
            memory_mb=INGEST_MEMORY_MB,
            timeout=INGEST_TIMEOUT,
        )
        self.event_source = aws_lambda_event_sources.SqsEventSource(
            queue,
            batch_size=INGEST_BATCH_SIZE,
            max_batching_window=INGEST_MAX_BATCHING_WINDOW,
            max_concurrency=INGEST_MAX_CONCURRENCY,
            report_batch_item_failures=True,
        )
        self.consumer.function.add_event_source(self.event_source)
