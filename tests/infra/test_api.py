"""The HTTP API: every route of the shared table, JWT on writes, open reads unless configured."""

from __future__ import annotations

from typing import Any

from aws_cdk.assertions import Match

from analytics_infra.routes import ROUTES, Access
from tests.infra.conftest import Synth


def routes_by_key(synth: Synth) -> dict[str, dict[str, Any]]:
    return {
        route["Properties"]["RouteKey"]: route["Properties"]
        for route in synth.resources("AWS::ApiGatewayV2::Route").values()
    }


def test_every_route_of_the_table_is_on_the_api(default_synth: Synth) -> None:
    # Given the shared route table; When synthesized; Then the API has exactly its route keys.
    assert sorted(routes_by_key(default_synth)) == sorted(route.key for route in ROUTES)


def test_routes_reach_the_function_the_table_names(default_synth: Synth) -> None:
    integrations = default_synth.resources("AWS::ApiGatewayV2::Integration")
    functions = default_synth.resources("AWS::Lambda::Function")
    api_functions = default_synth.stack.api.functions
    for route in ROUTES:
        target = routes_by_key(default_synth)[route.key]["Target"]["Fn::Join"][1][1]["Ref"]
        function_id = integrations[target]["Properties"]["IntegrationUri"]["Fn::GetAtt"][0]
        assert function_id == default_synth.logical_id(api_functions[route.function].function), route.key
        assert function_id in functions


def test_write_routes_need_a_token_and_reads_are_open_by_default(default_synth: Synth) -> None:
    routes = routes_by_key(default_synth)
    expected = {
        Access.READ: "NONE",
        Access.OPEN: "NONE",
        Access.OPTIONAL: "CUSTOM",
        Access.WRITE: "JWT",
        Access.PRIVATE: "JWT",
    }
    for route in ROUTES:
        assert routes[route.key]["AuthorizationType"] == expected[route.access], route.key
        if route.access not in (Access.READ, Access.OPEN):
            assert "AuthorizerId" in routes[route.key], route.key


def test_optional_routes_take_the_optional_lambda_authorizer_while_reads_are_open(
    default_synth: Synth,
) -> None:
    # Given reads open (cdk.json's default) and the dashboards' reads marked optional in the table
    optional = [route for route in ROUTES if route.access is Access.OPTIONAL]
    assert {(route.method, route.function) for route in optional} == {("GET", "dashboards")}
    # Then one REQUEST authorizer with simple responses, invoked for every request (no identity source,
    # no cache), calls the optional authorizer function
    (authorizer_id, authorizer), *others = (
        (logical_id, resource["Properties"])
        for logical_id, resource in default_synth.resources("AWS::ApiGatewayV2::Authorizer").items()
        if resource["Properties"]["AuthorizerType"] == "REQUEST"
    )
    assert others == []
    assert authorizer["EnableSimpleResponses"] is True
    assert authorizer["AuthorizerPayloadFormatVersion"] == "2.0"
    assert authorizer["AuthorizerResultTtlInSeconds"] == 0
    assert not authorizer.get("IdentitySource")
    assert default_synth.stack.api.optional_authorizer is not None
    function = default_synth.stack.api.optional_authorizer.function.function
    assert default_synth.logical_id(function) in str(authorizer["AuthorizerUri"])
    # And every optional route uses it
    routes = routes_by_key(default_synth)
    for route in optional:
        assert routes[route.key]["AuthorizerId"] == {"Ref": authorizer_id}, route.key


def test_the_optional_authorizer_checks_the_jwt_authorizers_issuer_and_audience(default_synth: Synth) -> None:
    optional_authorizer = default_synth.stack.api.optional_authorizer
    assert optional_authorizer is not None
    function_id = default_synth.logical_id(optional_authorizer.function.function)
    function = default_synth.function(optional_authorizer.function.function)
    variables = function["Environment"]["Variables"]
    assert variables["JWT_ISSUER"] == "https://auth.example.org"
    assert variables["JWT_AUDIENCE"] == "analytics-service"
    assert "DB_SECRET_ARN" not in variables  # it never touches the database
    # And API Gateway may invoke it
    invokers = {
        permission["Properties"]["Principal"]
        for permission in default_synth.resources("AWS::Lambda::Permission").values()
        if permission["Properties"]["FunctionName"] == {"Fn::GetAtt": [function_id, "Arn"]}
    }
    assert invokers == {"apigateway.amazonaws.com"}


def test_optional_routes_are_protected_reads_when_reads_need_a_token(custom_synth: Synth) -> None:
    # Given requireAuthForReads=true; Then the dashboards' reads take the JWT authorizer, no Lambda one
    routes = routes_by_key(custom_synth)
    for route in ROUTES:
        if route.access is Access.OPTIONAL:
            assert routes[route.key]["AuthorizationType"] == "JWT", route.key
    authorizers = custom_synth.resources("AWS::ApiGatewayV2::Authorizer").values()
    assert [a["Properties"]["AuthorizerType"] for a in authorizers] == ["JWT"]
    assert custom_synth.stack.api.optional_authorizer is None


def test_reads_need_a_token_when_the_context_says_so(custom_synth: Synth) -> None:
    # Given requireAuthForReads=true; Then every route, reads included, goes through the JWT authorizer
    # (all but the console's static files: test_console.py).
    routes = routes_by_key(custom_synth)
    assert {
        routes[route.key]["AuthorizationType"] for route in ROUTES if route.access is not Access.OPEN
    } == {"JWT"}
    for function in custom_synth.resources("AWS::Lambda::Function").values():
        variables = function["Properties"].get("Environment", {}).get("Variables", {})
        if "JWT_ISSUER" in variables:
            assert variables["REQUIRE_AUTH_FOR_READS"] == "true"


def test_functions_are_told_reads_are_open_by_default(default_synth: Synth) -> None:
    default_synth.template.has_resource_properties(
        "AWS::Lambda::Function",
        {"Environment": {"Variables": Match.object_like({"REQUIRE_AUTH_FOR_READS": "false"})}},
    )


def test_jwt_authorizer_uses_the_issuer_and_audience_from_context(default_synth: Synth) -> None:
    default_synth.template.has_resource_properties(
        "AWS::ApiGatewayV2::Authorizer",
        {
            "AuthorizerType": "JWT",
            "IdentitySource": ["$request.header.Authorization"],
            "JwtConfiguration": {"Issuer": "https://auth.example.org", "Audience": ["analytics-service"]},
        },
    )


def test_the_stage_writes_access_logs_and_throttles(default_synth: Synth) -> None:
    default_synth.template.has_resource_properties(
        "AWS::ApiGatewayV2::Stage",
        {
            "StageName": "$default",
            "AutoDeploy": True,
            "AccessLogSettings": {
                "DestinationArn": Match.any_value(),
                "Format": Match.string_like_regexp(r"\$context\.requestId"),
            },
            "DefaultRouteSettings": Match.object_like({"ThrottlingRateLimit": Match.any_value()}),
        },
    )


def test_private_routes_need_a_token_even_when_reads_are_open(default_synth: Synth) -> None:
    # Given reads open (cdk.json's default) and admin views in the table; Then those take a JWT.
    routes = routes_by_key(default_synth)
    private = [route for route in ROUTES if route.access is Access.PRIVATE]
    assert private
    for route in private:
        assert route.method == "GET", route.key
        assert routes[route.key]["AuthorizationType"] == "JWT", route.key
        assert "AuthorizerId" in routes[route.key], route.key
