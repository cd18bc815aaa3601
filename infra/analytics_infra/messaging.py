"""The ingest queue (with its dead-letter queue) and the event bus."""

from __future__ import annotations

from aws_cdk import aws_events, aws_sqs
from constructs import Construct

from analytics_infra import resources
from analytics_infra.constants import INGEST_DLQ_RETENTION, INGEST_VISIBILITY_TIMEOUT
from analytics_infra.nag import acknowledge


class Messaging(Construct):
    """Construct ids are the logical names the local runner uses for the same resources."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.ingest_dlq = aws_sqs.Queue(
            self,
            resources.INGEST_DLQ,
            encryption=aws_sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=INGEST_DLQ_RETENTION,
        )
        acknowledge(
            self.ingest_dlq,
            "AwsSolutions-SQS3",
            "This is the ingest queue's dead-letter queue; a queue behind it would only move the problem.",
        )
        self.ingest_queue = aws_sqs.Queue(
            self,
            resources.INGEST_QUEUE,
            encryption=aws_sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            visibility_timeout=INGEST_VISIBILITY_TIMEOUT,
            dead_letter_queue=aws_sqs.DeadLetterQueue(
                queue=self.ingest_dlq, max_receive_count=resources.INGEST_MAX_RECEIVES
            ),
        )
        self.event_bus = aws_events.EventBus(self, resources.EVENT_BUS)

    @property
    def environment(self) -> dict[str, str]:
        return {
            "INGEST_QUEUE_URL": self.ingest_queue.queue_url,
            "INGEST_DLQ_URL": self.ingest_dlq.queue_url,
            "EVENT_BUS_NAME": self.event_bus.event_bus_name,
        }
