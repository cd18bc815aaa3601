"""The local JWT authorizer: which tokens pass, and the claims in API Gateway's flattened shape."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import jwt
import pytest

from analytics.enums import Role
from analytics.settings import Settings
from analytics_infra.local.authorizer import JwtAuthorizer, Unauthorized, flatten_claim, flatten_claims
from analytics_infra.local.tokens import build_claims, load_secret, sign

SECRET = "local-test-secret-" + "s" * 48
SETTINGS = Settings(JWT_ISSUER="analytics-local", JWT_AUDIENCE="analytics-service", JWT_ROLES_CLAIM="roles")
AUTHORIZER = JwtAuthorizer(SECRET, SETTINGS.JWT_ISSUER, SETTINGS.JWT_AUDIENCE)


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def token_with(**changes: Any) -> str:
    claims = build_claims(Role.ANALYST, SETTINGS)
    claims.update(changes)
    return sign({k: v for k, v in claims.items() if v is not None}, SECRET)


def test_valid_token_gives_flattened_claims_and_null_scopes() -> None:
    # Given a token issued like `analytics-local token --role analyst --sub ana`
    claims = build_claims(Role.ANALYST, SETTINGS, sub="ana", now=1_766_570_400, expires_in=10**9)

    # When the authorizer checks it
    context = AUTHORIZER.authorize(bearer(sign(claims, SECRET)))

    # Then the function sees every claim as a string, as API Gateway passes them
    assert context == {
        "jwt": {
            "claims": {
                "sub": "ana",
                "roles": "[analyst]",
                "iss": "analytics-local",
                "aud": "analytics-service",
                "iat": "1766570400",
                "exp": str(1_766_570_400 + 10**9),
            },
            "scopes": None,
        }
    }


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"authorization": ""},
        {"authorization": "Bearer"},
        {"authorization": "Basic dXNlcjpwYXNz"},
        bearer("not-a-jwt"),
        bearer(token_with(exp=int(time.time()) - 5)),
        bearer(token_with(aud="another-service")),
        bearer(token_with(iss="https://elsewhere.example.org")),
        bearer(token_with(exp=None)),
        bearer(sign(build_claims(Role.ADMIN, SETTINGS), "another-secret-" + "a" * 48)),
        bearer(jwt.encode(build_claims(Role.ADMIN, SETTINGS), SECRET, algorithm="HS384")),
    ],
    ids=[
        "no header",
        "empty",
        "no token",
        "basic auth",
        "garbage",
        "expired",
        "wrong audience",
        "wrong issuer",
        "no expiry",
        "wrong signature",
        "other algorithm",
    ],
)
def test_rejects(headers: dict[str, str]) -> None:
    with pytest.raises(Unauthorized):
        AUTHORIZER.authorize(headers)


def test_bearer_scheme_is_case_insensitive() -> None:
    context = AUTHORIZER.authorize({"authorization": f"bearer {token_with()}"})

    assert context["jwt"]["claims"]["roles"] == "[analyst]"


@pytest.mark.parametrize(
    ("value", "flat"),
    [
        ("text", "text"),
        (["admin", "viewer"], "[admin viewer]"),
        ([], "[]"),
        (1766570400, "1766570400"),
        (1766570400.0, "1766570400"),
        (1.5, "1.5"),
        (True, "true"),
        ({"b": 2, "a": "x"}, "map[a:x b:2]"),
        (None, "<nil>"),
    ],
)
def test_flatten_claim(value: object, flat: str) -> None:
    assert flatten_claim(value) == flat


def test_flatten_claims_keeps_every_name() -> None:
    assert flatten_claims({"sub": "s", "roles": ["service"], "exp": 5}) == {
        "sub": "s",
        "roles": "[service]",
        "exp": "5",
    }


def test_roles_claim_name_follows_the_settings() -> None:
    settings = Settings(JWT_ROLES_CLAIM="groups")

    claims = build_claims(Role.VIEWER, settings, now=100, expires_in=60)

    assert claims == {
        "sub": "local-viewer",
        "groups": ["viewer"],
        "iss": settings.JWT_ISSUER,
        "aud": settings.JWT_AUDIENCE,
        "iat": 100,
        "exp": 160,
    }


def test_secret_is_created_once_and_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"

    first = load_secret(data_dir)
    second = load_secret(data_dir)

    assert first == second
    assert len(first) >= 32
    assert (data_dir / "jwt-secret").stat().st_mode & 0o777 == 0o600
