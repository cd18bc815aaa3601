"""One Lambda function with its own role and log group, in the VPC, with the domain layer."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy, aws_ec2, aws_iam, aws_lambda, aws_logs
from constructs import Construct

from analytics_infra.constants import (
    ARCHITECTURE,
    LOG_RETENTION,
    METRICS_NAMESPACE,
    RUNTIME,
    SERVICE_NAME,
)
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


class AnalyticsFunction(Construct):
    """The role starts empty (no managed policies): it may write to its own log group, manage its
    VPC network interfaces and send traces; everything else is granted by the caller."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        description: str,
        code: aws_lambda.Code,
        handler: str,
        memory_mb: int,
        timeout: Duration,
        layer: aws_lambda.ILayerVersion,
        vpc: aws_ec2.IVpc,
        subnets: aws_ec2.SubnetSelection,
        log_level: str,
        environment: dict[str, str],
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
            layers=[layer],
            memory_size=memory_mb,
            timeout=timeout,
            role=self.role,
            vpc=vpc,
            vpc_subnets=subnets,
            tracing=aws_lambda.Tracing.ACTIVE,
            log_group=log_group,
            environment={
                "POWERTOOLS_SERVICE_NAME": SERVICE_NAME,
                "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
                "LOG_LEVEL": log_level,
                **environment,
            },
        )
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
