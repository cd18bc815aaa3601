"""Alarms: a message in the ingest or reports dead-letter queue notifies the alarm topic."""

from __future__ import annotations

from typing import Any

import pytest

from tests.infra.conftest import Synth, actions_of


@pytest.mark.parametrize("queue", ["ingest", "reports"])
def test_a_message_in_a_dead_letter_queue_raises_its_alarm(default_synth: Synth, queue: str) -> None:
    # Given the ingest or the reports dead-letter queue; Then one message in it raises an alarm that
    # notifies the topic, and its going away notifies it too.
    stack = default_synth.stack
    dlq, dlq_alarm = {
        "ingest": (stack.messaging.ingest_dlq, stack.monitoring.ingest_dlq_alarm),
        "reports": (stack.reports.dlq, stack.monitoring.reports_dlq_alarm),
    }[queue]
    dlq_id = default_synth.logical_id(dlq)
    topic = {"Ref": default_synth.logical_id(stack.monitoring.alarm_topic)}
    alarm_id = default_synth.logical_id(dlq_alarm)
    alarm = default_synth.resources("AWS::CloudWatch::Alarm")[alarm_id]["Properties"]
    assert queue in alarm["AlarmDescription"]
    assert alarm["Namespace"] == "AWS/SQS"
    assert alarm["MetricName"] == "ApproximateNumberOfMessagesVisible"
    assert alarm["Dimensions"] == [{"Name": "QueueName", "Value": {"Fn::GetAtt": [dlq_id, "QueueName"]}}]
    assert alarm["ComparisonOperator"] == "GreaterThanThreshold"
    assert alarm["Threshold"] == 0
    assert alarm["EvaluationPeriods"] == 1
    assert alarm["TreatMissingData"] == "notBreaching"
    assert alarm["AlarmActions"] == [topic]
    assert alarm["OKActions"] == [topic]


def test_cloudwatch_may_publish_to_the_encrypted_alarm_topic(default_synth: Synth) -> None:
    stack = default_synth.stack
    topic_id = default_synth.logical_id(stack.monitoring.alarm_topic)
    (topic_key,) = default_synth.resources("AWS::KMS::Key").items()
    key_id, key = topic_key
    topic = default_synth.resources("AWS::SNS::Topic")[topic_id]["Properties"]
    assert topic["KmsMasterKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    assert key["Properties"]["EnableKeyRotation"] is True

    def cloudwatch_statements(document: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            statement
            for statement in document["Statement"]
            if statement["Effect"] == "Allow"
            and statement["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
        ]

    (key_grant,) = cloudwatch_statements(key["Properties"]["KeyPolicy"])
    assert {"kms:Decrypt", "kms:GenerateDataKey*"} <= set(actions_of(key_grant))
    (policy,) = [
        policy["Properties"]
        for policy in default_synth.resources("AWS::SNS::TopicPolicy").values()
        if {"Ref": topic_id} in policy["Properties"]["Topics"]
    ]
    (publish,) = cloudwatch_statements(policy["PolicyDocument"])
    assert actions_of(publish) == ["sns:Publish"]
    assert publish["Condition"]["StringEquals"] == {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
    default_synth.template.has_output("AlarmTopicArn", {"Value": {"Ref": topic_id}})
