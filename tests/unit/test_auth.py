"""Reading roles from claims and deciding who may do what."""

from __future__ import annotations

import base64
import json

import pytest

from analytics.auth import Action, Principal, authorize, parse_roles, principal_from_claims, with_token_roles
from analytics.enums import Role
from analytics.errors import Forbidden, Unauthorized


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("[admin viewer]", {Role.ADMIN, Role.VIEWER}),  # API Gateway flattens list claims like this
        ("analyst viewer", {Role.ANALYST, Role.VIEWER}),  # the optional authorizer's context
        (["service"], {Role.SERVICE}),
        (["viewer admin"], set()),  # one element is one name, spaces and all
        (["viewer", " admin", "Admin", 1], {Role.VIEWER}),
        ("analyst,viewer", set()),
        ("superuser", set()),
        (None, set()),
    ],
)
def test_parse_roles(raw: object, expected: set[Role]) -> None:
    assert parse_roles(raw) == expected


def test_principal_needs_a_subject() -> None:
    assert principal_from_claims({"roles": "[admin]"}, "roles") is None
    assert principal_from_claims({"sub": "u1", "groups": ["admin"]}, "groups") == Principal(
        "u1", frozenset({Role.ADMIN})
    )


def test_reads_are_open_unless_configured() -> None:
    authorize(None, Action.READ, require_token_for_reads=False)
    with pytest.raises(Unauthorized):
        authorize(None, Action.READ, require_token_for_reads=True)


@pytest.mark.parametrize(
    ("role", "action", "allowed"),
    [
        (Role.SERVICE, Action.INGEST, True),
        (Role.ANALYST, Action.INGEST, True),
        (Role.VIEWER, Action.INGEST, False),
        (Role.SERVICE, Action.DELETE, False),
        (Role.ADMIN, Action.DELETE, True),
        (Role.VIEWER, Action.READ, True),
    ],
)
def test_roles_per_action(role: Role, action: Action, allowed: bool) -> None:
    principal = Principal("someone", frozenset({role}))
    if allowed:
        authorize(principal, action, require_token_for_reads=True)
    else:
        with pytest.raises(Forbidden):
            authorize(principal, action, require_token_for_reads=True)


def test_writes_without_a_principal_are_unauthorized() -> None:
    with pytest.raises(Unauthorized):
        authorize(None, Action.INGEST, require_token_for_reads=False)


def token(payload: dict[str, object]) -> str:
    encoded = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")
    return f"Bearer eyJhbGciOiJIUzI1NiJ9.{encoded}.signature"


def test_the_roles_come_from_the_verified_token_not_from_api_gateways_flattening() -> None:
    payload = {"sub": "eve", "exp": 1900000000, "roles": ["viewer admin"]}
    flattened = {"sub": "eve", "exp": "1900000000", "roles": "[viewer admin]"}

    claims = with_token_roles(flattened, token(payload), "roles")

    assert principal_from_claims(claims, "roles") == Principal("eve", frozenset())
    both = with_token_roles(
        {**flattened, "roles": "[viewer admin]"}, token({**payload, "roles": ["viewer", "admin"]}), "roles"
    )
    assert principal_from_claims(both, "roles") == Principal("eve", frozenset({Role.VIEWER, Role.ADMIN}))


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer not-a-jwt", "Bearer a.!!!.c", token({"sub": "someone else", "exp": 1900000000})],
)
def test_without_the_same_token_the_flattened_claims_are_read(authorization: str | None) -> None:
    flattened = {"sub": "eve", "exp": "1900000000", "roles": "[analyst]"}

    assert with_token_roles(flattened, authorization, "roles") == flattened


def test_a_token_without_a_known_role_reads_what_no_token_reads() -> None:
    roleless = Principal("someone", frozenset())

    authorize(roleless, Action.READ, require_token_for_reads=False)
    with pytest.raises(Forbidden):
        authorize(roleless, Action.READ, require_token_for_reads=True)
    with pytest.raises(Forbidden):
        authorize(roleless, Action.INGEST, require_token_for_reads=False)
