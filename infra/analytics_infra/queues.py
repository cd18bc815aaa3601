"""A work queue with its dead-letter queue, as every queue of the stack is built."""

from __future__ import annotations

from aws_cdk import Duration, aws_sqs
from constructs import Construct

from analytics_infra.nag import acknowledge


def queue_with_dead_letters(
    scope: Construct,
    *,
    queue_id: str,
    dlq_id: str,
    visibility_timeout: Duration,
    max_receives: int,
    dlq_retention: Duration,
    purpose: str,
) -> tuple[aws_sqs.Queue, aws_sqs.Queue]:
    """The queue and its DLQ (both SQS-encrypted, TLS only); a message moves to the DLQ after
    `max_receives` receives. `purpose` names the queue in the DLQ's cdk-nag acknowledgement."""
    dlq = aws_sqs.Queue(
        scope,
        dlq_id,
        encryption=aws_sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
        retention_period=dlq_retention,
    )
    acknowledge(
        dlq,
        "AwsSolutions-SQS3",
        f"This is the {purpose} queue's dead-letter queue; a queue behind it would only move the problem.",
    )
    queue = aws_sqs.Queue(
        scope,
        queue_id,
        encryption=aws_sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
        visibility_timeout=visibility_timeout,
        dead_letter_queue=aws_sqs.DeadLetterQueue(queue=dlq, max_receive_count=max_receives),
    )
    return queue, dlq
