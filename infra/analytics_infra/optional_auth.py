"""The optional authorizer: open reads that still identify a caller who sends a token.

An HTTP API Lambda REQUEST authorizer with simple responses, no identity source and no caching, so API
Gateway invokes it for every request, anonymous ones included. Its function (`functions/optional_authorizer`)
verifies a bearer token as the JWT authorizer would, against the same issuer and audience, and passes `sub`
and the roles to the route's function; a request without a token passes anonymously, a wrong token is
refused (403). Used for the routes of `Access.OPTIONAL` while reads are open.
"""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk.aws_apigatewayv2_authorizers import HttpLambdaAuthorizer, HttpLambdaResponseType
from constructs import Construct

from analytics_infra.constants import (
    OPTIONAL_AUTHORIZER_FUNCTION,
    OPTIONAL_AUTHORIZER_MEMORY_MB,
    OPTIONAL_AUTHORIZER_TIMEOUT,
)
from analytics_infra.function import AnalyticsFunction, FunctionPlatform, function_code


class OptionalAuthorizer(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        platform: FunctionPlatform,
        jwt_issuer: str,
        jwt_audience: str,
    ) -> None:
        super().__init__(scope, construct_id)
        self.function = AnalyticsFunction(
            self,
            "Function",
            platform=platform,
            description="Optional authorizer: verifies a bearer token on open reads when one is sent",
            code=function_code(OPTIONAL_AUTHORIZER_FUNCTION),
            memory_mb=OPTIONAL_AUTHORIZER_MEMORY_MB,
            timeout=OPTIONAL_AUTHORIZER_TIMEOUT,
            uses_database=False,
            environment={"JWT_ISSUER": jwt_issuer, "JWT_AUDIENCE": jwt_audience},
        )
        self.authorizer = HttpLambdaAuthorizer(
            "Optional",
            self.function.function,
            response_types=[HttpLambdaResponseType.SIMPLE],
            # No identity source: API Gateway would refuse a request without one (401) before calling
            # the function. That needs caching off, which is right anyway: every token is checked.
            identity_source=[],
            results_cache_ttl=Duration.seconds(0),
        )
