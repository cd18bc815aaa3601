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
    for route in ROUTES:
        expected = "JWT" if route.access is not Access.READ else "NONE"
        assert routes[route.key]["AuthorizationType"] == expected, route.key
        if route.access is not Access.READ:
            assert "AuthorizerId" in routes[route.key], route.key


def test_reads_need_a_token_when_the_context_says_so(custom_synth: Synth) -> None:
    # Given requireAuthForReads=true; Then every route, reads included, goes through the JWT authorizer.
    routes = routes_by_key(custom_synth)
    assert {routes[route.key]["AuthorizationType"] for route in ROUTES} == {"JWT"}
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
