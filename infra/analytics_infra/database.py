"""PostgreSQL: an Aurora Serverless v2 cluster behind an RDS Proxy, its password in Secrets Manager."""

from __future__ import annotations

from aws_cdk import RemovalPolicy, aws_ec2, aws_lambda, aws_rds, aws_secretsmanager
from constructs import Construct

from analytics_infra.constants import (
    DB_BACKUP_RETENTION,
    DB_ENGINE_VERSION,
    DB_MAX_CAPACITY_ACU,
    DB_MIN_CAPACITY_ACU,
    DB_NAME,
    DB_PORT,
    DB_USERNAME,
)
from analytics_infra.nag import acknowledge


class Database(Construct):
    """The cluster lives in isolated subnets and is reachable only from the proxy; functions connect
    to the proxy over TLS with the generated secret's credentials."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        vpc: aws_ec2.IVpc,
        proxy_subnets: aws_ec2.SubnetSelection,
        cluster_subnets: aws_ec2.SubnetSelection,
        deletion_protection: bool,
    ) -> None:
        super().__init__(scope, construct_id)
        self.cluster = aws_rds.DatabaseCluster(
            self,
            "Cluster",
            engine=aws_rds.DatabaseClusterEngine.aurora_postgres(version=DB_ENGINE_VERSION),
            credentials=aws_rds.Credentials.from_generated_secret(DB_USERNAME),
            default_database_name=DB_NAME,
            port=DB_PORT,
            writer=aws_rds.ClusterInstance.serverless_v2("Writer"),
            serverless_v2_min_capacity=DB_MIN_CAPACITY_ACU,
            serverless_v2_max_capacity=DB_MAX_CAPACITY_ACU,
            vpc=vpc,
            vpc_subnets=cluster_subnets,
            storage_encrypted=True,
            # Lets database users map to IAM roles (AwsSolutions-RDS6); functions use the secret today.
            iam_authentication=True,
            deletion_protection=deletion_protection,
            removal_policy=RemovalPolicy.SNAPSHOT,
            backup=aws_rds.BackupProps(retention=DB_BACKUP_RETENTION),
        )
        secret = self.cluster.secret
        if secret is None:  # from_generated_secret always creates one
            raise RuntimeError("the database cluster has no generated secret")
        self.secret: aws_secretsmanager.ISecret = secret
        self.proxy = self.cluster.add_proxy(
            "Proxy",
            secrets=[secret],
            vpc=vpc,
            vpc_subnets=proxy_subnets,
            require_tls=True,
        )
        self.cluster.connections.allow_default_port_from(self.proxy, "RDS Proxy to the cluster")

        acknowledge(
            self.cluster.node.find_child("Secret"),
            "AwsSolutions-SMG4",
            "Not rotated yet: functions read the password once per container, so a rotation would break "
            "warm containers until they restart. Rotation comes with IAM authentication to the proxy.",
        )
        if not deletion_protection:
            acknowledge(
                self.cluster,
                "AwsSolutions-RDS10",
                "Deletion protection is switched off by the deletionProtection context for a "
                "disposable (development or test) stack; removal still takes a final snapshot.",
            )

    @property
    def environment(self) -> dict[str, str]:
        """What a function needs to find the database: the secret, and the proxy as the host."""
        return {"DB_SECRET_ARN": self.secret.secret_arn, "DB_HOST": self.proxy.endpoint}

    def allow_connections(self, function: aws_lambda.Function) -> None:
        """Lets the function reach the proxy and read the credentials."""
        self.proxy.connections.allow_from(
            function, aws_ec2.Port.tcp(DB_PORT), f"{function.node.path} to the RDS Proxy"
        )
        self.secret.grant_read(function)
