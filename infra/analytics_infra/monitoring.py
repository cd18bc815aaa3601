"""Alarms, and the topic they notify: whoever is on call subscribes to it (the stack outputs its ARN)."""

from __future__ import annotations

from aws_cdk import (
    ArnFormat,
    RemovalPolicy,
    Stack,
    aws_cloudwatch,
    aws_cloudwatch_actions,
    aws_iam,
    aws_kms,
    aws_sns,
    aws_sqs,
)
from constructs import Construct

from analytics_infra.constants import DLQ_ALARM_PERIOD

CLOUDWATCH = aws_iam.ServicePrincipal("cloudwatch.amazonaws.com")


class Monitoring(Construct):
    """The topic is encrypted with a key of the stack's own: CloudWatch cannot publish to a topic
    encrypted with the AWS-managed SNS key, whose policy cannot grant it the key."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        ingest_dlq: aws_sqs.IQueue,
        reports_dlq: aws_sqs.IQueue,
    ) -> None:
        super().__init__(scope, construct_id)
        key = aws_kms.Key(
            self,
            "AlarmTopicKey",
            description="Encrypts the Analytics Service's alarm notifications",
            enable_key_rotation=True,
            # It only protects notifications in transit through SNS; nothing stored depends on it.
            removal_policy=RemovalPolicy.DESTROY,
        )
        key.grant(CLOUDWATCH, "kms:Decrypt", "kms:GenerateDataKey*")
        self.alarm_topic = aws_sns.Topic(
            self,
            "AlarmTopic",
            display_name="Analytics Service alarms",
            master_key=key,
            enforce_ssl=True,
        )
        # The stack's topic policy replaces SNS's default one, so CloudWatch is let in explicitly,
        # and only for this account's alarms.
        stack = Stack.of(self)
        self.alarm_topic.add_to_resource_policy(
            aws_iam.PolicyStatement(
                principals=[CLOUDWATCH],
                actions=["sns:Publish"],
                resources=[self.alarm_topic.topic_arn],
                conditions={
                    "StringEquals": {"aws:SourceAccount": stack.account},
                    "ArnLike": {
                        "aws:SourceArn": stack.format_arn(
                            service="cloudwatch",
                            resource="alarm",
                            resource_name="*",
                            arn_format=ArnFormat.COLON_RESOURCE_NAME,
                        )
                    },
                },
            )
        )
        self.ingest_dlq_alarm = self._alarm_on_dead_letters(
            "IngestDeadLettersAlarm",
            ingest_dlq,
            "Messages in the ingest dead-letter queue: they failed every delivery. Find the cause in "
            "the ingest function's logs, then redrive them to the ingest queue.",
        )
        self.reports_dlq_alarm = self._alarm_on_dead_letters(
            "ReportsDeadLettersAlarm",
            reports_dlq,
            "Report requests in the reports dead-letter queue: the report worker failed them on every "
            "delivery, so their reports stay unrendered. Find the cause in the report worker's logs, "
            "then redrive them to the reports queue.",
        )

    def _alarm_on_dead_letters(
        self, construct_id: str, queue: aws_sqs.IQueue, description: str
    ) -> aws_cloudwatch.Alarm:
        """Any message in a dead-letter queue failed every retry: it needs a person (fix the cause,
        then redrive), and it expires from the queue after its retention."""
        alarm = aws_cloudwatch.Alarm(
            self,
            construct_id,
            alarm_description=description,
            metric=queue.metric_approximate_number_of_messages_visible(
                period=DLQ_ALARM_PERIOD, statistic=aws_cloudwatch.Stats.MAXIMUM
            ),
            comparison_operator=aws_cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            threshold=0,
            evaluation_periods=1,
            # SQS stops sending metrics for an empty queue nobody touches: no data means no messages.
            treat_missing_data=aws_cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        action = aws_cloudwatch_actions.SnsAction(self.alarm_topic)
        alarm.add_alarm_action(action)
        alarm.add_ok_action(action)
        return alarm
