"""The ingest path: the queue's consumer, its event source, and who may send and receive."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import App, Stack, aws_kms, aws_sqs
from aws_cdk.assertions import Match, Template

from analytics_infra.constants import HANDLER, INGEST_BATCH_SIZE, INGEST_MAX_BATCHING_WINDOW
from analytics_infra.producers import IngestProducerPolicy
from tests.infra.conftest import Synth, actions_of, role_of

RECEIVE_ACTIONS = {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"}


def queue_ref(synth: Synth, queue: aws_sqs.IQueue) -> dict[str, Any]:
    return {"Fn::GetAtt": [synth.logical_id(queue), "Arn"]}


def ingest_function(synth: Synth) -> dict[str, Any]:
    function_id = synth.logical_id(synth.stack.ingest.consumer.function)
    return dict(synth.resources("AWS::Lambda::Function")[function_id]["Properties"])


def test_the_ingest_function_runs_the_ingest_handler_with_the_database(default_synth: Synth) -> None:
    properties = ingest_function(default_synth)
    assert properties["Handler"] == HANDLER
    assert properties["Architectures"] == ["arm64"]
    assert properties["VpcConfig"]["SubnetIds"]
    assert len(properties["Layers"]) == 1
    assert {"DB_HOST", "DB_SECRET_ARN", "INGEST_QUEUE_URL"} <= set(properties["Environment"]["Variables"])
    assert "secretsmanager:GetSecretValue" in default_synth.role_actions(role_of(properties))


def test_the_queue_outlasts_six_ingest_timeouts_and_the_batching_window(default_synth: Synth) -> None:
    # Given the queue and its consumer as deployed; Then a batch in flight cannot become visible
    # again while the function (or Lambda's retry of a throttled batch) may still be working on it.
    queue_id = default_synth.logical_id(default_synth.stack.messaging.ingest_queue)
    queue = default_synth.resources("AWS::SQS::Queue")[queue_id]["Properties"]
    timeout = ingest_function(default_synth)["Timeout"]
    assert queue["VisibilityTimeout"] >= 6 * timeout + INGEST_MAX_BATCHING_WINDOW.to_seconds()


def test_the_consumer_reads_large_batches_and_reports_item_failures(default_synth: Synth) -> None:
    stack = default_synth.stack
    default_synth.template.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        {
            "EventSourceArn": queue_ref(default_synth, stack.messaging.ingest_queue),
            "FunctionName": {"Ref": default_synth.logical_id(stack.ingest.consumer.function)},
            "FunctionResponseTypes": Match.array_with(["ReportBatchItemFailures"]),
            "BatchSize": INGEST_BATCH_SIZE,
            "MaximumBatchingWindowInSeconds": INGEST_MAX_BATCHING_WINDOW.to_seconds(),
            "ScalingConfig": {"MaximumConcurrency": Match.any_value()},
        },
    )
    assert INGEST_BATCH_SIZE > 10  # more than SQS's own ten per receive is why there is a window
    ingest_queue_mappings = [
        mapping
        for mapping in default_synth.resources("AWS::Lambda::EventSourceMapping").values()
        if mapping["Properties"]["EventSourceArn"] == queue_ref(default_synth, stack.messaging.ingest_queue)
    ]
    assert len(ingest_queue_mappings) == 1


def test_only_the_ingest_function_may_receive_and_nothing_may_touch_the_dlq(default_synth: Synth) -> None:
    stack = default_synth.stack
    queue = queue_ref(default_synth, stack.messaging.ingest_queue)
    dlq = queue_ref(default_synth, stack.messaging.ingest_dlq)
    ingest_role = role_of(ingest_function(default_synth))
    # Then the consumer may receive and delete on the queue, and has nothing on the DLQ
    assert default_synth.allowed_actions(ingest_role, queue) >= RECEIVE_ACTIONS
    assert default_synth.allowed_actions(ingest_role, dlq) == set()
    assert {a for a in default_synth.role_actions(ingest_role) if a.startswith("sqs:")} <= RECEIVE_ACTIONS | {
        "sqs:GetQueueAttributes",
        "sqs:GetQueueUrl",
    }
    # And no other function's role holds any permission on either queue, or SQS on every queue
    functions = default_synth.resources("AWS::Lambda::Function").values()
    other_roles = {role_of(f["Properties"]) for f in functions} - {ingest_role}
    assert len(other_roles) >= len(stack.api.functions)
    for role in other_roles:
        assert default_synth.allowed_actions(role, queue) == set(), role
        assert default_synth.allowed_actions(role, dlq) == set(), role
        for statement in default_synth.statements_on(role, "*"):
            assert not [a for a in actions_of(statement) if a.startswith("sqs:")], role


def test_sibling_services_get_a_managed_policy_to_send_and_only_send(default_synth: Synth) -> None:
    policies = default_synth.resources("AWS::IAM::ManagedPolicy")
    policy_id = default_synth.logical_id(default_synth.stack.producer_policy.policy)
    (statement,) = policies[policy_id]["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Resource"] == queue_ref(default_synth, default_synth.stack.messaging.ingest_queue)
    assert "sqs:SendMessage" in actions_of(statement)
    assert not RECEIVE_ACTIONS & set(actions_of(statement))
    # Attached to nothing here: the siblings attach it to their roles, by the ARN the stack outputs
    assert "Roles" not in policies[policy_id]["Properties"]
    default_synth.template.has_output("IngestProducerPolicyArn", {"Value": {"Ref": policy_id}})


@pytest.mark.parametrize("customer_key", [False, True])
def test_the_producer_policy_grants_the_queue_key_only_when_there_is_one(customer_key: bool) -> None:
    # Given a queue with SQS-managed encryption, or with a KMS key of its own
    stack = Stack(App(), "Producers")
    key = aws_kms.Key(stack, "Key") if customer_key else None
    queue = aws_sqs.Queue(
        stack,
        "Queue",
        encryption=aws_sqs.QueueEncryption.KMS if key else aws_sqs.QueueEncryption.SQS_MANAGED,
        encryption_master_key=key,
    )
    # When the producer policy is made for it
    IngestProducerPolicy(stack, "Producer", queue=queue)
    # Then senders may use the key to encrypt exactly when the queue has one
    (policy,) = Template.from_stack(stack).find_resources("AWS::IAM::ManagedPolicy").values()
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    key_statements = [s for s in statements if any(a.startswith("kms:") for a in actions_of(s))]
    if key:
        (key_statement,) = key_statements
        assert {"kms:GenerateDataKey", "kms:Decrypt"} <= set(actions_of(key_statement))
        assert key_statement["Resource"] == {
            "Fn::GetAtt": [stack.get_logical_id(key.node.default_child), "Arn"]
        }  # type: ignore[arg-type]
    else:
        assert key_statements == []


def test_the_dead_letter_queue_is_an_output_to_redrive_from(default_synth: Synth) -> None:
    dlq_id = default_synth.logical_id(default_synth.stack.messaging.ingest_dlq)
    default_synth.template.has_output("IngestDeadLetterQueueArn", {"Value": {"Fn::GetAtt": [dlq_id, "Arn"]}})
