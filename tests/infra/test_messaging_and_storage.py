"""The ingest queue with its dead-letter queue, the event bus and the reports bucket."""

from __future__ import annotations

from aws_cdk.assertions import Match

from analytics_infra.resources import INGEST_MAX_RECEIVES
from tests.infra.conftest import Synth


def test_the_ingest_queue_redrives_to_the_dead_letter_queue(default_synth: Synth) -> None:
    queues = default_synth.resources("AWS::SQS::Queue")
    (ingest_id,) = [logical_id for logical_id, q in queues.items() if "RedrivePolicy" in q["Properties"]]
    redrive = queues[ingest_id]["Properties"]["RedrivePolicy"]
    assert redrive["maxReceiveCount"] == INGEST_MAX_RECEIVES
    dlq_id = redrive["deadLetterTargetArn"]["Fn::GetAtt"][0]
    assert dlq_id in queues and dlq_id != ingest_id


def test_both_queues_are_encrypted_and_refuse_plain_http(default_synth: Synth) -> None:
    for queue in default_synth.resources("AWS::SQS::Queue").values():
        assert queue["Properties"]["SqsManagedSseEnabled"] is True
    policies = default_synth.resources("AWS::SQS::QueuePolicy")
    assert len(policies) == 2
    for policy in policies.values():
        (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
        assert statement["Effect"] == "Deny"
        assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_there_is_an_event_bus(default_synth: Synth) -> None:
    default_synth.template.resource_count_is("AWS::Events::EventBus", 1)


def test_the_reports_bucket_is_private_encrypted_and_expires_reports(default_synth: Synth) -> None:
    default_synth.template.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True,
                "BlockPublicPolicy": True,
                "IgnorePublicAcls": True,
                "RestrictPublicBuckets": True,
            },
            "BucketEncryption": Match.object_like({"ServerSideEncryptionConfiguration": Match.any_value()}),
            "LifecycleConfiguration": {
                "Rules": [Match.object_like({"ExpirationInDays": 30, "Status": "Enabled"})]
            },
            "VersioningConfiguration": Match.absent(),
        },
    )
    default_synth.template.has_resource_properties(
        "AWS::S3::BucketPolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
                        )
                    ]
                )
            }
        },
    )


def test_report_expiry_follows_the_context(custom_synth: Synth) -> None:
    custom_synth.template.has_resource_properties(
        "AWS::S3::Bucket",
        {"LifecycleConfiguration": {"Rules": [Match.object_like({"ExpirationInDays": 7})]}},
    )
