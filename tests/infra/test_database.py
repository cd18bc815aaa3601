"""PostgreSQL on AWS: Aurora Serverless v2, reached through an RDS Proxy that requires TLS."""

from __future__ import annotations

from aws_cdk.assertions import Match

from analytics_infra.migration import migrations_hash
from tests.infra.conftest import Synth


def test_the_cluster_is_encrypted_aurora_postgresql_serverless_v2(default_synth: Synth) -> None:
    default_synth.template.has_resource_properties(
        "AWS::RDS::DBCluster",
        {
            "Engine": "aurora-postgresql",
            "ServerlessV2ScalingConfiguration": {
                "MinCapacity": Match.any_value(),
                "MaxCapacity": Match.any_value(),
            },
            "StorageEncrypted": True,
            "DeletionProtection": True,
            "MasterUserPassword": Match.any_value(),  # resolved from the generated secret
        },
    )
    default_synth.template.has_resource_properties(
        "AWS::RDS::DBInstance", {"DBInstanceClass": "db.serverless"}
    )
    # the database's credentials and pull-sync's service token
    default_synth.template.resource_count_is("AWS::SecretsManager::Secret", 2)


def test_deletion_protection_follows_the_context(custom_synth: Synth) -> None:
    custom_synth.template.has_resource_properties("AWS::RDS::DBCluster", {"DeletionProtection": False})


def test_the_proxy_requires_tls_and_uses_the_generated_secret(default_synth: Synth) -> None:
    default_synth.template.has_resource_properties(
        "AWS::RDS::DBProxy",
        {
            "EngineFamily": "POSTGRESQL",
            "RequireTLS": True,
            "Auth": [Match.object_like({"AuthScheme": "SECRETS", "SecretArn": Match.any_value()})],
        },
    )


def test_the_cluster_admits_only_the_proxy(default_synth: Synth) -> None:
    # Given the cluster's security group; Then its only ingress comes from the proxy's security group.
    cluster_groups = {
        group["Fn::GetAtt"][0]
        for cluster in default_synth.resources("AWS::RDS::DBCluster").values()
        for group in cluster["Properties"]["VpcSecurityGroupIds"]
    }
    proxy_groups = {
        group["Fn::GetAtt"][0]
        for proxy in default_synth.resources("AWS::RDS::DBProxy").values()
        for group in proxy["Properties"]["VpcSecurityGroupIds"]
    }
    sources = {
        ingress["Properties"]["SourceSecurityGroupId"]["Fn::GetAtt"][0]
        for ingress in default_synth.resources("AWS::EC2::SecurityGroupIngress").values()
        if ingress["Properties"]["GroupId"]["Fn::GetAtt"][0] in cluster_groups
    }
    assert sources == proxy_groups


def test_functions_find_the_database_through_the_proxy(default_synth: Synth) -> None:
    (proxy_id,) = default_synth.resources("AWS::RDS::DBProxy")
    default_synth.template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Environment": {
                "Variables": Match.object_like(
                    {"DB_HOST": {"Fn::GetAtt": [proxy_id, "Endpoint"]}, "DB_SECRET_ARN": Match.any_value()}
                )
            }
        },
    )


def test_the_vpc_spans_two_zones_with_one_nat_gateway(default_synth: Synth) -> None:
    default_synth.template.resource_count_is("AWS::EC2::NatGateway", 1)
    default_synth.template.resource_count_is("AWS::EC2::Subnet", 6)  # public, app and data in 2 AZs
    default_synth.template.has_resource_properties("AWS::EC2::FlowLog", {"TrafficType": "REJECT"})


def test_migrations_run_on_deploy_and_again_when_they_change(default_synth: Synth) -> None:
    # The schema resource carries the migrations' fingerprint: a changed migration changes the
    # property, so CloudFormation sends an Update and the function migrates again.
    (schema,) = default_synth.resources("Custom::DatabaseSchema").values()
    assert schema["Properties"]["MigrationsHash"] == migrations_hash()
    assert len(migrations_hash()) == 64
    assert any(dependency.startswith("DatabaseCluster") for dependency in schema["DependsOn"])
