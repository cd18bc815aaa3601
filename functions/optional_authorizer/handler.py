"""The optional authorizer: an HTTP API Lambda REQUEST authorizer (simple responses) for open reads that
identify a caller who sends a token. Not behind any route; API Gateway invokes it before the function.
What it decides is `analytics.optional_auth`."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from analytics.observability import logger
from analytics.optional_auth import VerificationUnavailable, authorize, get_token_verifier
from analytics.settings import get_settings


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    headers = event.get("headers") or {}
    response, refused = authorize(headers, get_token_verifier, get_settings().JWT_ROLES_CLAIM)
    if isinstance(refused, VerificationUnavailable):
        logger.error("token not verifiable", extra={"reason": str(refused)})
    elif refused is not None:
        logger.info("token refused", extra={"reason": str(refused)})
    return response
