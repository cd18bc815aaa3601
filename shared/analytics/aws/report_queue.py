"""The SQS queue that hands reports to the report worker."""

from __future__ import annotations

import json
import uuid

from analytics.aws.clients import client
from analytics.errors import Unavailable


class SqsReportQueue:
    def __init__(self, queue_url: str) -> None:
        self._queue_url = queue_url

    def send(self, report_id: uuid.UUID) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            client("sqs").send_message(
                QueueUrl=self._queue_url, MessageBody=json.dumps({"report_id": str(report_id)})
            )
        except (BotoCoreError, ClientError) as exc:
            raise Unavailable(f"cannot queue the report for rendering: {exc}") from exc
