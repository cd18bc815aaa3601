"""The API functions: one per group, each with its own role, on the Lambda platform of the layer."""

from __future__ import annotations

from typing import Any

from analytics_infra.constants import DOCS_FUNCTION, DOCS_HANDLER, FUNCTIONS_WITHOUT_DATABASE, HANDLER
from analytics_infra.routes import API_FUNCTIONS
from tests.infra.conftest import Synth

COMMON_VARIABLES = {
    "POWERTOOLS_SERVICE_NAME",
    "POWERTOOLS_METRICS_NAMESPACE",
    "JWT_ISSUER",
    "JWT_AUDIENCE",
    "LOG_LEVEL",
    "INGEST_QUEUE_URL",
    "REPORTS_BUCKET",
    "EVENT_BUS_NAME",
}
DATABASE_VARIABLES = {"DB_SECRET_ARN", "DB_HOST"}


def api_functions(synth: Synth) -> dict[str, dict[str, Any]]:
    """API function properties by group name."""
    functions = synth.resources("AWS::Lambda::Function")
    return {
        name: functions[synth.logical_id(function.function)]["Properties"]
        for name, function in synth.stack.api.functions.items()
    }


def test_one_function_per_api_group(default_synth: Synth) -> None:
    assert sorted(api_functions(default_synth)) == sorted(spec.name for spec in API_FUNCTIONS)


def test_each_api_function_has_a_role_of_its_own(default_synth: Synth) -> None:
    roles = [properties["Role"]["Fn::GetAtt"][0] for properties in api_functions(default_synth).values()]
    assert len(set(roles)) == len(API_FUNCTIONS)
    declared_roles = default_synth.resources("AWS::IAM::Role")
    for role in roles:
        assert "ManagedPolicyArns" not in declared_roles[role]["Properties"], role


def test_every_python_function_runs_on_arm64_python_3_12_or_newer(default_synth: Synth) -> None:
    python_functions = [
        resource["Properties"]
        for resource in default_synth.resources("AWS::Lambda::Function").values()
        if resource["Properties"].get("Runtime", "").startswith("python")
    ]
    # the API's, the ingest consumer, the report worker, the scheduler, the migration function and the
    # optional authorizer
    assert len(python_functions) == len(API_FUNCTIONS) + 5
    for properties in python_functions:
        major, minor = properties["Runtime"].removeprefix("python").split(".")
        assert (int(major), int(minor)) >= (3, 12)
        assert properties["Architectures"] == ["arm64"]
        assert properties["TracingConfig"] == {"Mode": "Active"}
        assert properties["VpcConfig"]["SubnetIds"]
        assert len(properties["Layers"]) == 1


def test_handlers_and_sizes_follow_the_route_table(default_synth: Synth) -> None:
    functions = api_functions(default_synth)
    for spec in API_FUNCTIONS:
        properties = functions[spec.name]
        assert properties["Handler"] == (DOCS_HANDLER if spec.name == DOCS_FUNCTION else HANDLER)
        assert properties["MemorySize"] == spec.memory_mb
        assert properties["Timeout"] == spec.timeout_seconds


def test_functions_get_their_settings_and_only_database_users_the_database(default_synth: Synth) -> None:
    for name, properties in api_functions(default_synth).items():
        variables = set(properties["Environment"]["Variables"])
        assert variables >= COMMON_VARIABLES, name
        if name in FUNCTIONS_WITHOUT_DATABASE:
            assert not variables & DATABASE_VARIABLES
        else:
            assert variables >= DATABASE_VARIABLES, name


def test_database_users_may_read_the_secret_and_the_others_may_not(default_synth: Synth) -> None:
    secret_readers: set[str] = set()
    for policy in default_synth.resources("AWS::IAM::Policy").values():
        statements = policy["Properties"]["PolicyDocument"]["Statement"]
        if any("secretsmanager:GetSecretValue" in statement["Action"] for statement in statements):
            secret_readers.update(role["Ref"] for role in policy["Properties"]["Roles"])
    function_roles = {
        name: properties["Role"]["Fn::GetAtt"][0] for name, properties in api_functions(default_synth).items()
    }
    for name, role in function_roles.items():
        assert (role in secret_readers) is (name not in FUNCTIONS_WITHOUT_DATABASE), name
