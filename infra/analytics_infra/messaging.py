"""The ingest queue (with its dead-letter queue) and the event bus."""

from __future__ import annotations

from aws_cdk import aws_events
from constructs import Construct

from analytics_infra import resources
from analytics_infra.constants import INGEST_DLQ_RETENTION, INGEST_VISIBILITY_TIMEOUT
from analytics_infra.queues import queue_with_dead_letters


class Messaging(Construct):
    """Construct ids are the logical names the local runner uses for the same resources."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.ingest_queue, self.ingest_dlq = queue_with_dead_letters(
            self,
            queue_id=resources.INGEST_QUEUE,
            dlq_id=resources.INGEST_DLQ,
            visibility_timeout=INGEST_VISIBILITY_TIMEOUT,
            max_receives=resources.INGEST_MAX_RECEIVES,
            dlq_retention=INGEST_DLQ_RETENTION,
            purpose="ingest",
        )
        self.event_bus = aws_events.EventBus(self, resources.EVENT_BUS)

    @property
    def environment(self) -> dict[str, str]:
        return {
            "INGEST_QUEUE_URL": self.ingest_queue.queue_url,
            "INGEST_DLQ_URL": self.ingest_dlq.queue_url,
            "EVENT_BUS_NAME": self.event_bus.event_bus_name,
        }
