"""Report generation: the reports queue (with its dead-letter queue) and the worker that renders."""

from __future__ import annotations

from aws_cdk import aws_lambda_event_sources
from constructs import Construct

from analytics_infra import resources
from analytics_infra.constants import (
    REPORT_WORKER_BATCH_SIZE,
    REPORT_WORKER_FUNCTION,
    REPORT_WORKER_MAX_CONCURRENCY,
    REPORT_WORKER_MEMORY_MB,
    REPORT_WORKER_TIMEOUT,
    REPORTS_DLQ_RETENTION,
    REPORTS_VISIBILITY_TIMEOUT,
)
from analytics_infra.function import AnalyticsFunction, FunctionPlatform, function_code
from analytics_infra.queues import queue_with_dead_letters
from analytics_infra.storage import ReportsStorage


class ReportGeneration(Construct):
    """`POST /reports/generate` records a report and puts `{"report_id": ...}` on the queue; the worker
    renders it, uploads it to the reports bucket and reports the messages it could not handle, so only
    those are received again. After the redrive limit a request moves to the dead-letter queue, which
    is for people to inspect and redrive, not for any function.

    Construct ids are the logical names the local runner uses for the same queues.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        platform: FunctionPlatform,
        storage: ReportsStorage,
    ) -> None:
        super().__init__(scope, construct_id)
        self.queue, self.dlq = queue_with_dead_letters(
            self,
            queue_id=resources.REPORTS_QUEUE,
            dlq_id=resources.REPORTS_DLQ,
            visibility_timeout=REPORTS_VISIBILITY_TIMEOUT,
            max_receives=resources.REPORTS_MAX_RECEIVES,
            dlq_retention=REPORTS_DLQ_RETENTION,
            purpose="reports",
        )

        self.worker = AnalyticsFunction(
            self,
            REPORT_WORKER_FUNCTION,
            platform=platform,
            description="Report worker: renders the requested reports and uploads them to the bucket",
            code=function_code(REPORT_WORKER_FUNCTION),
            memory_mb=REPORT_WORKER_MEMORY_MB,
            timeout=REPORT_WORKER_TIMEOUT,
        )
        self.event_source = aws_lambda_event_sources.SqsEventSource(
            self.queue,
            batch_size=REPORT_WORKER_BATCH_SIZE,
            max_concurrency=REPORT_WORKER_MAX_CONCURRENCY,
            report_batch_item_failures=True,
        )
        self.worker.function.add_event_source(self.event_source)
        storage.grant_write_reports(self.worker)

    @property
    def environment(self) -> dict[str, str]:
        return {"REPORTS_QUEUE_URL": self.queue.queue_url}

    def allow_requests(self, function: AnalyticsFunction) -> None:
        """Lets the function put report requests on the queue, and tells it the queue's URL."""
        self.queue.grant_send_messages(function.role)
        for name, value in self.environment.items():
            function.function.add_environment(name, value)
