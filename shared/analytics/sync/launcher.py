"""Starts pending syncs now: the scheduler function, invoked asynchronously with `{"sync_ids": [...]}`
(Lambda queues the event and retries a failed invocation; a sync that already started is not run
twice), so a sync never holds an API request open."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence

from analytics.aws.clients import client
from analytics.errors import Unavailable


class LambdaSyncLauncher:
    def __init__(self, scheduler_arn: str) -> None:
        self._scheduler_arn = scheduler_arn

    def launch(self, sync_ids: Sequence[uuid.UUID]) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        payload = json.dumps({"sync_ids": [str(sync_id) for sync_id in sync_ids]}).encode()
        try:
            client("lambda").invoke(FunctionName=self._scheduler_arn, InvocationType="Event", Payload=payload)
        except (BotoCoreError, ClientError) as exc:
            raise Unavailable(f"cannot start the sync: {exc}") from exc
