"""Migrations on deploy: CloudFormation's custom resource events for the database schema.

Create and Update upgrade the database to the newest revision and report it; Delete leaves the data
alone (the cluster has its own removal policy). Invoked by hand with `{}`, it upgrades too.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from analytics.db.engine import get_engine
from analytics.db.migrate import upgrade_to_head
from analytics.observability import logger, tracer

SCHEMA_RESOURCE_ID = "analytics-database-schema"


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if event.get("RequestType") == "Delete":
        logger.info("Stack deletion: the schema is left in place")
        return {"PhysicalResourceId": event.get("PhysicalResourceId", SCHEMA_RESOURCE_ID)}
    version = upgrade_to_head(get_engine())
    logger.info("Database schema is up to date", extra={"schema_version": version})
    return {"PhysicalResourceId": SCHEMA_RESOURCE_ID, "Data": {"Version": version}}
