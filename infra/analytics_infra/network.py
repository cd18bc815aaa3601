"""The VPC the functions and the database live in."""

from __future__ import annotations

from aws_cdk import RemovalPolicy, aws_ec2, aws_logs
from constructs import Construct

from analytics_infra.constants import LOG_RETENTION


class Network(Construct):
    """Two AZs: public subnets for one NAT gateway, private subnets for functions and the RDS Proxy,
    isolated subnets for the database.

    One NAT gateway rather than interface endpoints: the functions need Secrets Manager, SQS,
    EventBridge, X-Ray and SES today, and the sync jobs call sibling services over HTTPS, so
    endpoints would cost five or more interfaces in each AZ (more than one NAT) and still not reach
    the siblings. The price is that egress depends on the NAT's AZ. S3 goes through a free gateway
    endpoint so report downloads and uploads do not pay NAT data charges.
    """

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        flow_log_group = aws_logs.LogGroup(
            self, "FlowLogs", retention=LOG_RETENTION, removal_policy=RemovalPolicy.DESTROY
        )
        self.vpc = aws_ec2.Vpc(
            self,
            "Vpc",
            max_azs=2,
            nat_gateways=1,
            subnet_configuration=[
                aws_ec2.SubnetConfiguration(
                    name="public", subnet_type=aws_ec2.SubnetType.PUBLIC, cidr_mask=24
                ),
                aws_ec2.SubnetConfiguration(
                    name="app", subnet_type=aws_ec2.SubnetType.PRIVATE_WITH_EGRESS, cidr_mask=24
                ),
                aws_ec2.SubnetConfiguration(
                    name="data", subnet_type=aws_ec2.SubnetType.PRIVATE_ISOLATED, cidr_mask=24
                ),
            ],
            gateway_endpoints={
                "S3": aws_ec2.GatewayVpcEndpointOptions(service=aws_ec2.GatewayVpcEndpointAwsService.S3)
            },
            flow_logs={
                # Rejected traffic only: what an investigation needs, at a fraction of the volume of ALL.
                "Rejected": aws_ec2.FlowLogOptions(
                    traffic_type=aws_ec2.FlowLogTrafficType.REJECT,
                    destination=aws_ec2.FlowLogDestination.to_cloud_watch_logs(flow_log_group),
                )
            },
        )
        self.app_subnets = aws_ec2.SubnetSelection(subnet_type=aws_ec2.SubnetType.PRIVATE_WITH_EGRESS)
        self.data_subnets = aws_ec2.SubnetSelection(subnet_type=aws_ec2.SubnetType.PRIVATE_ISOLATED)
