"""Starts a job run now: the scheduler function, invoked asynchronously (Lambda queues the event and
retries it on failure), so a long run never holds an API request open."""

from __future__ import annotations

import json
import uuid

from analytics.aws.clients import client
from analytics.errors import Unavailable


class LambdaJobLauncher:
    def __init__(self, scheduler_arn: str) -> None:
        self._scheduler_arn = scheduler_arn

    def launch(self, job_id: uuid.UUID, run_id: uuid.UUID) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        payload = json.dumps({"job_id": str(job_id), "run_id": str(run_id)}).encode()
        try:
            client("lambda").invoke(FunctionName=self._scheduler_arn, InvocationType="Event", Payload=payload)
        except (BotoCoreError, ClientError) as exc:
            raise Unavailable(f"cannot start the job's run: {exc}") from exc
