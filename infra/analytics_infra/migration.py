"""Runs the Alembic migrations on deploy, as a custom resource backed by functions/migrate."""

from __future__ import annotations

from dataclasses import replace

from aws_cdk import (
    CustomResource,
    FileSystem,
    RemovalPolicy,
    Stack,
    aws_lambda,
    aws_logs,
    custom_resources,
)
from constructs import Construct

from analytics_infra.constants import (
    CACHE_FILES,
    LOG_RETENTION,
    MIGRATE_FUNCTION,
    MIGRATE_MEMORY_MB,
    MIGRATE_TIMEOUT,
    MIGRATIONS_DIR,
)
from analytics_infra.function import AnalyticsFunction, FunctionPlatform, function_code
from analytics_infra.nag import acknowledge


def migrations_hash() -> str:
    """Changes whenever a migration is added or edited, which makes CloudFormation update the resource."""
    return FileSystem.fingerprint(str(MIGRATIONS_DIR), exclude=CACHE_FILES)


class Migration(Construct):
    """CloudFormation creates the schema resource on the first deploy and updates it whenever the
    migrations change; each time, the function upgrades the database to the newest revision before
    the deploy goes on. Its `Version` attribute is the revision in force."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        platform: FunctionPlatform,
    ) -> None:
        super().__init__(scope, construct_id)
        self.handler = AnalyticsFunction(
            self,
            MIGRATE_FUNCTION,
            # It needs the database and nothing else of the stack's resources.
            platform=replace(platform, environment={}),
            description="Database migrations, run on every deploy that changes them",
            code=function_code(MIGRATE_FUNCTION),
            memory_mb=MIGRATE_MEMORY_MB,
            timeout=MIGRATE_TIMEOUT,
        )
        provider = custom_resources.Provider(
            self,
            "Provider",
            on_event_handler=self.handler.function,
            log_group=aws_logs.LogGroup(
                self, "ProviderLogs", retention=LOG_RETENTION, removal_policy=RemovalPolicy.DESTROY
            ),
        )
        schema = CustomResource(
            self,
            "Schema",
            service_token=provider.service_token,
            resource_type="Custom::DatabaseSchema",
            properties={"MigrationsHash": migrations_hash()},
        )
        # The writer instance and the proxy's target must exist before the first migration connects.
        schema.node.add_dependency(platform.database)
        self.schema_version = schema.get_att_string("Version")

        acknowledge(
            provider,
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
            "CDK's provider framework function only writes its own logs with the AWS basic execution policy.",
        )
        acknowledge(
            provider,
            f"AwsSolutions-IAM5[Resource::<{self._logical_id(self.handler.function)}.Arn>:*]",
            "The provider framework invokes the migrate function; ':*' covers that function's versions only.",
        )

    def _logical_id(self, function: aws_lambda.Function) -> str:
        return Stack.of(self).get_logical_id(function.node.default_child)  # type: ignore[arg-type]
