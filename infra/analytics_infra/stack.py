"""The one stack of the Analytics Service: it composes the constructs and wires their grants."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Stack
from constructs import Construct

from analytics_infra.api import Api
from analytics_infra.config import StackConfig
from analytics_infra.constants import (
    GOALS_API_FUNCTION,
    JOB_RULE_PREFIX,
    JOBS_API_FUNCTION,
    REPORTS_API_FUNCTION,
)
from analytics_infra.database import Database
from analytics_infra.function import FunctionPlatform
from analytics_infra.ingest import IngestConsumer
from analytics_infra.layer import DomainLayer
from analytics_infra.mail import ReportsMail
from analytics_infra.messaging import Messaging
from analytics_infra.migration import Migration
from analytics_infra.monitoring import Monitoring
from analytics_infra.network import Network
from analytics_infra.producers import IngestProducerPolicy
from analytics_infra.pull_sync import SYNC_API_FUNCTION, PullSync
from analytics_infra.reports import ReportGeneration
from analytics_infra.schedules import Schedules
from analytics_infra.storage import ReportsStorage
from analytics_infra.timetable import scheduled_tasks


class AnalyticsStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, config: StackConfig, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        network = Network(self, "Network")
        database = Database(
            self,
            "Database",
            vpc=network.vpc,
            proxy_subnets=network.app_subnets,
            cluster_subnets=network.data_subnets,
            deletion_protection=config.deletion_protection,
        )
        self.messaging = Messaging(self, "Messaging")
        self.storage = ReportsStorage(self, "Reports", expiry_days=config.reports_expiry_days)
        self.mail = ReportsMail(self, "ReportsMail", sender=config.reports_email_sender)
        # Every function gets the names of the queue, the bucket and the bus; only the functions that
        # use one get a grant on it, together with the code that uses it. Every reader and the scheduler
        # (which rolls them up) know the zones whose local days are rolled up.
        platform = FunctionPlatform(
            layer=DomainLayer(self, "DomainLayer").layer,
            vpc=network.vpc,
            subnets=network.app_subnets,
            log_level=config.log_level,
            database=database,
            environment={
                **self.messaging.environment,
                **self.storage.environment,
                "ROLLUP_ZONES": config.rollup_zones,
            },
        )

        self.api = Api(self, "Api", config=config, platform=platform)
        self.ingest = IngestConsumer(self, "Ingest", platform=platform, queue=self.messaging.ingest_queue)
        self.producer_policy = IngestProducerPolicy(self, "IngestProducer", queue=self.messaging.ingest_queue)
        self.reports = ReportGeneration(self, "ReportGeneration", platform=platform, storage=self.storage)
        self.pull_sync = PullSync(
            self,
            "PullSync",
            service_urls=config.sync_service_urls,
            batch_size=config.sync_batch_size,
            timeout_seconds=config.sync_timeout_seconds,
        )
        self.schedules = Schedules(
            self,
            "Schedules",
            platform=platform,
            tasks=scheduled_tasks(config.sync_interval_minutes),
            job_rule_prefix=JOB_RULE_PREFIX,
            environment={"SYNC_INTERVAL_MINUTES": str(config.sync_interval_minutes)},
            timeout=self.pull_sync.scheduler_timeout,
        )
        self._wire_reports_and_jobs()
        self._wire_pull_sync()
        self._wire_goals()
        self.monitoring = Monitoring(
            self, "Monitoring", ingest_dlq=self.messaging.ingest_dlq, reports_dlq=self.reports.dlq
        )
        migration = Migration(self, "Migration", platform=platform)

        CfnOutput(self, "ApiUrl", value=self.api.stage.url)
        CfnOutput(
            self,
            "ConsoleUrl",
            value=f"{self.api.stage.url}console/",
            description="The web console: open it in a browser",
        )
        CfnOutput(self, "SchemaVersion", value=migration.schema_version)
        CfnOutput(self, "IngestQueueUrl", value=self.messaging.ingest_queue.queue_url)
        CfnOutput(
            self,
            "IngestDeadLetterQueueArn",
            value=self.messaging.ingest_dlq.queue_arn,
            description="Once the cause is fixed: aws sqs start-message-move-task --source-arn <this>",
        )
        CfnOutput(
            self,
            "IngestProducerPolicyArn",
            value=self.producer_policy.policy.managed_policy_arn,
            description="Attach to a sibling service's role to let it send to the ingest queue",
        )
        CfnOutput(
            self,
            "AlarmTopicArn",
            value=self.monitoring.alarm_topic.topic_arn,
            description="Subscribe to receive the service's alarms",
        )
        CfnOutput(self, "ReportsBucketName", value=self.storage.bucket.bucket_name)
        CfnOutput(self, "ReportsQueueUrl", value=self.reports.queue.queue_url)
        CfnOutput(self, "EventBusName", value=self.messaging.event_bus.event_bus_name)

    def _wire_reports_and_jobs(self) -> None:
        """Who may do what with reports and jobs. The scheduler runs report jobs (render, upload,
        e-mail a link or the file); the reports API requests, hands out, e-mails and deletes reports
        and schedules report jobs; the jobs API manages jobs' rules and runs jobs now."""
        scheduler = self.schedules.scheduler
        self.storage.grant_write_reports(scheduler)
        self.storage.grant_read_reports(scheduler)
        self.mail.allow_sending(scheduler)

        reports_api = self.api.functions[REPORTS_API_FUNCTION]
        self.reports.allow_requests(reports_api)
        self.storage.grant_read_reports(reports_api)
        self.storage.grant_delete_reports(reports_api)
        self.mail.allow_sending(reports_api)
        self.schedules.allow_managing_jobs(reports_api)

        jobs_api = self.api.functions[JOBS_API_FUNCTION]
        self.schedules.allow_managing_jobs(jobs_api)
        self.schedules.grant_trigger(jobs_api)

    def _wire_goals(self) -> None:
        """Goal alerts: the scheduler's daily goal_update and the goals API (update-progress, reads of
        stale progress) publish them on the bus and e-mail them, with a link to the API."""
        for function in (self.schedules.scheduler, self.api.functions[GOALS_API_FUNCTION]):
            self.messaging.event_bus.grant_put_events_to(function.role)
            self.mail.allow_sending(function)
            function.function.add_environment("PUBLIC_API_URL", self.api.http_api.api_endpoint)

    def _wire_pull_sync(self) -> None:
        """The scheduler runs syncs (the hourly round and those the API records) with the token; the
        sync API records them and starts them through the scheduler."""
        self.pull_sync.allow_syncing(self.schedules.scheduler)
        sync_api = self.api.functions[SYNC_API_FUNCTION]
        self.pull_sync.configure(sync_api)
        self.schedules.grant_trigger(sync_api)
