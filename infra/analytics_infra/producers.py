"""The managed policy that lets sibling services put metrics and events on the ingest queue."""

from __future__ import annotations

from aws_cdk import aws_iam, aws_sqs
from constructs import Construct

# SendMessage also authorizes SendMessageBatch; producers look the queue up by name or read its limits.
SEND_ACTIONS = ["sqs:SendMessage", "sqs:GetQueueUrl", "sqs:GetQueueAttributes"]
# What a sender needs of a customer-managed queue key: a data key to encrypt with, and Decrypt to
# reuse a cached one (AWS's SQS key management guide).
SEND_KEY_ACTIONS = ["kms:GenerateDataKey", "kms:Decrypt"]


class IngestProducerPolicy(Construct):
    """Sibling services attach the policy to their own roles (the stack outputs its ARN), so this
    stack never needs to know their roles.

    With SQS-managed encryption (SSE-SQS) a sender needs no key permissions; should the queue move
    to a KMS key, the policy grants what sending with that key takes.
    """

    def __init__(self, scope: Construct, construct_id: str, *, queue: aws_sqs.IQueue) -> None:
        super().__init__(scope, construct_id)
        statements = [aws_iam.PolicyStatement(actions=SEND_ACTIONS, resources=[queue.queue_arn])]
        if queue.encryption_master_key is not None:
            statements.append(
                aws_iam.PolicyStatement(
                    actions=SEND_KEY_ACTIONS, resources=[queue.encryption_master_key.key_arn]
                )
            )
        self.policy = aws_iam.ManagedPolicy(
            self,
            "Policy",
            description="Send metrics and events to the Analytics Service's ingest queue",
            statements=statements,
        )
