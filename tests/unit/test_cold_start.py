"""Importing a handler is cheap and touches nothing outside the process."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("numpy", "openpyxl", "boto3", "sqlalchemy.orm", "alembic")


@pytest.mark.parametrize("function", ["metrics", "events", "health", "simple"])
def test_importing_a_handler_loads_no_heavy_module(function: str) -> None:
    # Run in a fresh interpreter with no database reachable: an import-time connection would fail.
    code = (
        f"import sys, importlib; importlib.import_module('functions.{function}.handler'); "
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    env = {"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert result.stdout.strip() == ""


def test_the_optional_authorizer_loads_no_token_library_until_a_token_arrives() -> None:
    # PyJWT with cryptography costs ~65 ms; anonymous reads never need it, nor the database.
    code = (
        "import sys, importlib; importlib.import_module('functions.optional_authorizer.handler'); "
        "print(','.join(m for m in ('jwt', 'cryptography', 'sqlalchemy', 'boto3') if m in sys.modules))"
    )
    env = {"PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert result.stdout.strip() == ""
