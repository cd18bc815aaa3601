"""Reading roles from claims and deciding who may do what."""

from __future__ import annotations

import pytest

from analytics.auth import Action, Principal, authorize, parse_roles, principal_from_claims
from analytics.enums import Role
from analytics.errors import Forbidden, Unauthorized


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("[admin viewer]", {Role.ADMIN, Role.VIEWER}),  # API Gateway flattens list claims like this
        (["service"], {Role.SERVICE}),
        ("analyst,viewer", {Role.ANALYST, Role.VIEWER}),
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
