"""The migration function as CloudFormation calls it, against a real, empty PostgreSQL database."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from sqlalchemy import create_engine, text

from analytics.db.engine import get_engine, pg8000_url
from analytics.db.migrate import current_version, head_version
from functions.migrate.handler import SCHEMA_RESOURCE_ID, lambda_handler
from tests.conftest import reset_caches


@dataclass
class LambdaContext:
    function_name: str = "analytics-migrate"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:eu-west-1:123456789012:function:analytics-migrate"
    aws_request_id: str = "migrate-test"


@pytest.fixture
def empty_database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A database of its own on the test server, so the migration starts from nothing."""
    name = f"migrate_{uuid.uuid4().hex[:12]}"
    server = create_engine(pg8000_url(database_url), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    monkeypatch.setenv("DATABASE_URL", urlsplit(database_url)._replace(path=f"/{name}").geturl())
    reset_caches()
    try:
        yield name
    finally:
        get_engine().dispose()
        reset_caches()
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        server.dispose()


def test_create_migrates_an_empty_database_and_reports_the_version(empty_database: str) -> None:
    # Given an empty database; When CloudFormation creates the schema resource
    assert current_version(get_engine()) is None
    response = lambda_handler({"RequestType": "Create", "ResourceProperties": {}}, LambdaContext())
    # Then the database is at the newest revision, which the resource reports
    assert current_version(get_engine()) == head_version()
    assert response == {"PhysicalResourceId": SCHEMA_RESOURCE_ID, "Data": {"Version": head_version()}}


def test_update_after_create_is_a_no_op_upgrade(empty_database: str) -> None:
    lambda_handler({"RequestType": "Create"}, LambdaContext())
    response = lambda_handler(
        {"RequestType": "Update", "PhysicalResourceId": SCHEMA_RESOURCE_ID}, LambdaContext()
    )
    assert response["Data"] == {"Version": head_version()}


def test_delete_leaves_the_database_alone(empty_database: str) -> None:
    # Given a stack being deleted; When the schema resource is deleted; Then nothing is migrated
    response = lambda_handler(
        {"RequestType": "Delete", "PhysicalResourceId": SCHEMA_RESOURCE_ID}, LambdaContext()
    )
    assert response == {"PhysicalResourceId": SCHEMA_RESOURCE_ID}
    assert current_version(get_engine()) is None
