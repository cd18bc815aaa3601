"""The ingest path: the queue's consumer, its event source, and who may receive."""

from __future__ import annotations

from typing import Any

from aws_cdk import aws_sqs
from aws_cdk.assertions import Match

from analytics_infra.constants import HANDLER, INGEST_BATCH_SIZE, INGEST_MAX_BATCHING_WINDOW
from tests.infra.conftest import Synth

RECEIVE_ACTIONS = {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"}


def queue_ref(synth: Synth, queue: aws_sqs.IQueue) -> dict[str, Any]:
    return {"Fn::GetAtt": [synth.logical_id(queue), "Arn"]}


def ingest_function(synth: Synth) -> dict[str, Any]:
    function_id = synth.logical_id(synth.stack.ingest.consumer.function)
    return dict(synth.resources("AWS::Lambda::Function")[function_id]["Properties"])


def role_of(properties: dict[str, Any]) -> str:
    return str(properties["Role"]["Fn::GetAtt"][0])


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
    default_synth.template.resource_count_is("AWS::Lambda::EventSourceMapping", 1)


def test_only_the_ingest_function_may_receive_and_nothing_may_touch_the_dlq(default_synth: Synth) -> None:
    stack = default_synth.stack
    queue = queue_ref(default_synth, stack.messaging.ingest_queue)
    dlq = queue_ref(default_synth, stack.messaging.ingest_dlq)
    ingest_role = role_of(ingest_function(default_synth))
    # Then the consumer may receive and delete on the queue, and has nothing on the DLQ
    assert default_synth.allowed_actions(ingest_role, queue) >= RECEIVE_ACTIONS
    assert default_synth.allowed_actions(ingest_role, dlq) == set()
    # And no other function's role holds any SQS permission at all
    functions = default_synth.resources("AWS::Lambda::Function").values()
    other_roles = {role_of(f["Properties"]) for f in functions} - {ingest_role}
    assert len(other_roles) >= len(stack.api.functions)
    for role in other_roles:
        assert not {action for action in default_synth.role_actions(role) if action.startswith("sqs:")}, role
