"""The EventBridge rules of scheduled jobs: one rule per job on the default bus, named after the job,
whose only target is the scheduler function with the job's id as input."""

from __future__ import annotations

import json
import uuid

from analytics.aws.clients import client
from analytics.errors import Unavailable

TARGET_ID = "scheduler"


class EventBridgeJobRules:
    def __init__(self, *, prefix: str, scheduler_arn: str) -> None:
        self._prefix = prefix
        self._scheduler_arn = scheduler_arn

    def rule_name(self, job_id: uuid.UUID) -> str:
        return f"{self._prefix}{job_id}"

    def put(self, job_id: uuid.UUID, *, schedule_expression: str, enabled: bool, description: str) -> None:
        """Creates or updates the job's rule (put_rule is an upsert) and points it at the scheduler."""
        from botocore.exceptions import BotoCoreError, ClientError

        events = client("events")
        name = self.rule_name(job_id)
        try:
            events.put_rule(
                Name=name,
                ScheduleExpression=schedule_expression,
                State="ENABLED" if enabled else "DISABLED",
                Description=description[:512],
            )
            events.put_targets(
                Rule=name,
                Targets=[
                    {
                        "Id": TARGET_ID,
                        "Arn": self._scheduler_arn,
                        "Input": json.dumps({"job_id": str(job_id)}),
                    }
                ],
            )
        except (BotoCoreError, ClientError) as exc:
            raise Unavailable(f"cannot write the EventBridge rule {name}: {exc}") from exc

    def delete(self, job_id: uuid.UUID) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        events = client("events")
        name = self.rule_name(job_id)
        try:
            events.remove_targets(Rule=name, Ids=[TARGET_ID])
            events.delete_rule(Name=name)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
                raise Unavailable(f"cannot delete the EventBridge rule {name}: {exc}") from exc
        except BotoCoreError as exc:
            raise Unavailable(f"cannot delete the EventBridge rule {name}: {exc}") from exc
