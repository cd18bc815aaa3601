"""Scheduled work started by EventBridge rules: the rule's input names the task."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from analytics.observability import logger, tracer
from analytics.services.scheduled_tasks import run_task


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    task = str(event.get("task", ""))
    result = run_task(task)
    logger.info("scheduled task done", extra={"task": task, "result": result.model_dump(mode="json")})
    return {"task": task, "result": result.model_dump(mode="json")}
