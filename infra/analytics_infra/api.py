"""The HTTP API: one Lambda per endpoint group, routes from the shared route table, JWT on writes, the
optional authorizer on open reads that identify a caller who sends a token."""

from __future__ import annotations

import json

import jsii
from aws_cdk import Duration, RemovalPolicy, aws_apigateway, aws_apigatewayv2, aws_lambda, aws_logs
from aws_cdk.aws_apigatewayv2_authorizers import HttpJwtAuthorizer
from aws_cdk.aws_apigatewayv2_integrations import HttpLambdaIntegration
from constructs import Construct

from analytics_infra.config import StackConfig
from analytics_infra.constants import (
    API_THROTTLE_BURST,
    API_THROTTLE_RATE_PER_SECOND,
    CACHE_FILES,
    CONSOLE_FUNCTION,
    CONSOLE_SITE_DIR,
    DOCS_FUNCTION,
    DOCS_HANDLER,
    FUNCTIONS_DIR,
    FUNCTIONS_WITHOUT_DATABASE,
    HANDLER,
    LOG_RETENTION,
)
from analytics_infra.function import AnalyticsFunction, FunctionPlatform, function_code
from analytics_infra.nag import acknowledge
from analytics_infra.optional_auth import OptionalAuthorizer
from analytics_infra.routes import (
    API_FUNCTIONS,
    ROUTES,
    Access,
    ApiFunction,
    requires_token,
    takes_optional_token,
)

# HTTP API context variables, one JSON object per request.
ACCESS_LOG_FIELDS = {
    "requestId": "$context.requestId",
    "ip": "$context.identity.sourceIp",
    "requestTime": "$context.requestTime",
    "httpMethod": "$context.httpMethod",
    "routeKey": "$context.routeKey",
    "path": "$context.path",
    "status": "$context.status",
    "protocol": "$context.protocol",
    "responseLength": "$context.responseLength",
    "responseLatency": "$context.responseLatency",
    "integrationLatency": "$context.integrationLatency",
    "integrationError": "$context.integrationErrorMessage",
    "authorizerError": "$context.authorizer.error",
}


@jsii.implements(aws_apigatewayv2.IAccessLogSettings)
class AccessLogSettings:
    def __init__(self, log_group: aws_logs.ILogGroup) -> None:
        self._destination = aws_apigatewayv2.LogGroupLogDestination(log_group)

    @property
    def destination(self) -> aws_apigatewayv2.IAccessLogDestination:
        return self._destination

    @property
    def format(self) -> aws_apigateway.AccessLogFormat:
        return aws_apigateway.AccessLogFormat.custom(json.dumps(ACCESS_LOG_FIELDS))


# Why API Gateway lets a route through without a token, for cdk-nag's AwsSolutions-APIG4.
OPEN_ROUTE_REASONS = {
    Access.READ: "Reads are public by the product's decision (spec README); the requireAuthForReads context "
    "puts them behind the JWT authorizer too.",
    Access.OPEN: "The web console's static files (page, scripts, styles) hold no data and must load before "
    "anyone can sign in; the page calls the API with its user's token.",
}


class ConsoleNotBuilt(Exception):
    """The console's bundle is missing from functions/console/site: the stack would deploy a console that
    answers 503."""


def api_function_code(spec: ApiFunction) -> tuple[aws_lambda.Code, str]:
    """The asset and handler of an API function. The docs function reads its siblings' handler
    modules at run time to merge their OpenAPI schemas, so its asset is the whole functions folder (less
    the console's bundle, which it never reads). The console's asset carries the built bundle, which must be
    there at synth time."""
    if spec.name == DOCS_FUNCTION:
        exclude = [*CACHE_FILES, f"{CONSOLE_FUNCTION}/{CONSOLE_SITE_DIR.name}"]
        return aws_lambda.Code.from_asset(str(FUNCTIONS_DIR), exclude=exclude), DOCS_HANDLER
    if spec.name == CONSOLE_FUNCTION and not (CONSOLE_SITE_DIR / "index.html").is_file():
        raise ConsoleNotBuilt(
            f"the web console is not built ({CONSOLE_SITE_DIR}/index.html is missing): run `make console` "
            "(npm ci and npm run build in console/) before synthesizing"
        )
    return function_code(spec.name), HANDLER


class Api(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StackConfig,
        platform: FunctionPlatform,
    ) -> None:
        super().__init__(scope, construct_id)
        self.http_api = aws_apigatewayv2.HttpApi(
            self, "HttpApi", description="Analytics Service API", create_default_stage=False
        )
        access_logs = aws_logs.LogGroup(
            self, "AccessLogs", retention=LOG_RETENTION, removal_policy=RemovalPolicy.DESTROY
        )
        self.stage = aws_apigatewayv2.HttpStage(
            self,
            "DefaultStage",
            http_api=self.http_api,
            stage_name="$default",
            auto_deploy=True,
            access_log_settings=AccessLogSettings(access_logs),
            throttle=aws_apigatewayv2.ThrottleSettings(
                rate_limit=API_THROTTLE_RATE_PER_SECOND, burst_limit=API_THROTTLE_BURST
            ),
        )

        auth_environment = {
            "JWT_ISSUER": config.jwt_issuer,
            "JWT_AUDIENCE": config.jwt_audience,
            "REQUIRE_AUTH_FOR_READS": str(config.require_auth_for_reads).lower(),
        }
        self.functions: dict[str, AnalyticsFunction] = {}
        for spec in API_FUNCTIONS:
            code, handler = api_function_code(spec)
            self.functions[spec.name] = AnalyticsFunction(
                self,
                spec.name,
                platform=platform,
                description=spec.description,
                code=code,
                handler=handler,
                memory_mb=spec.memory_mb,
                timeout=Duration.seconds(spec.timeout_seconds),
                uses_database=spec.name not in FUNCTIONS_WITHOUT_DATABASE,
                environment=auth_environment,
            )

        authorizer = HttpJwtAuthorizer(
            "Jwt", jwt_issuer=config.jwt_issuer, jwt_audience=[config.jwt_audience]
        )
        open_access = aws_apigatewayv2.HttpNoneAuthorizer()
        self.optional_authorizer: OptionalAuthorizer | None = None
        if any(takes_optional_token(r, require_auth_for_reads=config.require_auth_for_reads) for r in ROUTES):
            self.optional_authorizer = OptionalAuthorizer(
                self,
                "OptionalAuthorizer",
                platform=platform,
                jwt_issuer=config.jwt_issuer,
                jwt_audience=config.jwt_audience,
            )
        integrations = {
            name: HttpLambdaIntegration(f"{name}-integration", function.function)
            for name, function in self.functions.items()
        }
        for route in ROUTES:
            protected = requires_token(route, require_auth_for_reads=config.require_auth_for_reads)
            route_authorizer: aws_apigatewayv2.IHttpRouteAuthorizer = authorizer if protected else open_access
            if self.optional_authorizer and takes_optional_token(
                route, require_auth_for_reads=config.require_auth_for_reads
            ):
                route_authorizer = self.optional_authorizer.authorizer
            (http_route,) = self.http_api.add_routes(
                path=route.path,
                methods=[aws_apigatewayv2.HttpMethod(route.method)],
                integration=integrations[route.function],
                authorizer=route_authorizer,
            )
            if route_authorizer is open_access:
                acknowledge(http_route, "AwsSolutions-APIG4", OPEN_ROUTE_REASONS[route.access])
