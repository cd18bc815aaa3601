"""One Lambda function with its own role and log group, in the VPC, with the domain layer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from aws_cdk import Duration, RemovalPolicy, aws_ec2, aws_iam, aws_lambda, aws_logs
from constructs import Construct

from analytics_infra.constants import (
    ARCHITECTURE,
    CACHE_FILES,
    FUNCTIONS_DIR,
    HANDLER,
    LOG_RETENTION,
    METRICS_NAMESPACE,
    RUNTIME,
    SERVICE_NAME,
)
from analytics_infra.database import Database
from analytics_infra.nag import acknowledge

# What Lambda needs to attach a function to the VPC; EC2 offers no resource-level scoping for these.
VPC_ACCESS_ACTIONS = [
    "ec2:CreateNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSubnets",
    "ec2:DeleteNetworkInterface",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
]


@dataclass(frozen=True)
class FunctionPlatform:
    """What every function of the stack shares: the domain layer, the network, the log level, the
    database, and the settings naming the stack's resources (queue URLs, bucket and bus names)."""

    layer: aws_lambda.ILayerVersion
    vpc: aws_ec2.IVpc
    subnets: aws_ec2.SubnetSelection
    log_level: str
    database: Database
    environment: Mapping[str, str] = field(default_factory=dict)


def function_code(name: str) -> aws_lambda.Code:
    """The asset of `functions/<name>`, whose `handler.py` is the function's entry point."""
    return aws_lambda.Code.from_asset(str(FUNCTIONS_DIR / name), exclude=CACHE_FILES)


class AnalyticsFunction(Construct):
    """The role starts empty (no managed policies): it may write to its own log group, manage its
    VPC network interfaces and send traces; a function that uses the database may also reach the
    proxy and read the credentials. Everything else is granted by the caller."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        platform: FunctionPlatform,
        description: str,
        code: aws_lambda.Code,
        memory_mb: int,
        timeout: Duration,
        handler: str = HANDLER,
        uses_database: bool = True,
        environment: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.role = aws_iam.Role(
            self,
            "Role",
            assumed_by=aws_iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"Execution role of {description}",
        )
        self.role.add_to_policy(aws_iam.PolicyStatement(actions=VPC_ACCESS_ACTIONS, resources=["*"]))
        log_group = aws_logs.LogGroup(
            self, "Logs", retention=LOG_RETENTION, removal_policy=RemovalPolicy.DESTROY
        )
        log_group.grant_write(self.role)
        self.function = aws_lambda.Function(
            self,
            "Function",
            description=description,
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            handler=handler,
            code=code,
            layers=[platform.layer],
            memory_size=memory_mb,
            timeout=timeout,
            role=self.role,
            vpc=platform.vpc,
            vpc_subnets=platform.subnets,
            tracing=aws_lambda.Tracing.ACTIVE,
            log_group=log_group,
            environment={
                "POWERTOOLS_SERVICE_NAME": SERVICE_NAME,
                "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
                "LOG_LEVEL": platform.log_level,
                **platform.environment,
                **(platform.database.environment if uses_database else {}),
                **(environment or {}),
            },
        )
        if uses_database:
            platform.database.allow_connections(self.function)
        acknowledge(
            self.role,
            "AwsSolutions-IAM5[Resource::*]",
            "Only the VPC network-interface actions and X-Ray PutTraceSegments/PutTelemetryRecords use '*': "
            "neither service supports resource-level permissions for them.",
        )
        acknowledge(
            self.function,
            "AwsSolutions-L1",
            "The runtime is pinned in constants.RUNTIME because the layer's compiled wheels are built for "
            "exactly that CPython version; both move together when a newer runtime has been tested.",
        )
