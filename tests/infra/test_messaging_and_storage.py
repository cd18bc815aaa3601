"""The ingest queue with its dead-letter queue, the event bus and the reports bucket."""

from __future__ import annotations

from aws_cdk.assertions import Match

from analytics_infra.resources import INGEST_MAX_RECEIVES
from tests.infra.conftest import Synth


def test_the_ingest_queue_redrives_to_the_dead_letter_queue(default_synth: Synth) -> None:
    queues = default_synth.resources("AWS::SQS::Queue")
    ingest_id = default_synth.logical_id(default_synth.stack.messaging.ingest_queue)
    redrive = queues[ingest_id]["Properties"]["RedrivePolicy"]
    assert redrive["maxReceiveCount"] == INGEST_MAX_RECEIVES
    dlq_id = redrive["deadLetterTargetArn"]["Fn::GetAtt"][0]
    assert dlq_id == default_synth.logical_id(default_synth.stack.messaging.ingest_dlq)
    assert dlq_id in queues and dlq_id != ingest_id


def test_every_queue_is_encrypted_and_refuses_plain_http(default_synth: Synth) -> None:
    # Given the ingest and reports queues and their dead-letter queues
    queues = default_synth.resources("AWS::SQS::Queue")
    assert len(queues) == 4
    for queue in queues.values():
        assert queue["Properties"]["SqsManagedSseEnabled"] is True
    # Then each has a policy that denies requests without TLS
    policies = default_synth.resources("AWS::SQS::QueuePolicy")
    covered = set()
    for policy in policies.values():
        (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
        assert statement["Effect"] == "Deny"
        assert statement["Principal"] == {"AWS": "*"}
        assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        covered.update(queue["Ref"] for queue in policy["Properties"]["Queues"])
    assert covered == set(queues)


def test_there_is_an_event_bus(default_synth: Synth) -> None:
    default_synth.template.resource_count_is("AWS::Events::EventBus", 1)


def test_the_reports_bucket_is_private_encrypted_and_expires_reports(default_synth: Synth) -> None:
    # Given the one bucket of the stack
    ((bucket_id, bucket),) = default_synth.resources("AWS::S3::Bucket").items()
    assert bucket_id == default_synth.logical_id(default_synth.stack.storage.bucket)
    properties = bucket["Properties"]
    # Then nothing in it can be made public
    assert properties["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    # And objects are encrypted at rest with S3-managed keys
    assert properties["BucketEncryption"] == {
        "ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
    }
    # And reports expire after the context's days (no versions to linger), with stray uploads cleaned
    assert "VersioningConfiguration" not in properties
    (rule,) = properties["LifecycleConfiguration"]["Rules"]
    assert rule["ExpirationInDays"] == 30
    assert rule["Status"] == "Enabled"
    assert rule["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 1}
    assert "Prefix" not in rule and "TagFilters" not in rule  # every object


def test_the_reports_bucket_refuses_plain_http(default_synth: Synth) -> None:
    bucket_id = default_synth.logical_id(default_synth.stack.storage.bucket)
    (policy,) = default_synth.resources("AWS::S3::BucketPolicy").values()
    assert policy["Properties"]["Bucket"] == {"Ref": bucket_id}
    (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Effect"] == "Deny"
    assert statement["Principal"] == {"AWS": "*"}
    assert statement["Action"] == "s3:*"
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    bucket_arn = {"Fn::GetAtt": [bucket_id, "Arn"]}
    assert statement["Resource"] == [bucket_arn, {"Fn::Join": ["", [bucket_arn, "/*"]]}]


def test_report_expiry_follows_the_context(custom_synth: Synth) -> None:
    custom_synth.template.has_resource_properties(
        "AWS::S3::Bucket",
        {"LifecycleConfiguration": {"Rules": [Match.object_like({"ExpirationInDays": 7})]}},
    )
