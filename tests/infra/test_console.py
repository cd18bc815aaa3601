"""The web console on AWS: open routes under /console to its own function, which carries the built bundle."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from analytics_infra import api
from analytics_infra.constants import CONSOLE_FUNCTION, CONSOLE_SITE_DIR
from analytics_infra.routes import ROUTES, Access, ApiFunction
from tests.infra.conftest import Synth
from tests.infra.test_api import routes_by_key

CONSOLE_ROUTES = {"GET /console", "GET /console/{proxy+}"}


def asset_dir(synth: Synth, function: dict[str, Any]) -> Path:
    """Where synth staged a function's code asset."""
    return synth.assembly_dir / f"asset.{function['Code']['S3Key'].removesuffix('.zip')}"


def test_the_console_routes_reach_the_console_function_with_no_authorizer(default_synth: Synth) -> None:
    assert {route.key for route in ROUTES if route.function == CONSOLE_FUNCTION} == CONSOLE_ROUTES
    routes = routes_by_key(default_synth)
    for key in CONSOLE_ROUTES:
        assert routes[key]["AuthorizationType"] == "NONE", key
        assert "AuthorizerId" not in routes[key], key


def test_the_console_stays_open_when_reads_need_a_token(custom_synth: Synth) -> None:
    # Given requireAuthForReads=true; Then the page still loads (its API calls carry the user's token)
    routes = routes_by_key(custom_synth)
    for route in ROUTES:
        expected = "NONE" if route.access is Access.OPEN else "JWT"
        assert routes[route.key]["AuthorizationType"] == expected, route.key


def test_the_console_function_ships_the_built_bundle_and_no_database_access(default_synth: Synth) -> None:
    construct = default_synth.stack.api.functions[CONSOLE_FUNCTION].function
    function = default_synth.function(construct)
    staged = asset_dir(default_synth, function)
    assert (staged / "handler.py").is_file()
    shipped = sorted(path.name for path in (staged / "site").iterdir())
    assert shipped == sorted(path.name for path in CONSOLE_SITE_DIR.iterdir())
    assert "index.html" in shipped
    assert not (staged / "__pycache__").exists()
    variables = function["Environment"]["Variables"]
    assert "DB_SECRET_ARN" not in variables and "DB_HOST" not in variables


def test_the_docs_function_does_not_carry_the_console_bundle(default_synth: Synth) -> None:
    function = default_synth.function(default_synth.stack.api.functions["docs"].function)
    staged = asset_dir(default_synth, function)
    assert (staged / CONSOLE_FUNCTION / "handler.py").is_file()
    assert not (staged / CONSOLE_FUNCTION / "site").exists()


def test_synth_stops_with_the_way_to_build_when_the_bundle_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api, "CONSOLE_SITE_DIR", tmp_path / "site")
    with pytest.raises(api.ConsoleNotBuilt, match="make console"):
        api.api_function_code(ApiFunction(CONSOLE_FUNCTION, "Web console"))


def test_the_stack_outputs_the_consoles_address(default_synth: Synth) -> None:
    output = default_synth.template.find_outputs("ConsoleUrl")["ConsoleUrl"]
    assert "console/" in str(output["Value"])
